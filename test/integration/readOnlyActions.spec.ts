// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The read-only steps proposals start with, on real files, real validators and real journal files.
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ActionDefinition } from '../../service/src/fixes/action.js';
import { diskUsageAction, measureUsage } from '../../service/src/fixes/actions/diskUsage.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import { configCheckActions, validatorFor } from '../../service/src/kinds/configError/actions.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { appendToJournal } from '../support/journal.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

const [showError, validate] = configCheckActions as unknown as ActionDefinition[];

describe('read-only steps', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  describe('config.show_error', () => {
    it('shows the reported line in context, numbered and marked, from a real file', async () => {
      const file = join(temp.path, '.config', 'systemd', 'user', 'app.service');
      await mkdir(join(temp.path, '.config', 'systemd', 'user'), { recursive: true });
      await writeFile(file, Array.from({ length: 20 }, (_, i) => `setting${i + 1} = ${i + 1}`).join('\n') + '\n');
      const params = showError!.params.parse({ path: file, line: 10 });
      const preview = await showError!.preview(params, homeContext(temp.path));
      expect(preview.summary).toBe(`Show line 10 of ${file}`);
      expect(preview.details).toEqual([
        '      6  setting6 = 6',
        '      7  setting7 = 7',
        '      8  setting8 = 8',
        '      9  setting9 = 9',
        '>    10  setting10 = 10',
        '     11  setting11 = 11',
        '     12  setting12 = 12',
        '     13  setting13 = 13',
        '     14  setting14 = 14',
      ]);
      expect(showError!.readOnly).toBeTrue();
      const outcome = await showError!.run(params, homeContext(temp.path), runOptions());
      expect(outcome.summary.split('\n')).toEqual([`Line 10 of ${file}`, ...preview.details]);
    });

    it('strips escape sequences from the file, and refuses a line past its end', async () => {
      const file = join(temp.path, '.config', 'systemd', 'evil.conf');
      await mkdir(join(temp.path, '.config', 'systemd'), { recursive: true });
      await writeFile(file, 'ok\n\u001b[31mred\u001b[0m = 1\n');
      const preview = await showError!.preview({ path: file, line: 2 }, homeContext(temp.path));
      expect(preview.details).toEqual(['      1  ok', '>     2  red = 1']);
      await expectAsync(showError!.preview({ path: file, line: 3 }, homeContext(temp.path))).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'InvalidArgs' }),
      );
    });

    it('shows only configuration places: not the key stores, not a symlink to them, not other programs’ tokens', async () => {
      await mkdir(join(temp.path, '.ssh'), { recursive: true });
      await mkdir(join(temp.path, '.config', 'systemd'), { recursive: true });
      await mkdir(join(temp.path, '.config', 'rclone'), { recursive: true });
      await writeFile(join(temp.path, '.ssh', 'id_ed25519'), 'PRIVATE\n');
      await symlink(join(temp.path, '.ssh', 'id_ed25519'), join(temp.path, '.config', 'systemd', 'innocent.conf'));
      await writeFile(join(temp.path, '.config', 'rclone', 'rclone.conf'), 'token = secret\n');
      await writeFile(join(temp.path, 'notes.txt'), 'private notes\n');
      for (const path of [
        join(temp.path, '.ssh', 'id_ed25519'),
        join(temp.path, '.config', 'systemd', 'innocent.conf'),
        join(temp.path, '.config', 'rclone', 'rclone.conf'),
        join(temp.path, 'notes.txt'),
      ])
        await expectAsync(showError!.preview({ path, line: 1 }, homeContext(temp.path)))
          .withContext(path)
          .toBeRejectedWith(jasmine.objectContaining({ errorName: 'InvalidArgs' }));
    });
  });

  describe('config.show_error under the corpus’s stand-in root (STEWARD_TEST_CONFIG_ROOT)', () => {
    const showErrorIn = (root: string) => createFindingsCatalog({ kinds: KINDS, testHooks: { configRoot: root } });

    it('reads the file the program named below the root, with the path as the program named it', async () => {
      await mkdir(join(temp.path, 'etc', 'ssh'), { recursive: true });
      await writeFile(join(temp.path, 'etc', 'ssh', 'sshd_config'), 'Port 22\nPrintMotd no yes\n');
      const { action, params } = showErrorIn(temp.path).validate('config.show_error', {
        path: '/etc/ssh/sshd_config',
        line: 2,
      });
      const preview = await action.preview(params, homeContext('/nonexistent'));
      expect(preview.summary).toBe('Show line 2 of /etc/ssh/sshd_config');
      expect(preview.details).toEqual(['      1  Port 22', '>     2  PrintMotd no yes']);
    });

    it('never reads the machine’s own file, a place outside the configuration ones, nor a symlink out of the root', async () => {
      await mkdir(join(temp.path, 'etc'), { recursive: true });
      await mkdir(join(temp.path, 'secret'), { recursive: true });
      await writeFile(join(temp.path, 'secret', 'key'), 'PRIVATE\n');
      await symlink('/etc/hostname', join(temp.path, 'etc', 'outside.conf'));
      for (const path of ['/etc/passwd', '/secret/key', '/etc/outside.conf']) {
        const { action, params } = showErrorIn(temp.path).validate('config.show_error', { path, line: 1 });
        await expectAsync(action.preview(params, homeContext('/nonexistent')))
          .withContext(path)
          .toBeRejectedWith(jasmine.objectContaining({ errorName: jasmine.stringMatching(/InvalidArgs|Unavailable/) }));
      }
    });
  });

  describe('config.validate', () => {
    it('runs systemd-analyze verify on a unit file with an error, with a preview that says exactly what runs', async () => {
      const directory = join(temp.path, 'etc', 'systemd', 'system');
      await mkdir(directory, { recursive: true });
      const unit = join(directory, 'broken.service');
      await writeFile(unit, '[Service]\nExecStart=/usr/bin/steward-no-such-program\nFrobnicate=yes\n');
      const preview = await validate!.preview({ path: unit }, homeContext(temp.path));
      expect(preview.summary).toBe(`Check ${unit} with /usr/bin/systemd-analyze`);
      expect(preview.details[0]).toBe(`runs: /usr/bin/systemd-analyze verify ${unit}`);
      expect(preview.details[1]).toContain('changes nothing');
      expect(validate!.readOnly).toBeTrue();
      expect(validate!.risk).toBe('low');
      const { summary } = await validate!.run({ path: unit }, homeContext(temp.path), runOptions());
      const [verdict, ...output] = summary.split('\n');
      expect(verdict).toMatch(/^\/usr\/bin\/systemd-analyze reports a problem \(exit status \d+\)$/);
      expect(output).toContain(`${unit}:3: Unknown key 'Frobnicate' in section [Service], ignoring.`);
      expect(output.join('\n')).toContain('/usr/bin/steward-no-such-program is not executable');
    });

    it('finds no error in a good unit file', async () => {
      const directory = join(temp.path, 'etc', 'systemd', 'system');
      await mkdir(directory, { recursive: true });
      const unit = join(directory, 'good.service');
      await writeFile(unit, '[Unit]\nDescription=Good\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n');
      const { summary } = await validate!.run({ path: unit }, homeContext(temp.path), runOptions());
      expect(summary).toBe(`/usr/bin/systemd-analyze finds no error in ${unit}`);
    });

    it('runs findmnt --verify on an fstab with a bad line', async () => {
      const fstab = join(temp.path, 'fstab');
      await writeFile(fstab, 'UUID=steward-no-such-disk /mnt/steward-nowhere ext4 defaults 0 2\n');
      expect(await validatorFor(fstab)).toEqual(['/usr/bin/findmnt', '--verify', '--tab-file', fstab]);
      const { summary } = await validate!.run({ path: fstab }, homeContext(temp.path), runOptions());
      expect(summary).toMatch(/^\/usr\/bin\/findmnt reports a problem \(exit status 1\)\n/);
      expect(summary).toContain('UUID=steward-no-such-disk');
    });

    it('is not offered for a file no validator covers, nor when the validator is not installed', async () => {
      await expectAsync(
        validate!.preview({ path: join(temp.path, 'x.conf') }, homeContext(temp.path)),
      ).toBeRejectedWith(jasmine.objectContaining({ errorName: 'Unavailable' }));
      // The table names a validator per daemon; one this machine lacks makes the step unavailable, not a failure.
      const missing = await validatorFor('/etc/haproxy/haproxy.cfg').then(
        () => null,
        (error: { errorName: string }) => error.errorName,
      );
      const installed = await promisify(execFile)('sh', ['-c', 'command -v haproxy || true']);
      expect(missing).toBe(installed.stdout.trim() ? null : 'Unavailable');
    });
  });

  describe('info.disk_usage', () => {
    async function fill(path: string, bytes: number) {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, Buffer.alloc(bytes, 1));
    }

    it('lists the biggest directories and files under the root, and the directories’ biggest subdirectories, asynchronously', async () => {
      const root = join(temp.path, 'mount');
      await fill(join(root, 'big', 'videos', 'a.mkv'), 3 << 20);
      await fill(join(root, 'big', 'music', 'b.flac'), 1 << 20);
      await fill(join(root, 'small', 'c.txt'), 64 << 10);
      await fill(join(root, 'top.bin'), 8 << 20);
      const action = diskUsageAction();
      const preview = await action.preview({ path: root }, homeContext(temp.path));
      expect(preview.summary).toBe(`Show the biggest directories on ${root}`);
      expect(preview.changesNothing).toBeFalse();
      // A file right under the root can be what fills it (a capture that ran out of space).
      expect(preview.details.map((line) => line.replace(/^\s*[\d.]+ \w+ {2}/, ''))).toEqual([
        join(root, 'top.bin'),
        join(root, 'big'),
        join(root, 'big', 'videos'),
        join(root, 'big', 'music'),
        join(root, 'small'),
      ]);
      // Subdirectories are indented under their directory.
      expect(preview.details.map((line) => line.startsWith('    '))).toEqual([false, false, true, true, false]);
    });

    it('stops at its entry bound and says so', async () => {
      const root = join(temp.path, 'many');
      for (let i = 0; i < 30; i++) await fill(join(root, `d${i}`, 'f'), 4096);
      const report = await measureUsage(root, { timeMs: 10_000, entries: 10 });
      expect(report.complete).toBeFalse();
      expect(report.entries).toBe(10);
      const preview = await diskUsageAction({ timeMs: 10_000, entries: 10 }).preview(
        { path: root },
        homeContext(temp.path),
      );
      expect(preview.details.at(-1)).toBe('counted the first 10 entries only; the rest was not measured');
    });

    it('is not offered for an empty directory, and refuses a path that is not a directory', async () => {
      await mkdir(join(temp.path, 'empty'));
      expect(
        (await diskUsageAction().preview({ path: join(temp.path, 'empty') }, homeContext(temp.path))).changesNothing,
      ).toBeTrue();
      await expectAsync(
        diskUsageAction().preview({ path: join(temp.path, 'nothing') }, homeContext(temp.path)),
      ).toBeRejectedWith(jasmine.objectContaining({ errorName: 'InvalidArgs' }));
    });
  });

  describe('info.show_logs on an extra journal directory', () => {
    let directory: string;
    let cursors: string[];

    beforeEach(async () => {
      directory = join(temp.path, 'machine-journal');
      await mkdir(directory);
      await appendToJournal(
        directory,
        Array.from({ length: 12 }, (_, i) => ({
          MESSAGE: `line ${i + 1}`,
          SYSLOG_IDENTIFIER: 'app',
          _SYSTEMD_UNIT: i % 2 ? 'odd.service' : 'even.service',
        })),
      );
      const { stdout } = await promisify(execFile)('journalctl', [
        '--directory',
        directory,
        '-o',
        'json',
        '--output-fields=MESSAGE',
      ]);
      cursors = stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { __CURSOR: string }).__CURSOR);
    });

    const showLogs = (directories: string[]) =>
      createFindingsCatalog({ kinds: KINDS, journalDirectories: () => directories });
    /** A line without its time, which the session's clock writes ("9:26:59 AM" here, C's locale in the tests). */
    const withoutTime = (line: string) => line.replace(/^\d\d?:\d\d:\d\d [AP]M /, '');

    it('reads a unit’s lines from the directory the service follows', async () => {
      const { action, params } = showLogs([directory]).validate('info.show_logs', { unit: 'odd.service', directory });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.details.map(withoutTime)).toEqual(['line 2', 'line 4', 'line 6', 'line 8', 'line 10', 'line 12']);
      expect(preview.changesNothing).toBeFalse();
    });

    it('shows the lines around a finding’s own evidence when there is no unit', async () => {
      const { action, params } = showLogs([directory]).validate('info.show_logs', {
        directory,
        cursor: cursors[6],
        lines: 5,
      });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.summary).toBe('Show the journal around the reported line');
      expect(preview.details.map(withoutTime)).toEqual(['line 5', 'line 6', 'line 7', 'line 8', 'line 9']);
    });

    it('shows only the reporting program’s own lines around the evidence, by journald’s trusted fields', async () => {
      const auth = join(temp.path, 'auth-journal');
      await mkdir(auth);
      const sshd = { _COMM: 'sshd', _EXE: '/usr/sbin/sshd', _SYSTEMD_UNIT: 'ssh.service', SYSLOG_IDENTIFIER: 'sshd' };
      const other = { _COMM: 'systemd-resolve', _EXE: '/usr/lib/systemd/systemd-resolved', SYSLOG_IDENTIFIER: 'x' };
      // A program that calls itself sshd: its own claim (SYSLOG_IDENTIFIER) does not make it sshd's line.
      const forger = {
        _COMM: 'python3',
        _EXE: '/usr/bin/python3',
        _SYSTEMD_UNIT: 'ssh.service',
        SYSLOG_IDENTIFIER: 'sshd',
      };
      await appendToJournal(auth, [
        { MESSAGE: 'Failed password for root from 203.0.113.9 port 4242 ssh2', ...sshd },
        { MESSAGE: 'Using degraded feature set UDP', ...other },
        { MESSAGE: 'Failed password for root from 203.0.113.9 port 9 ssh2 (forged)', ...forger },
        { MESSAGE: 'Failed password for admin from 203.0.113.9 port 4243 ssh2', ...sshd },
        { MESSAGE: 'Using degraded feature set TCP', ...other },
        { MESSAGE: 'Disconnecting authenticating user admin 203.0.113.9 port 4243', ...sshd },
      ]);
      const { stdout } = await promisify(execFile)('journalctl', ['--directory', auth, '-o', 'json']);
      const reported = (JSON.parse(stdout.trim().split('\n')[3]!) as { __CURSOR: string }).__CURSOR;
      const { action, params } = showLogs([auth]).validate('info.show_logs', {
        directory: auth,
        cursor: reported,
        lines: 10,
        sameWriter: true,
      });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.summary).toBe('Show sshd’s log around the reported line');
      expect(preview.details.map(withoutTime)).toEqual([
        'Failed password for root from 203.0.113.9 port 4242 ssh2',
        'Failed password for admin from 203.0.113.9 port 4243 ssh2',
        'Disconnecting authenticating user admin 203.0.113.9 port 4243',
      ]);
    });

    it('is not offered when it would show nothing', async () => {
      const { action, params } = showLogs([directory]).validate('info.show_logs', {
        unit: 'quiet.service',
        directory,
      });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.details).toEqual([]);
      expect(preview.changesNothing).toBeTrue();
    });

    it('reads a stand-in for the system journal (STEWARD_TEST_SYSTEM_JOURNAL) where it would read --system', async () => {
      const catalog = createFindingsCatalog({ kinds: KINDS, testHooks: { systemJournal: directory } });
      const { action, params } = catalog.validate('info.show_logs', { unit: 'even.service', lines: 2 });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.summary).toBe('Show the last 2 lines of even.service’s log');
      expect(preview.details.map(withoutTime)).toEqual(['line 9', 'line 11']);
    });

    it('reads a user unit’s lines from a stand-in for the user journal (STEWARD_TEST_USER_JOURNAL)', async () => {
      const userJournal = join(temp.path, 'user-journal');
      await mkdir(userJournal);
      const user = { _UID: '1000', _SYSTEMD_UNIT: 'user@1000.service' };
      await appendToJournal(userJournal, [
        { MESSAGE: 'syncing', ...user, _SYSTEMD_USER_UNIT: 'sync.service' },
        { MESSAGE: 'other', ...user, _SYSTEMD_USER_UNIT: 'other.service' },
        { MESSAGE: "sync.service: Failed with result 'exit-code'.", ...user, USER_UNIT: 'sync.service', _PID: '1210' },
      ]);
      const catalog = createFindingsCatalog({ kinds: KINDS, testHooks: { userJournal } });
      const { action, params } = catalog.validate('info.show_logs', { unit: 'sync.service', scope: 'user' });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.details.map(withoutTime)).toEqual(['syncing', "sync.service: Failed with result 'exit-code'."]);
    });

    it('refuses a directory the service does not follow, and a malformed cursor', async () => {
      const { action, params } = showLogs([]).validate('info.show_logs', { directory });
      await expectAsync(action.preview(params, homeContext(temp.path))).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'InvalidArgs' }),
      );
      expect(() => showLogs([directory]).validate('info.show_logs', { cursor: '--output=cat' })).toThrowError(/cursor/);
    });
  });
});
