// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { CrashDetector, programName } from '../../../service/src/kinds/crash/crashDetector.js';
import type { JournalFields } from '../../support/journalEvents.js';
import { journalEvent, reportsOf } from '../../support/journalEvents.js';

const kernel = (message: string) =>
  journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' });

/** [subject, title] of what the detector reports for one event. */
const verdict = (fields: JournalFields) =>
  reportsOf(new CrashDetector().detect(journalEvent(fields))).map((r) => [r.subject, r.title, r.severity]);

/** PID 1 writing about `unit`, with the structured fields systemd adds. */
const systemd = (message: string, unit: string, code: string, status: string): JournalFields => ({
  MESSAGE: message,
  MESSAGE_ID: '98e322203f7a4ed290d09fe03c09fe15',
  UNIT: unit,
  EXIT_CODE: code,
  EXIT_STATUS: status,
  SYSLOG_IDENTIFIER: 'systemd',
  _PID: '1',
  _UID: '0',
  _COMM: 'systemd',
});

describe('the crash detector', () => {
  it('reads the kernel’s segfault and trap lines of several kernel versions, with and without the dmesg time', () => {
    const lines: [string, string, string][] = [
      [
        'gnome-shell[2145]: segfault at 0 ip 00007f3a1c2b4e10 sp 00007ffd5a3c1e88 error 4 in libc.so.6[7f3a1c228000+195000] likely on CPU 3 (core 3, socket 0)',
        'gnome-shell',
        'gnome-shell crashed (segmentation fault in libc.so.6)',
      ],
      [
        'python3[4242]: segfault at 8 ip 00007f9d2c1a3b40 sp 00007ffe0d6c2f10 error 4 in libpython3.8.so.1.0[7f9d2c0b0000+2c3000]',
        'python3',
        'python3 crashed (segmentation fault in libpython3.8.so.1.0)',
      ],
      // Firefox's content threads are named with a space; the kernel prints the thread's name.
      [
        'Web Content[12345]: segfault at 0 ip 00007f1e4a6b2c10 sp 00007ffc8e2d1a40 error 6 in libxul.so[7f1e47c00000+5a2c000]',
        'Web Content',
        'Web Content crashed (segmentation fault in libxul.so)',
      ],
      // 6.13 and later print the offset before the mapping.
      [
        'foo[1234]: segfault at 0 ip 000055d1c0a0b1c2 sp 00007ffd3c0e1e80 error 4 in foo[1b1c2,55d1c0a00000+12000] likely on CPU 0 (core 0, socket 0)',
        'foo',
        'foo crashed (segmentation fault in foo)',
      ],
      // dmesg -T, as pasted into a bug report.
      [
        '[Mon Jun 20 09:18:02 2016] systemd-network[19241]: segfault at 89 ip 000056362604cf6f sp 00007ffc1d2125c0 error 4 in systemd-networkd[56362600d000+c2000]',
        'systemd-network',
        'systemd-network crashed (segmentation fault in systemd-networkd)',
      ],
      // Cut after the stack pointer in the report it came from.
      [
        'traps: chrome[2979] trap invalid opcode ip:55911b28dba3 sp:7ffea558a3e0',
        'chrome',
        'chrome crashed (invalid instruction)',
      ],
      // A jump to nowhere: no mapping to name.
      [
        'foo[1234]: segfault at 0 ip 0000000000000000 sp 00007ffd3c0e1e80 error 14',
        'foo',
        'foo crashed (segmentation fault)',
      ],
      // A process systemd forked but had not yet executed: named in parentheses.
      [
        '(resolved)[812]: segfault at 0 ip 00007f3a1c2b4e10 sp 00007ffd5a3c1e88 error 4 in libsystemd-shared-255.so[7f3a1c000000+1d2000]',
        'resolved',
        'resolved crashed (segmentation fault in libsystemd-shared-255.so)',
      ],
      [
        'traps: foo[1234] general protection fault ip:7f3a1c2b4e10 sp:7ffd5a3c1e88 error:0 in libc.so.6[7f3a1c228000+195000]',
        'foo',
        'foo crashed (general protection fault in libc.so.6)',
      ],
      [
        'traps: foo[1234] trap invalid opcode ip:55d1c0a0b1c2 sp:7ffd3c0e1e80 error:0 in foo[55d1c0a00000+12000]',
        'foo',
        'foo crashed (invalid instruction in foo)',
      ],
      [
        'traps: foo[1234] trap divide error ip:55d1c0a0b1c2 sp:7ffd3c0e1e80 error:0 in foo[55d1c0a00000+12000]',
        'foo',
        'foo crashed (division by zero in foo)',
      ],
      // Kernels before 3.x had no "traps: " prefix.
      [
        'foo[1234] trap invalid opcode ip:55d1c0a0b1c2 sp:7ffd3c0e1e80 error:0 in foo[55d1c0a00000+12000]',
        'foo',
        'foo crashed (invalid instruction in foo)',
      ],
      [
        'traps: gjs[3456] trap int3 ip:7f8e2a1b3c4d sp:7ffd1e2f3a40 error:0 in libglib-2.0.so.0.7800.0[7f8e2a15e000+8f000]',
        'gjs',
        'gjs crashed (int3 in libglib-2.0.so.0.7800.0)',
      ],
    ];
    for (const [line, subject, title] of lines) {
      const expected = [[subject, title, 'error']];
      expect(verdict({ MESSAGE: line, _TRANSPORT: 'kernel' }))
        .withContext(line)
        .toEqual(expected);
      expect(verdict({ MESSAGE: `[ 1234.567890] ${line}`, _TRANSPORT: 'kernel' }))
        .withContext(`dmesg: ${line}`)
        .toEqual(expected);
    }
  });

  it('believes segfault lines only from the kernel', () => {
    const quoted = {
      MESSAGE: 'foo[1234]: segfault at 0 ip 0000000000000000 sp 00007ffd3c0e1e80 error 14',
      SYSLOG_IDENTIFIER: 'kernel',
      _COMM: 'logger',
      _TRANSPORT: 'syslog',
    };
    expect(verdict(quoted)).toEqual([]);
    expect(reportsOf(new CrashDetector().detect(kernel('foo[1234]: new interface')))).toEqual([]);
  });

  it('reports a unit whose main process died of a fault, on systemd’s word', () => {
    expect(
      verdict(
        systemd('backup.service: Main process exited, code=dumped, status=11/SEGV', 'backup.service', 'dumped', '11'),
      ),
    ).toEqual([['backup.service', 'backup.service crashed (SIGSEGV)', 'error']]);
    // Cores off (LimitCORE=0): killed by the same signal.
    expect(
      verdict(
        systemd('backup.service: Main process exited, code=killed, status=6/ABRT', 'backup.service', 'killed', '6'),
      ),
    ).toEqual([['backup.service', 'backup.service crashed (SIGABRT)', 'error']]);
    // systemd before 209, lower case, and no structured fields.
    expect(
      verdict({ MESSAGE: 'iot.service: main process exited, code=dumped, status=11/SEGV', _PID: '1', _UID: '0' }),
    ).toEqual([['iot.service', 'iot.service crashed (SIGSEGV)', 'error']]);
    // A pasted line with a full stop, no structured fields.
    expect(
      verdict({
        MESSAGE: 'foo.service: Main process exited, code=dumped, status=11/SEGV.',
        _PID: '1',
        _UID: '0',
      }),
    ).toEqual([['foo.service', 'foo.service crashed (SIGSEGV)', 'error']]);
    // The user's own manager.
    expect(
      verdict({
        MESSAGE: 'app.service: Main process exited, code=dumped, status=7/BUS',
        USER_UNIT: 'app.service',
        _UID: '1000',
        _COMM: 'systemd',
        _SYSTEMD_UNIT: 'user@1000.service',
        _SYSTEMD_USER_UNIT: 'init.scope',
      }),
    ).toEqual([['app.service', 'app.service crashed (SIGBUS)', 'error']]);
  });

  it('reports a unit that systemd says ended with a core dump, where only that line was kept', () => {
    expect(
      verdict({
        MESSAGE: "app-gnome-org.gnome.Evolution@autostart.service: Failed with result 'core-dump'.",
        MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
        USER_UNIT: 'app-gnome-org.gnome.Evolution@autostart.service',
        UNIT_RESULT: 'core-dump',
        _UID: '1000',
        _COMM: 'systemd',
        _SYSTEMD_UNIT: 'user@1000.service',
        _SYSTEMD_USER_UNIT: 'init.scope',
      }),
    ).toEqual([
      [
        'app-gnome-org.gnome.Evolution@autostart.service',
        'app-gnome-org.gnome.Evolution@autostart.service crashed and dumped core',
        'error',
      ],
    ]);
    // Pasted, without its fields.
    expect(verdict({ MESSAGE: "backup.service: Failed with result 'core-dump'.", _PID: '1', _UID: '0' })).toEqual([
      ['backup.service', 'backup.service crashed and dumped core', 'error'],
    ]);
    for (const result of ['exit-code', 'signal', 'watchdog', 'timeout'])
      expect(verdict({ MESSAGE: `backup.service: Failed with result '${result}'.`, _PID: '1', _UID: '0' }))
        .withContext(result)
        .toEqual([]);
  });

  it('leaves ordinary exits, kills and other programs’ claims alone', () => {
    const quiet = [
      systemd('backup.service: Main process exited, code=exited, status=1/FAILURE', 'backup.service', 'exited', '1'),
      systemd('backup.service: Main process exited, code=killed, status=9/KILL', 'backup.service', 'killed', '9'),
      systemd('backup.service: Main process exited, code=killed, status=15/TERM', 'backup.service', 'killed', '15'),
      {
        MESSAGE: 'backup.service: Main process exited, code=dumped, status=11/SEGV',
        SYSLOG_IDENTIFIER: 'systemd',
        _PID: '4242',
        _UID: '1000',
        _COMM: 'python3',
      },
    ];
    for (const fields of quiet) expect(verdict(fields)).withContext(fields.MESSAGE!).toEqual([]);
  });

  it('leaves a core systemd caused itself (a watchdog’s SIGABRT) to unit-failed, but not a program’s own abort', () => {
    // systemd 257 in the gym: WatchdogSec=2 expired.
    const at = (seconds: number) => String(1_773_479_523_000_000 + seconds * 1_000_000);
    const pid1 = (fields: JournalFields, seconds: number, index: number) =>
      journalEvent({ ...fields, __REALTIME_TIMESTAMP: at(seconds) }, index);
    const plain = (MESSAGE: string): JournalFields => ({
      MESSAGE,
      UNIT: 'feed.service',
      SYSLOG_IDENTIFIER: 'systemd',
      _PID: '1',
      _UID: '0',
    });
    const aborted = systemd(
      'feed.service: Main process exited, code=dumped, status=6/ABRT',
      'feed.service',
      'dumped',
      '6',
    );
    const detector = new CrashDetector();
    const titles = [
      pid1(plain('feed.service: Watchdog timeout (limit 2s)!'), 0, 1),
      pid1(plain('feed.service: Killing process 282 (sleep) with signal SIGABRT.'), 0, 2),
      pid1(aborted, 0.01, 3),
      // A minute later the program aborts by itself: a crash.
      pid1(aborted, 60, 4),
    ].flatMap((event) => reportsOf(detector.detect(event)).map((report) => report.title));
    expect(titles).toEqual(['feed.service crashed (SIGABRT)']);
  });

  it('adds systemd-coredump’s record of the process the kernel’s line named to that crash, with its file', () => {
    const at = (seconds: number) => String(1_773_479_523_000_000 + seconds * 1_000_000);
    const segfault = (pid: string, seconds: number) =>
      journalEvent(
        {
          MESSAGE: `nemo[${pid}]: segfault at ff10030054 ip 00007fe5ddd9f21b sp 00007ffee7b27a10 error 4 in libgtk-3.so.0.2200.8[7fe5dda1a000+6fa000]`,
          _TRANSPORT: 'kernel',
          SYSLOG_IDENTIFIER: 'kernel',
          __REALTIME_TIMESTAMP: at(seconds),
        },
        seconds,
      );
    const core = (pid: string, seconds: number, fields: JournalFields = {}) =>
      journalEvent(
        {
          MESSAGE: `Process ${pid} (nemo) of user 1000 dumped core.\n\nStack trace of thread ${pid}:\n#0  0x00007fe5ddd9f21b gtk_widget_hide (libgtk-3.so.0)`,
          MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
          COREDUMP_PID: pid,
          COREDUMP_EXE: '/usr/bin/nemo',
          _COMM: 'systemd-coredum',
          _EXE: '/usr/lib/systemd/systemd-coredump',
          _UID: '0',
          __REALTIME_TIMESTAMP: at(seconds),
          ...fields,
        },
        seconds + 1,
      );
    const detector = new CrashDetector();
    const seen = [segfault('1183', 0), core('999', 2), core('1183', 3), core('1183', 4)].map((event) =>
      reportsOf(detector.detect(event)),
    );
    expect(seen.map((reports) => reports.length)).toEqual([1, 0, 1, 0]);
    const added = seen[2]![0]!;
    expect(added.sameOccurrence).toBeTrue();
    expect([added.subject, added.title]).toEqual(['nemo', 'nemo crashed (segmentation fault in libgtk-3.so.0.2200.8)']);
    expect(added.evidence.map((e) => e.path)).toEqual(['/usr/bin/nemo']);
    // Its record an hour on, or one any program could have written, is about no crash the kernel reported.
    const late = new CrashDetector();
    late.detect(segfault('1183', 0));
    expect(reportsOf(late.detect(core('1183', 3600)))).toEqual([]);
    const forged = new CrashDetector();
    forged.detect(segfault('1183', 0));
    expect(reportsOf(forged.detect(core('1183', 3, { _UID: '1000', _COMM: 'nemo', _EXE: '/usr/bin/nemo' })))).toEqual(
      [],
    );
  });

  it('takes the whole name out of systemd’s parentheses, never a fragment', () => {
    expect(['(resolved)', '((resolved))', '(sd-pam)', 'foo (bar)', 'Web Content', '()'].map(programName)).toEqual([
      'resolved',
      'resolved',
      'sd-pam',
      'foo (bar)',
      'Web Content',
      '()',
    ]);
  });
});
