// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ownersIn } from '../../../service/src/findings/packageOwner.js';
import { failedCommandOf, fstabLine, type UnitRecord } from '../../../service/src/fixes/actions/systemdUnits.js';
import {
  describeCorePattern,
  describeMainExit,
  describeRecord,
  recordsFailure,
} from '../../../service/src/fixes/actions/unitFailure.js';
import { formatClock } from '../../../service/src/i18n.js';
import { describeTally, tallyAttempts } from '../../../service/src/kinds/authFailures/attemptsAction.js';
import { makeTempDir } from '../../support/tempDir.js';

const record = (fields: Partial<UnitRecord>): UnitRecord => ({
  unit: 'gym-parser.service',
  loadState: 'loaded',
  activeState: 'failed',
  subState: 'failed',
  fragmentPath: '/etc/systemd/system/gym-parser.service',
  invocationId: '0'.repeat(32),
  requirements: [],
  result: 'core-dump',
  mainCode: 3,
  mainStatus: 11,
  restarts: 0,
  execStart: [{ program: '/bin/sh', argv: ['/bin/sh', '-c', 'kill -SEGV $$'] }],
  ...fields,
});

describe('what systemd recorded of a unit’s last run', () => {
  it('says what an exit status and a signal mean, in systemd’s names', () => {
    expect(describeMainExit(1, 2)).toBe(
      'Its main process exited with status 2 (INVALIDARGUMENT), an error of the program’s own.',
    );
    expect(describeMainExit(1, 203)).toBe(
      'Its main process exited with status 203 (EXEC): systemd could not set it up; it needs the program in ' +
        'ExecStart= (missing or not executable).',
    );
    expect(describeMainExit(1, 42)).toBe('Its main process exited with status 42, an error of the program’s own.');
    // The dynamic loader's and a shell's statuses: the program did not run at all.
    expect(describeMainExit(1, 127)).toBe(
      'Its main process exited with status 127: a program it runs, or a shared library the program needs, was not ' +
        'found.',
    );
    expect(describeMainExit(1, 126)).toContain('could not be executed');
    expect(describeMainExit(3, 11)).toBe(
      'Its main process was killed by signal 11 (SIGSEGV: an invalid memory access: a bug in the program or a ' +
        'library it uses) and dumped core.',
    );
    expect(describeMainExit(2, 9)).toContain('killed by signal 9 (SIGKILL: killed outright');
    expect(describeMainExit(0, 0)).toBeNull();
    // The signal systemd sent itself, as the unit's result says: a watchdog's SIGABRT is no crash of the program.
    expect(describeMainExit(3, 6, 'watchdog')).toBe(
      'systemd itself ended its main process with signal 6 (SIGABRT): the program stopped answering its watchdog ' +
        '(WatchdogSec=) in time: it hung or was too busy.',
    );
    expect(describeMainExit(2, 15, 'timeout')).toContain('within its timeout');
    expect(describeMainExit(3, 6, 'core-dump')).toContain('the program aborted itself');
  });

  it('shows what systemd waited for when a start timed out, by the unit’s Type=, and how long the process ran', () => {
    const timedOut = (startup: UnitRecord['startup']) =>
      describeRecord(record({ result: 'timeout', mainCode: 2, mainStatus: 15, startup }));
    const notify = timedOut({
      type: 'notify',
      notifyAccess: 'main',
      pidFile: '',
      busName: '',
      timeoutUs: 3_000_000,
      statusText: '',
      ranUs: 3_012_000,
    });
    expect(notify).toContain(
      'systemd waited up to 3 s (TimeoutStartSec=) for the program to report READY=1 on its notification socket (Type=notify); only its main process may send it (NotifyAccess=main): a child process’s message is ignored.',
    );
    expect(notify).toContain('It sent neither READY=1 nor any status (STATUS=) in that time.');
    expect(notify).toContain('Its main process ran for 3 s.');
    expect(
      timedOut({ type: 'notify', notifyAccess: 'none', pidFile: '', busName: '', timeoutUs: 0, statusText: 'Loading' }),
    ).toEqual(
      jasmine.arrayContaining([
        jasmine.stringContaining('NotifyAccess=none ignores every message'),
        'The last status it sent (STATUS=): “Loading”; READY=1 never came.',
      ]),
    );
    const forking = timedOut({
      type: 'forking',
      notifyAccess: 'none',
      pidFile: '/run/gym.pid',
      pidFilePresent: false,
      busName: '',
      timeoutUs: 90_000_000,
      statusText: '',
    });
    expect(forking).toContain(
      'It also waited for the daemon’s PID file /run/gym.pid (PIDFile=), which does not exist now.',
    );
    expect(
      timedOut({
        type: 'dbus',
        notifyAccess: 'none',
        pidFile: '',
        busName: 'org.example.Gym',
        busNameOwned: false,
        timeoutUs: 2 ** 64 - 1,
        statusText: '',
      }),
    ).toContain(
      'systemd waited for the program to take the bus name org.example.Gym (Type=dbus); no process owns it now.',
    );
  });

  it('says where a core went by the kernel’s core pattern', () => {
    expect(describeCorePattern('|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h %d\n')).toContain(
      'coredumpctl info',
    );
    expect(describeCorePattern('|/usr/share/apport/apport -p%p -s%s -c%c')).toBe(
      'The kernel gave the core to /usr/share/apport/apport, not to systemd-coredump: coredumpctl has none.',
    );
    expect(describeCorePattern('core\n')).toContain('(kernel.core_pattern is “core”)');
  });

  it('shows a crash with its program, package and the core’s place, and the run’s last lines', () => {
    expect(
      describeRecord(record({}), {
        owner: { package: 'dash', version: '0.5.12-12' },
        corePattern: 'core',
        lastLines: ['2026-11-23T22:00:00.000Z gym-parser.service: Main process exited, code=dumped, status=11/SEGV'],
      }),
    ).toEqual([
      'gym-parser.service is failed (failed); systemd’s result: core-dump.',
      'Its main process was killed by signal 11 (SIGSEGV: an invalid memory access: a bug in the program or a ' +
        'library it uses) and dumped core.',
      'No crash collector runs (kernel.core_pattern is “core”): the core, if the limit allowed it, is a file in ' +
        'the process’s working directory, and coredumpctl has none.',
      'Unit file: /etc/systemd/system/gym-parser.service',
      'ExecStart: /bin/sh -c kill -SEGV $$',
      '/bin/sh comes from the package dash 0.5.12-12.',
      'The last lines of that run:',
      '2026-11-23T22:00:00.000Z gym-parser.service: Main process exited, code=dumped, status=11/SEGV',
    ]);
  });

  it('names a required unit that is masked and the link that masks it, and counts restarts', () => {
    const masked = record({
      unit: 'gym-app.service',
      result: 'signal',
      mainCode: 2,
      mainStatus: 9,
      restarts: 1,
      requirements: [
        {
          unit: 'gym-db.service',
          loadState: 'masked',
          unitFileState: 'masked',
          fragmentPath: '/etc/systemd/system/gym-db.service',
        },
        { unit: 'other.service', loadState: 'loaded', unitFileState: 'static', fragmentPath: '/x' },
      ],
    });
    const lines = describeRecord(masked, { owner: null });
    expect(lines).toContain(
      'It requires gym-db.service, which is masked (masked: /etc/systemd/system/gym-db.service links to ' +
        '/dev/null), so systemd refuses to start either.',
    );
    expect(lines).toContain('systemd restarted it 1 time.');
    expect(lines).toContain('/bin/sh belongs to no installed package.');
    expect(lines.join('\n')).not.toContain('other.service');
    expect(recordsFailure(masked)).toBeTrue();
  });

  it('names the setting behind a setup step that failed: the user, group or directory as the unit writes it', () => {
    const lines = describeRecord(
      record({ result: 'exit-code', mainCode: 1, mainStatus: 217, setting: { name: 'User', value: 'gym-ghost' } }),
    );
    expect(lines).toContain(
      'Its main process exited with status 217 (USER): systemd could not set it up; it needs the user in User= ' +
        '(no such user).',
    );
    expect(lines).toContain('The setting behind it: User=gym-ghost');
  });

  it('shows what failed where no main process ran: a command before it, a missing environment file, a mount', () => {
    // As systemd 257 recorded them in the gym (ExecStartPre=, EnvironmentFile=, a .mount unit's mount(8)).
    const pre = record({
      result: 'exit-code',
      mainCode: 0,
      mainStatus: 0,
      failedCommand: {
        setting: 'ExecStartPre',
        argv: ['/usr/bin/test', '-f', '/etc/gym-pre/ready'],
        code: 1,
        status: 1,
      },
    });
    expect(recordsFailure(pre)).toBeTrue();
    expect(describeRecord(pre)).toContain('ExecStartPre=/usr/bin/test -f /etc/gym-pre/ready exited with status 1.');
    const environment = record({
      result: 'resources',
      mainCode: 0,
      mainStatus: 0,
      environmentFiles: [
        { path: '/etc/gym-report/settings.env', present: false },
        { path: '/etc/default/gym-report', present: true },
      ],
    });
    expect(recordsFailure(environment)).toBeTrue();
    expect(describeRecord(environment)).toEqual(
      jasmine.arrayContaining([
        'EnvironmentFile=/etc/gym-report/settings.env does not exist: systemd gave up before it started the program.',
        'EnvironmentFile=/etc/default/gym-report is there now.',
      ]),
    );
    const mount = record({
      unit: 'srv-backup.mount',
      result: 'exit-code',
      execStart: undefined,
      mainCode: undefined,
      mainStatus: undefined,
      restarts: undefined,
      mount: { what: '/dev/disk/by-uuid/0a1b', where: '/srv/backup', type: 'ext4', whatPresent: false },
      failedCommand: {
        setting: 'ExecMount',
        argv: ['/usr/bin/mount', '/dev/disk/by-uuid/0a1b', '/srv/backup'],
        code: 1,
        status: 32,
      },
    });
    expect(recordsFailure(mount)).toBeTrue();
    expect(describeRecord(mount).slice(1, 4)).toEqual([
      'It mounts /dev/disk/by-uuid/0a1b on /srv/backup (ext4).',
      '/dev/disk/by-uuid/0a1b does not exist now.',
      'ExecMount=/usr/bin/mount /dev/disk/by-uuid/0a1b /srv/backup exited with status 32.',
    ]);
    // An /etc/fstab disk that is not connected: the mount never ran (its device's job failed), and its line says.
    const waiting = record({
      ...mount,
      activeState: 'inactive',
      subState: 'dead',
      result: 'success',
      failedCommand: undefined,
      mount: {
        what: '/dev/disk/by-uuid/0a1b',
        where: '/srv/backup',
        type: 'ext4',
        whatPresent: false,
        fstab: { path: '/etc/fstab', line: 9, text: 'UUID=0a1b /srv/backup ext4 defaults 0 2' },
      },
    });
    expect(recordsFailure(waiting)).toBeTrue();
    expect(describeRecord(waiting).slice(1, 4)).toEqual([
      'It mounts /dev/disk/by-uuid/0a1b on /srv/backup (ext4).',
      '/dev/disk/by-uuid/0a1b does not exist now.',
      'It comes from /etc/fstab, line 9: UUID=0a1b /srv/backup ext4 defaults 0 2',
    ]);
  });

  it('finds the /etc/fstab line that mounts a place, through fstab’s escapes and comments', async () => {
    const dir = await makeTempDir();
    const fstab = join(dir.path, 'fstab');
    await writeFile(
      fstab,
      '# /srv/backup was here\nUUID=1 / ext4 defaults 0 1\nUUID=2 /srv/my\\040photos ext4 defaults 0 2\n',
    );
    expect(await fstabLine(fstab, '/srv/my photos')).toEqual({
      path: fstab,
      line: 3,
      text: 'UUID=2 /srv/my\\040photos ext4 defaults 0 2',
    });
    expect(await fstabLine(fstab, '/')).toEqual(jasmine.objectContaining({ line: 2 }));
    expect(await fstabLine(fstab, '/srv/backup')).toBeUndefined();
    await dir.remove();
  });

  it('takes the first command that failed and counts, never one marked "-" or one that succeeded', () => {
    const command = (argv: string[], ignore: boolean, code: number, status: number) =>
      [argv[0]!, argv, ignore, 0n, 0n, 0n, 0n, 0, code, status] as [
        string,
        string[],
        boolean,
        bigint,
        bigint,
        bigint,
        bigint,
        number,
        number,
        number,
      ];
    expect(
      failedCommandOf('ExecStartPre', [
        command(['/bin/true'], false, 1, 0),
        command(['/bin/false'], true, 1, 1),
        command(['/usr/bin/test', '-d', '/srv/x'], false, 1, 1),
        command(['/bin/kill-me'], false, 2, 9),
      ]),
    ).toEqual({ setting: 'ExecStartPre', argv: ['/usr/bin/test', '-d', '/srv/x'], code: 1, status: 1 });
    expect(failedCommandOf('ExecStartPre', [command(['/bin/sleep', '9'], false, 2, 15)])?.status).toBe(15);
    expect(failedCommandOf('ExecStartPre', [command(['/bin/true'], false, 0, 0)])).toBeUndefined();
  });

  it('has nothing to show where no main process ended and nothing required blocks it', () => {
    expect(recordsFailure(record({ mainCode: 0, mainStatus: 0, result: 'success' }))).toBeFalse();
    // A forking daemon whose PID file never came: no main process, but systemd's result says it failed.
    expect(recordsFailure(record({ mainCode: 0, mainStatus: 0, result: 'protocol' }))).toBeTrue();
    const missing = record({
      mainCode: 0,
      requirements: [{ unit: 'gone.service', loadState: 'not-found', unitFileState: '', fragmentPath: '' }],
    });
    expect(recordsFailure(missing)).toBeTrue();
    expect(describeRecord(missing)).toContain('It requires gone.service, which does not exist.');
    // A timer's service, as systemd 257 refused it in the gym ("Refusing to start, unit … to trigger not loaded").
    const timer = record({
      unit: 'gym-clean.timer',
      result: undefined,
      mainCode: undefined,
      requirements: [
        { unit: 'gym-cleanup.service', loadState: 'not-found', unitFileState: '', fragmentPath: '', triggered: true },
        { unit: 'gym-masked.service', loadState: 'masked', unitFileState: 'masked', fragmentPath: '', triggered: true },
      ],
    });
    expect(recordsFailure(timer)).toBeTrue();
    expect(describeRecord(timer)).toEqual(
      jasmine.arrayContaining([
        'It starts gym-cleanup.service, which does not exist.',
        'It starts gym-masked.service, which is masked, so systemd refuses to start it.',
      ]),
    );
  });

  it('reads the owning package from dpkg-query --search, never a diversion’s line', () => {
    expect(ownersIn('dash: /bin/sh\n', '/bin/sh')).toEqual(['dash']);
    expect(
      ownersIn('diversion by dash from: /bin/sh\ndiversion by dash to: /bin/sh.distrib\ndash: /bin/sh\n', '/bin/sh'),
    ).toEqual(['dash']);
    expect(ownersIn('libc6:amd64, libc6:i386: /usr/lib/x.so\n', '/usr/lib/x.so')).toEqual([
      'libc6:amd64',
      'libc6:i386',
    ]);
    expect(ownersIn('dpkg-query: no path found matching pattern /opt/x\n', '/opt/x')).toEqual([]);
  });
});

