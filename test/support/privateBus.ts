// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { type MessageBus, sessionBus } from '@jellybrick/dbus-next';

import { makeTempDir, type TempDir } from './tempDir.js';

export interface PrivateBus {
  address: string;
  /** Opens a new client connection to this bus; closed by stop(). */
  connect(): Promise<MessageBus>;
  stop(): Promise<void>;
}

export interface PrivateBusOptions {
  /** Directories with D-Bus activation (.service) files. */
  serviceDirs?: string[];
  /** Environment of the bus, which activated services inherit. */
  env?: NodeJS.ProcessEnv;
  /**
   * A system-type bus that other users can reach too, for system daemons
   * (polkitd drops to its own user) and callers running as another user.
   */
  system?: boolean;
}

const config = (socketDir: string, serviceDirs: string[], type: 'session' | 'system') => `<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>${type}</type>
  <listen>unix:dir=${socketDir}</listen>
  <auth>EXTERNAL</auth>
  ${serviceDirs.map((dir) => `<servicedir>${dir}</servicedir>`).join('\n  ')}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>
`;

/** Starts a dbus-daemon of our own, so tests never touch the user's session bus. */
export async function startPrivateBus(options: PrivateBusOptions = {}): Promise<PrivateBus> {
  const dir: TempDir = await makeTempDir('steward-bus-');
  const configFile = join(dir.path, 'bus.conf');
  await writeFile(configFile, config(dir.path, options.serviceDirs ?? [], options.system ? 'system' : 'session'));
  if (options.system) await chmod(dir.path, 0o755);
  const daemon = spawn('dbus-daemon', [`--config-file=${configFile}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  // Keep real problems visible, but not the daemon's routine notes (activations,
  // reloads) nor its complaint that a container will not raise its fd limit.
  createInterface({ input: daemon.stderr }).on('line', (line) => {
    if (
      !/Failed to set fd limit|Activating service|Successfully activated|Reloaded configuration|became a monitor|Monitoring connection/.test(
        line,
      )
    ) {
      process.stderr.write(`${line}\n`);
    }
  });
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: daemon.stdout });
    lines.once('line', (line) => resolve(line.trim()));
    daemon.once('error', reject);
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  const clients: MessageBus[] = [];
  return {
    address,
    async connect() {
      const bus = sessionBus({ busAddress: address });
      await new Promise<void>((resolve) => bus.once('connect', resolve));
      clients.push(bus);
      return bus;
    },
    async stop() {
      for (const bus of clients) bus.disconnect();
      if (daemon.exitCode === null) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      }
      await dir.remove();
    },
  };
}
