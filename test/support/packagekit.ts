// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type PrivateBus, startPrivateBus } from './privateBus.js';
import { nameHasOwner, waitFor } from './service.js';

export const POLKITD = '/usr/lib/polkit-1/polkitd';
export const PACKAGEKITD = '/usr/libexec/packagekitd';
const DUMMY_BACKEND_BUILD = join(process.cwd(), 'test', 'support', 'packagekit-dummy.sh');
const PACKAGEKITD_ARGS = ['--backend=dummy', '--keep-environment', '--disable-timer'];

/** Whether the system's PackageKit has its dummy backend (Debian 12's does; 13's PackageKit 1.3 has none). */
function systemHasDummyBackend(): boolean {
  return readdirSync('/usr/lib').some((dir) =>
    existsSync(join('/usr/lib', dir, 'packagekit-backend', 'libpk_backend_dummy.so')),
  );
}

/**
 * packagekitd's command line: in a mount namespace of its own, with a private /var/lib/PackageKit (specs side by
 * side each start one, and two packagekitd on one transactions.db find it locked), and where the system lacks the
 * dummy backend, a folder with it, compiled from the installed PackageKit's source, over the system's backend
 * folder (packagekitd loads backends from that one folder only).
 */
async function packagekitdCommand(): Promise<[string, string[]]> {
  const state = 'mkdir -p /var/lib/PackageKit && mount -t tmpfs tmpfs /var/lib/PackageKit';
  const dummy = systemHasDummyBackend()
    ? []
    : (await promisify(execFile)(DUMMY_BACKEND_BUILD, [], { timeout: 600_000 })).stdout.trim().split('\n').reverse();
  const script =
    dummy.length > 0 ? `${state} && mount --bind "$1" "$2" && shift 2 && exec "$@"` : `${state} && exec "$@"`;
  return [
    'unshare',
    ['--mount', '--propagation=private', 'sh', '-c', script, 'sh', ...dummy, PACKAGEKITD, ...PACKAGEKITD_ARGS],
  ];
}

export interface PackageKit {
  /** The private system bus that polkitd and packagekitd are on. */
  bus: PrivateBus;
  /** A client connection to that bus, as root. */
  client: MessageBus;
  /** Everything packagekitd wrote so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * polkitd and packagekitd with its dummy backend (a fixed, stateless set of
 * fake packages) on a private system bus, so tests never touch the machine's
 * packages nor its real daemons.
 */
export async function startPackageKit(): Promise<PackageKit> {
  const bus = await startPrivateBus({ system: true });
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address };
  const daemons: ChildProcess[] = [];
  let output = '';
  const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemons.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await bus.stop();
  };
  try {
    const client = await bus.connect();
    const running = (child: ChildProcess, name: string) => async () => {
      if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with ${child.exitCode}:\n${output}`);
      return nameHasOwner(client, name);
    };
    const polkitd = start(POLKITD, ['--no-debug']);
    await waitFor(running(polkitd, 'org.freedesktop.PolicyKit1'), 'polkitd');
    const packagekitd = start(...(await packagekitdCommand()));
    await waitFor(running(packagekitd, 'org.freedesktop.PackageKit'), 'packagekitd');
    return { bus, client, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