describe('the failed sign-in attempts, counted', () => {
  const at = (second: number) => new Date(Date.UTC(2026, 10, 23, 22, 5, second));

  it('counts each sudo run’s attempts once, by its process: the summary repeats the pam line before it', () => {
    // As sudo 1.9.16 (Debian 13) logged two runs of three wrong passwords given with -S.
    const pam =
      'pam_unix(sudo:auth): authentication failure; logname= uid=1000 euid=0 tty= ruser=tester rhost=  user=tester';
    const summary = '  tester : 3 incorrect password attempts ; USER=root ; COMMAND=/usr/bin/true';
    const tally = tallyAttempts('sudo', [
      { message: pam, at: at(0), pid: '195' },
      { message: summary, at: at(5), pid: '195' },
      { message: pam, at: at(5), pid: '203' },
      { message: summary, at: at(12), pid: '203' },
    ]);
    expect(describeTally(tally)).toEqual([
      `6 failed attempts told by sudo since ${formatClock(at(0))}:`,
      `for the user tester, on this computer: 6 (sudo); the latest at ${formatClock(at(12))}`,
    ]);
  });

  it('counts sshd’s attempts per address with the users tried, most first, and nothing for other lines', () => {
    const tally = tallyAttempts('sshd', [
      { message: 'Invalid user admin from 203.0.113.9 port 4242', at: at(0), pid: '10' },
      { message: 'Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2', at: at(1), pid: '10' },
      { message: 'Failed password for root from 203.0.113.9 port 4243 ssh2', at: at(2), pid: '11' },
      { message: 'Failed password for root from 203.0.113.9 port 4243 ssh2', at: at(3), pid: '11' },
      { message: 'Failed password for alice from 198.51.100.7 port 22 ssh2', at: at(4), pid: '12' },
      { message: 'Accepted password for alice from 198.51.100.7 port 23 ssh2', at: at(5), pid: '13' },
    ]);
    expect(describeTally(tally)).toEqual([
      `4 failed attempts told by sshd since ${formatClock(at(0))}:`,
      `from 203.0.113.9: 3 (sshd), as root (2), admin (1); the latest at ${formatClock(at(3))}`,
      `from 198.51.100.7: 1 (sshd), as alice (1); the latest at ${formatClock(at(4))}`,
    ]);
    expect(
      describeTally(tallyAttempts('sshd', [{ message: 'Server listening on 0.0.0.0 port 22.', at: at(0) }])),
    ).toEqual([]);
  });
});
