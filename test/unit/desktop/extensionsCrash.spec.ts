// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Writers } from '../../../service/src/findings/writers.js';
import { EXTENSION_ERROR } from '../../../service/src/kinds/extensions/journalDetector.js';
import { DISABLED, ENABLED, STEWARD_UUID } from '../../../service/src/kinds/extensions/shell.js';
import { SHELL_CRASH_EVIDENCE, ShellCrashDetector } from '../../../service/src/kinds/extensions/shellCrashDetector.js';
import type { ExtensionState } from '../../../service/src/kinds/extensions/state.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_MS = 1_773_479_523_000;
const at = (minutes: number) => new Date(START_MS + minutes * 60_000);

const DASH = 'dash-to-dock@micxgx.gmail.com';
const extension = (state: number, version = '99', uuid = DASH): ExtensionState => ({
  uuid,
  name: uuid === DASH ? 'Dash to Dock' : 'Steward',
  version,
  state,
  error: '',
  path: `/home/alice/.local/share/gnome-shell/extensions/${uuid}`,
});
const shellState = (state: ExtensionState, minutes: number): WatchEvent => ({
  type: 'desktop',
  at: at(minutes),
  desktop: { kind: 'extension', extension: state },
});

/** systemd-coredump's record of the shell's crash, as journald keeps it (its own process, root). */
const coredump = (minutes: number, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE:
      'Process 1611 (gnome-shell) of user 1000 dumped core.\n\nStack trace of thread 1611:\n#0  0x00007f3a in raise',
    MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
    COREDUMP_EXE: '/usr/bin/gnome-shell',
    COREDUMP_COMM: 'gnome-shell',
    COREDUMP_UID: '1000',
    COREDUMP_SIGNAL_NAME: 'SIGSEGV',
    _EXE: '/usr/lib/systemd/systemd-coredump',
    _COMM: 'systemd-coredum',
    _UID: '0',
    _TRANSPORT: 'journal',
    __REALTIME_TIMESTAMP: String(at(minutes).getTime() * 1000),
    ...fields,
  });
/** The kernel's line for the same crash (arch/x86/mm/fault.c, 6.x). */
const kernelFault = (minutes: number) =>
  journalEvent({
    MESSAGE:
      'gnome-shell[1611]: segfault at 18 ip 00007f5c1b2a1234 sp 00007ffd3b7e6f40 error 4 in libmutter-14.so.0.0.0[7f5c1b200000+1a0000] likely on CPU 2 (core 2, socket 0)',
    SYSLOG_IDENTIFIER: 'kernel',
    _TRANSPORT: 'kernel',
    __REALTIME_TIMESTAMP: String(at(minutes).getTime() * 1000),
  });

describe('the shell-crash detector (extension-error)', () => {
  it('lays a crash of the shell at the extension turned on minutes before it', () => {
    const reports = reportsOf(
      runDetector(new ShellCrashDetector(desktopWriters()), [
        shellState(extension(DISABLED), 0),
        shellState(extension(ENABLED), 1),
        coredump(4),
      ]),
    );
    expect(reports.map((r) => [r.kind, r.subject, r.severity, r.title])).toEqual([
      [EXTENSION_ERROR, DASH, 'error', 'GNOME Shell crashed 3 min after the extension Dash to Dock was turned on'],
    ]);
    expect(reports[0]?.evidence.map((evidence) => evidence.text)).toEqual([
      'Process 1611 (gnome-shell) of user 1000 dumped core.',
      SHELL_CRASH_EVIDENCE,
    ]);
  });

  it('names a new version', () => {
    const reports = reportsOf(
      runDetector(new ShellCrashDetector(desktopWriters()), [
        shellState(extension(ENABLED, '98'), 0),
        shellState(extension(ENABLED, '99'), 30),
        coredump(31),
      ]),
    );
    expect(reports.map((r) => r.title)).toEqual([
      'GNOME Shell crashed 1 min after the extension Dash to Dock was updated to version 99',
    ]);
  });

  it('takes no crash but the installed shell’s, of the session’s user, from systemd-coredump’s record', () => {
    const detector = new ShellCrashDetector(desktopWriters());
    runDetector(detector, [shellState(extension(DISABLED), 0), shellState(extension(ENABLED), 1)]);
    const notTheShells = [
      // The kernel names the crashed process by its name only, which a copy of any program may carry.
      kernelFault(2),
      // A copy named gnome-shell, crashing.
      coredump(2, { COREDUMP_EXE: '/home/alice/.local/bin/gnome-shell' }),
      // Another user's shell.
      coredump(2, { COREDUMP_UID: '1001' }),
      // A record that does not say whose process crashed.
      coredump(2, { COREDUMP_UID: '' }),
    ];
    expect(reportsOf(runDetector(detector, notTheShells))).toEqual([]);
    const uninstalled = new ShellCrashDetector(new Writers(1000));
    runDetector(uninstalled, [shellState(extension(DISABLED), 0), shellState(extension(ENABLED), 1)]);
    expect(reportsOf(runDetector(uninstalled, [coredump(2)]))).toEqual([]);
  });

  it('blames nothing seen only at its start, long before, or Steward’s own extension', () => {
    const detector = new ShellCrashDetector(desktopWriters());
    const events = [
      // At login the shell turns every extension on at once: that is no change.
      shellState(extension(ENABLED), 0),
      coredump(1),
      shellState(extension(DISABLED), 2),
      shellState(extension(ENABLED), 3),
      coredump(20),
      shellState(extension(DISABLED, '1', STEWARD_UUID), 21),
      shellState(extension(ENABLED, '1', STEWARD_UUID), 22),
      coredump(23),
    ];
    expect(reportsOf(runDetector(detector, events))).toEqual([]);
  });

  it('believes only systemd-coredump’s own record and the kernel: a line any user writes is not a crash', () => {
    const forged = [
      coredump(2, { _EXE: '/usr/bin/logger', _COMM: 'logger', _UID: '1000' }),
      journalEvent({
        MESSAGE: 'gnome-shell[1611]: segfault at 18 ip 00007f5c1b2a1234 sp 00007ffd3b7e6f40 error 4',
        SYSLOG_IDENTIFIER: 'kernel',
        _TRANSPORT: 'syslog',
        _UID: '1000',
        __REALTIME_TIMESTAMP: String(at(2).getTime() * 1000),
      }),
      // Another program's crash is not the shell's.
      coredump(2, { COREDUMP_EXE: '/usr/bin/gnome-calculator', COREDUMP_COMM: 'gnome-calculato' }),
    ];
    const detector = new ShellCrashDetector(desktopWriters());
    runDetector(detector, [shellState(extension(DISABLED), 0), shellState(extension(ENABLED), 1)]);
    expect(reportsOf(runDetector(detector, forged))).toEqual([]);
  });
});
