// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The diagnostic first steps on the real thing: a port this process really
// listens on, a lock a child process really holds, and a crash report that
// systemd-journal-remote really wrote into a journal file.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { lockHolderAction } from '../../service/src/fixes/actions/lockHolder.js';
import { portHolderAction } from '../../service/src/fixes/actions/portHolder.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import { coredumpAction } from '../../service/src/kinds/crash/coredumpAction.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { appendToJournal } from '../support/journal.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

describe('diagnostic steps', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  it('are in the catalog a finding may use, read-only and without a prompt', () => {
    const catalog = createFindingsCatalog({ kinds: KINDS });
    for (const name of [
      'info.port_holder',
      'info.lock_holder',
      'info.coredump',
      'info.filesystem_errors',
      'info.block_device',
      'info.network_device',
    ]) {
      const action = catalog.get(name);
      expect(action?.readOnly).withContext(name).toBeTrue();
      expect(action?.needsAuthorization).withContext(name).toBeFalse();
    }
  });

  describe('info.port_holder', () => {
    let server: Server;

    beforeEach(async () => {
      server = createServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('names the process that listens on the port, and offers nothing once it is free', async () => {
      const action = portHolderAction();
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const preview = await action.preview({ port }, homeContext(temp.path));
      expect(preview.changesNothing).toBeFalse();
      expect(preview.details).toEqual([jasmine.stringContaining(`port ${port}/tcp: node (PID ${process.pid}`)]);
      const outcome = await action.run({ port }, homeContext(temp.path), runOptions());
      expect(outcome.summary).toContain(`Port ${port} is held by:`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server = createServer();
      expect((await action.preview({ port }, homeContext(temp.path))).changesNothing).toBeTrue();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });

    it('refuses what is not a port', () => {
      const { params } = portHolderAction();
      for (const port of [0, 65536, 1.5, '80'])
        expect(params.safeParse({ port }).success).withContext(String(port)).toBeFalse();
    });
  });

  describe('info.lock_holder', () => {
    it('names the process that holds the lock, and nothing once it let go', async () => {
      const lock = join(temp.path, 'lock-frontend');
      await writeFile(lock, '');
      // A POSIX record lock on the whole file, as apt and dpkg take theirs (fcntl F_SETLK).
      const holder = spawn(
        'python3',
        [
          '-c',
          'import fcntl, sys, time\nf = open(sys.argv[1], "w")\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint("held", flush=True)\ntime.sleep(600)',
          lock,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await once(holder.stdout, 'data');
      const action = lockHolderAction({ locks: [lock] });
      try {
        const preview = await action.preview({ path: lock }, homeContext(temp.path));
        expect(preview.changesNothing).toBeFalse();
        expect(preview.details).toEqual([
          jasmine.stringMatching(new RegExp(`^python3 \\(PID ${holder.pid}\\): \\S*python3 -c import fcntl`)),
        ]);
      } finally {
        holder.kill();
        await once(holder, 'exit');
      }
      expect((await action.preview({ path: lock }, homeContext(temp.path))).changesNothing).toBeTrue();
      expect(action.params.safeParse({ path: '/etc/shadow' }).success).toBeFalse();
      expect(lockHolderAction().params.safeParse({ path: '/var/lib/dpkg/lock-frontend' }).success).toBeTrue();
    });
  });

  describe('info.coredump', () => {
    it('shows the crash systemd-coredump recorded at the cursor: signal, program, package and stack trace', async () => {
      const journal = join(temp.path, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [
        { MESSAGE: 'an unrelated line', SYSLOG_IDENTIFIER: 'other' },
        {
          MESSAGE:
            'Process 4242 (gnome-calculato) of user 1000 dumped core.\n\nStack trace of thread 4242:\n#0  0x00007f raise (libc.so.6 + 0x3c)\n#1  0x00007f abort (libc.so.6 + 0x2b)',
          MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
          SYSLOG_IDENTIFIER: 'systemd-coredump',
          COREDUMP_PID: '4242',
          COREDUMP_UID: '1000',
          COREDUMP_SIGNAL: '6',
          COREDUMP_SIGNAL_NAME: 'SIGABRT',
          COREDUMP_EXE: '/usr/bin/gnome-calculator',
          COREDUMP_PACKAGE_NAME: 'gnome-calculator',
          COREDUMP_PACKAGE_VERSION: '46.1-1',
        },
      ]);
      const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
        const child = spawn('journalctl', ['--directory', journal, '--output=json', '--output-fields=MESSAGE_ID']);
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('exit', () => resolve({ stdout: out }));
      });
      const cursors = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { __CURSOR: string }).__CURSOR);
      const action = coredumpAction({ systemJournal: journal });
      const params = action.params.parse({ cursor: cursors[1] });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.details).toEqual([
        'PID: 4242',
        'UID: 1000',
        'Signal: SIGABRT',
        'Executable: /usr/bin/gnome-calculator',
        'Package: gnome-calculator',
        'Version: 46.1-1',
        // No system bus in this context: the report says so instead of failing.
        'PackageKit is not available (There is no system bus on this machine.): whether an update is waiting is not known',
        'Stack trace of thread 4242:',
        '#0  0x00007f raise (libc.so.6 + 0x3c)',
        '#1  0x00007f abort (libc.so.6 + 0x2b)',
      ]);
      expect((await action.run(params, homeContext(temp.path), runOptions())).summary).toContain('Signal: SIGABRT');
      // An entry that is not a crash report is not shown as one.
      await expectAsync(
        action.preview(action.params.parse({ cursor: cursors[0] }), homeContext(temp.path)),
      ).toBeRejectedWith(jasmine.objectContaining({ errorName: 'Unavailable' }));
    });
  });
});
