// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { TERMINAL_NOTICE } from '../../service/src/mcp/command.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, CLI_SCRIPT, homeEnv, nameHasOwner, runCli, SERVICE_SCRIPT, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// What a person meets in the first hour with the command line, on a bus with no activation file and no
// systemd user manager: each command says what is going on instead of a raw D-Bus error or silence.
describe('the command line on a first run', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
    // A journal socket that is not there stands for a machine without journald: the log goes to steward.log.
    env = {
      PATH: process.env.PATH,
      ...homeEnv(home.path),
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      STEWARD_TEST_JOURNAL_SOCKET: join(home.path, 'no-journal-here'),
    };
  });

  afterAll(async () => {
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('steward start, with no activation file, says the service is not installed and how to get it', async () => {
    const started = await runCli(['start'], env);
    expect(started.code).toBe(3);
    expect(started.stdout).toBe('');
    expect(started.stderr).toContain(
      `the service is not installed for this session (the bus has no activation file for ${BUS_NAME})`,
    );
    expect(started.stderr).toContain('npm run install-user');
    expect(started.stderr).not.toContain('org.freedesktop.DBus.Error');
  });

  it('steward logs, with no log yet, says where the log will be', async () => {
    // A state directory of its own: the SIGKILL spec, which may run first, leaves a log in the shared one.
    const state = join(home.path, 'state-never-written');
    const logs = await runCli(['logs'], { ...env, XDG_STATE_HOME: state });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain(join(state, 'steward', 'steward.log'));
  });

  it('steward logs shows the log of a service killed with SIGKILL, instead of saying it is not running', async () => {
    const service: ChildProcess = spawn(process.execPath, [SERVICE_SCRIPT], { env, stdio: 'ignore' });
    const logFile = join(home.path, 'state', 'steward', 'steward.log');
    const log = () => readFile(logFile, 'utf8').catch(() => '');
    await waitFor(
      async () => (await nameHasOwner(client, BUS_NAME)) && /state changed state=/.test(await log()),
      'the service to start',
      20_000,
    );
    const exited = once(service, 'exit');
    service.kill('SIGKILL');
    await exited;
    expect(await nameHasOwner(client, BUS_NAME)).toBeFalse();

    const logs = await runCli(['logs', '--lines', '200'], env);
    expect(logs.code).toBe(0);
    expect(logs.stderr).toBe('');
    expect(logs.stdout).toMatch(/^\S+ INFO service started version=/m);
    expect(logs.stdout).not.toContain('not running');
  }, 30_000);

  it('steward mcp on a terminal says what it waits for, and Ctrl+D ends it', async () => {
    const quoted = [process.execPath, CLI_SCRIPT, 'mcp'].map((word) => `'${word}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', quoted, '/dev/null'], {
      env: { ...env, TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const closed = once(child, 'close');
    try {
      await waitFor(() => output.includes('Ctrl+D'), 'the notice on the terminal', 10_000);
      child.stdin.write('\x04');
      const [code] = (await closed) as [number];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
    expect(output.replace(/\r?\n/g, ' ')).toContain(TERMINAL_NOTICE);
  }, 20_000);
});
