// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward status`, `start`, `stop`, `restart`, `reload` and `logs`: the
// service as a whole, through systemd when it runs the service (as systemctl
// would), else through the bus and the process the bus names.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, nameHasOwner } from '../dbus/client.js';
import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { _, format } from '../i18n.js';
import { JOURNAL_STREAM_SOCKET, LOG_FILE_NAME } from '../logSinks.js';
import { resolvePaths } from '../paths.js';
import { testHooks } from '../testHooks.js';
import { fetchStatus, NOT_RUNNING_MESSAGE } from './coreStatus.js';
import { EXIT_FAILURE, EXIT_NOT_RUNNING } from './exitCodes.js';
import { formatStatus, unpackStatus } from './statusReport.js';

export async function statusCommand(bus: MessageBus, json: boolean): Promise<number> {
  const record = await fetchStatus(bus);
  if (!record) {
    if (json) process.stdout.write(`${JSON.stringify({ running: false })}\n`);
    else process.stdout.write(NOT_RUNNING_MESSAGE);
    return EXIT_NOT_RUNNING;
  }
  const [engineReply] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: CHAT_INTERFACE,
    member: 'GetEngineStatus',
  });
  const engine = unpackStatus(engineReply as Record<string, Variant>);
  process.stdout.write(
    json ? `${JSON.stringify({ running: true, ...record, engine })}\n` : formatStatus(record, engine),
  );
  return 0;
}

export async function startCommand(bus: MessageBus): Promise<number> {
  try {
    await callMethod(bus, {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'StartServiceByName',
      signature: 'su',
      body: [BUS_NAME, 0],
    });
  } catch (error) {
    // The bus knows no activation file for the name: the service was never installed for this session.
    if (remoteErrorName(error) !== 'org.freedesktop.DBus.Error.ServiceUnknown') throw error;
    process.stderr.write(`steward: ${notInstalledMessage()}\n`);
    return EXIT_NOT_RUNNING;
  }
  process.stdout.write('Steward is running.\n');
  return 0;
}

export const notInstalledMessage = () =>
  format(
    _(
      'the service is not installed for this session (the bus has no activation file for {name}). Install it for yourself with “npm run install-user” in Steward’s source, or install the steward package; “man steward” and docs/install.md say more.',
    ),
    { name: BUS_NAME },
  );

const UNIT = 'steward.service';
const STOP_WAIT_MS = 15_000;

/** Whether systemd's user manager knows Steward's unit: then it, not the bus, runs the service. */
export function systemdRunsService(): boolean {
  const shown = spawnSync('systemctl', ['--user', 'show', '--property=LoadState', '--value', UNIT], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return shown.status === 0 && shown.stdout.trim() === 'loaded';
}

function systemctl(verb: string): number {
  const result = spawnSync('systemctl', ['--user', verb, UNIT], { stdio: 'inherit' });
  return result.status ?? EXIT_FAILURE;
}

/** The service's process id, or null when it is not running. */
async function servicePid(bus: MessageBus): Promise<number | null> {
  const status = await fetchStatus(bus);
  return typeof status?.pid === 'number' ? status.pid : null;
}

async function waitForExit(bus: MessageBus): Promise<void> {
  const deadline = Date.now() + STOP_WAIT_MS;
  while (await nameHasOwner(bus, BUS_NAME)) {
    if (Date.now() > deadline) throw new StewardError('Timeout', _('the service did not stop within 15 seconds'));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopCommand(bus: MessageBus): Promise<number> {
  if (systemdRunsService()) return systemctl('stop');
  const pid = await servicePid(bus);
  if (pid === null) {
    process.stdout.write(`${_('Steward is not running.')}\n`);
    return 0;
  }
  // SIGTERM is how systemd stops it too: the service finishes its writes and leaves.
  process.kill(pid, 'SIGTERM');
  await waitForExit(bus);
  process.stdout.write(`${_('Steward stopped.')}\n`);
  return 0;
}

export async function restartCommand(bus: MessageBus): Promise<number> {
  if (systemdRunsService()) return systemctl('restart');
  const pid = await servicePid(bus);
  if (pid !== null) {
    process.kill(pid, 'SIGTERM');
    await waitForExit(bus);
  }
  return startCommand(bus);
}

/** Reads the configuration file again, as SIGHUP does (a hand edit also applies by itself). */
export async function reloadCommand(bus: MessageBus): Promise<number> {
  if (systemdRunsService()) return systemctl('reload');
  const pid = await servicePid(bus);
  if (pid === null) {
    process.stderr.write(NOT_RUNNING_MESSAGE);
    return EXIT_NOT_RUNNING;
  }
  process.kill(pid, 'SIGHUP');
  process.stdout.write(`${_('Steward reads its configuration again.')}\n`);
  return 0;
}

/**
 * The service's own log, wherever the service writes it (logSinks.ts): its unit's journal under systemd; the
 * journal lines it sent as "steward" when the bus started it and journald runs; else steward.log in the state
 * directory. None of these needs the service running, so the log of one that was killed is shown too.
 */
export function logsCommand(options: { follow: boolean; lines?: string }): Promise<number> {
  const lines = options.lines ?? '50';
  if (!/^\d+$/.test(lines)) throw new StewardError('InvalidArgs', `--lines needs a number, not “${lines}”`);
  const follow = options.follow ? ['--follow'] : [];
  const common = ['--user', '--no-hostname', '--output=short-iso', `--lines=${lines}`, ...follow];
  if (systemdRunsService()) return show('journalctl', [...common, '--unit', UNIT]);
  if (existsSync(testHooks().journalSocket ?? JOURNAL_STREAM_SOCKET))
    return show('journalctl', [...common, '--identifier=steward']);
  const file = join(resolvePaths().stateDirectory, LOG_FILE_NAME);
  if (!existsSync(file)) {
    process.stderr.write(
      `steward: ${format(_('there is no log yet: without systemd or the journal, the service writes it to {file}'), { file })}\n`,
    );
    return Promise.resolve(EXIT_FAILURE);
  }
  return show('tail', ['-n', lines, ...(options.follow ? ['-F'] : []), file]);
}

function show(program: string, args: string[]): Promise<number> {
  const child = spawn(program, args, { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.on('error', () => {
      process.stderr.write(`steward: ${format(_('{program} is not installed'), { program })}\n`);
      resolve(EXIT_FAILURE);
    });
    child.on('close', (code) => resolve(code ?? EXIT_FAILURE));
  });
}
