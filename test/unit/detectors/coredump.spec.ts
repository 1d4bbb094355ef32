// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { CoredumpDetector } from '../../../service/src/kinds/crash/coredumpDetector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const coredump = (fields: Record<string, string>) =>
  journalEvent({
    SYSLOG_IDENTIFIER: 'systemd-coredump',
    _COMM: 'systemd-coredum',
    _EXE: '/usr/lib/systemd/systemd-coredump',
    _SYSTEMD_UNIT: 'systemd-coredump@0-4242-0.service',
    _PID: '4250',
    _UID: '0',
    ...fields,
  });
const titles = (events: WatchEvent[]) =>
  reportsOf(runDetector(new CoredumpDetector(), events)).map((r) => [r.subject, r.title]);

describe('the coredump detector on the catalogue and the words', () => {
  it('takes the crash from the catalogued fields, whatever the words', () => {
    expect(
      titles([
        coredump({
          MESSAGE: 'Process 2211 (gnome-shell) of user 1000 dumped core.\n\nStack trace of thread 2211:\n#0  0x00007f…',
          MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
          COREDUMP_EXE: '/usr/bin/gnome-shell',
          COREDUMP_COMM: 'gnome-shell',
          COREDUMP_SIGNAL_NAME: 'SIGSEGV',
          COREDUMP_USER_UNIT: 'org.gnome.Shell@wayland.service',
        }),
        // systemd-coredump --backtrace: a crash handed over with its own trace
        coredump({
          MESSAGE: 'Process 3120 (python3) of user 1000 failed with 11',
          MESSAGE_ID: '1f4e0a44a88649939aaea34fc6da8c95',
          COREDUMP_EXE: '/usr/bin/python3.12',
          COREDUMP_SIGNAL: '11',
        }),
      ]),
    ).toEqual([
      ['/usr/bin/gnome-shell', 'gnome-shell crashed (SIGSEGV) in org.gnome.Shell@wayland.service'],
      ['/usr/bin/python3.12', 'python3.12 crashed (signal 11)'],
    ]);
  });

  it('reads the words alone, and keeps a name in parentheses whole', () => {
    expect(
      titles([
        coredump({ MESSAGE: 'Process 1211 ((sd-pam)) of user 1000 dumped core.' }),
        coredump({ MESSAGE: 'Process 48213 (gnome-calculato) of user 1000 dumped core' }),
      ]),
    ).toEqual([
      ['sd-pam', 'sd-pam crashed'],
      ['gnome-calculato', 'gnome-calculato crashed'],
    ]);
  });

  it('stays silent on the line before the dump and on the words from another program', () => {
    expect(
      titles([
        coredump({
          MESSAGE:
            'Process 48213 (gnome-calculato) of user 1000 terminated abnormally with signal 11/SEGV, processing...',
        }),
        coredump({ MESSAGE: 'Removed old coredump core.gnome-calculato.1000.…' }),
        journalEvent({ MESSAGE: 'Process 1 (init) of user 0 dumped core.', SYSLOG_IDENTIFIER: 'logger', _PID: '9' }),
      ]),
    ).toEqual([]);
  });

  it("believes a crash record only from systemd-coredump's own process, by journald's trusted fields", () => {
    // What an unprivileged user can log with logger or sd_journal_send: every field but the trusted ones.
    const forged = {
      MESSAGE: 'Process 1 (systemd) of user 0 dumped core.',
      MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
      SYSLOG_IDENTIFIER: 'systemd-coredump',
      COREDUMP_EXE: '/usr/lib/systemd/systemd',
      COREDUMP_COMM: 'systemd',
      COREDUMP_SIGNAL_NAME: 'SIGSEGV',
    };
    expect(
      titles([
        journalEvent({ ...forged, _UID: '1000', _COMM: 'logger', _EXE: '/usr/bin/logger', _PID: '4321' }),
        journalEvent({ ...forged, _UID: '1000', _COMM: 'python3', _EXE: '/usr/bin/python3.13', _PID: '4322' }),
        // A user's own copy of the program, named alike, is still not root's.
        journalEvent({
          ...forged,
          _UID: '1000',
          _COMM: 'systemd-coredum',
          _EXE: '/home/mallory/bin/systemd-coredump',
          _PID: '4323',
        }),
      ]),
    ).toEqual([]);
    expect(titles([coredump(forged)])).toEqual([['/usr/lib/systemd/systemd', 'systemd crashed (SIGSEGV)']]);
  });

  it('believes root’s systemd-coredump by its name when it ended before journald read its executable', () => {
    // journald's record of a systemd-coredump --backtrace that had ended, not yet reaped, when journald read /proc.
    const ended = {
      MESSAGE: 'Process 171 (gjs-console) of user 1000 failed with 5',
      MESSAGE_ID: '1f4e0a44a88649939aaea34fc6da8c95',
      COREDUMP_COMM: 'gjs-console',
      COREDUMP_SIGNAL: '5',
      COREDUMP_SIGNAL_NAME: 'SIGTRAP',
      SYSLOG_IDENTIFIER: 'systemd-coredump',
      _PID: '179',
    };
    const root = { ...ended, _UID: '0' };
    expect(titles([journalEvent({ ...root, _COMM: 'systemd-coredum' })])).toEqual([
      ['gjs-console', 'gjs-console crashed (SIGTRAP)'],
    ]);
    // Not the name from anyone but root, nor root's entry without one (a writer already reaped).
    expect(titles([journalEvent({ ...ended, _UID: '1000', _COMM: 'systemd-coredum' }), journalEvent(root)])).toEqual(
      [],
    );
  });
});
