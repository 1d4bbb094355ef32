// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, homeEnv, nameHasOwner, SERVICE_SCRIPT, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The service as the bus starts it without systemd: stdout and stderr are /dev/null.
describe('the log of a service started without systemd', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let service: ChildProcess | null = null;

  const start = (journalSocket: string) => {
    service = spawn(process.execPath, [SERVICE_SCRIPT], {
      env: {
        PATH: process.env.PATH,
        ...homeEnv(home.path),
        DBUS_SESSION_BUS_ADDRESS: bus.address,
        STEWARD_TEST_JOURNAL_SOCKET: journalSocket,
      },
      stdio: 'ignore',
    });
    return service;
  };
  const stop = async () => {
    const child = service;
    service = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
  });

  afterEach(async () => {
    await stop();
    await bus.stop();
    await home.remove();
  });

  it('goes to steward.log in the state directory when there is no journal, private to the user', async () => {
    start(join(home.path, 'no-journal-here'));
    const logFile = join(home.path, 'state', 'steward', 'steward.log');
    const log = () => readFile(logFile, 'utf8').catch(() => '');
    await waitFor(
      async () =>
        (await nameHasOwner(client, BUS_NAME)) && /state changed state=(idle|degraded|attention)/.test(await log()),
      'the service to start',
    );
    await stop();

    const lines = (await log()).trimEnd().split('\n');
    expect(lines).toContain(
      jasmine.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARNING a test hook is set hook=journalSocket /),
    );
    expect(lines).toContain(jasmine.stringMatching(/^\S+ INFO service started version=/));
    // Written synchronously: what it logs as it exits is kept.
    expect(lines).toContain(jasmine.stringMatching(/^\S+ INFO stopping signal=SIGTERM$/));
    expect((await stat(logFile)).mode & 0o777).toBe(0o600);
  });

  it('goes to the journal over its stream socket when journald runs', async () => {
    const socketPath = join(home.path, 'journal-stdout');
    let received = '';
    const journal = createServer((connection) =>
      connection.on('data', (data: Buffer) => (received += data.toString())),
    );
    journal.listen(socketPath);
    await once(journal, 'listening');
    start(socketPath);
    await waitFor(() => /^<6>state changed state=(idle|degraded|attention)/m.test(received), 'the service to start');
    journal.close();

    expect(received.startsWith('steward\n\n6\n1\n0\n0\n0\n')).toBeTrue();
    expect(received).toMatch(/^<4>a test hook is set hook=journalSocket /m);
    expect(received).toMatch(/^<6>service started version=\S+ api=\d+ name=io\.github\.steward\.Steward1$/m);
    await expectAsync(stat(join(home.path, 'state', 'steward', 'steward.log'))).toBeRejected();
  });
});
