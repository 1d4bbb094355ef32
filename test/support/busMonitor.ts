// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// dbus-monitor on a private bus, for what the bus sees but neither end
// reports: the header flags of the method calls a client sends.
import { type ChildProcess, spawn } from 'node:child_process';

import { waitFor } from './service.js';

/** The D-Bus header flag that lets the callee ask polkit interactively. */
export const ALLOW_INTERACTIVE_AUTHORIZATION = 0x4;
const METHOD_CALL = 1;

export interface BusMonitor {
  /** The header flags of each method call seen so far, in order. */
  callFlags(): number[];
  stop(): Promise<void>;
}

/** Splits dbus-monitor's --binary output (little-endian messages back to back) into [type, flags] pairs. */
function headers(data: Buffer): [number, number][] {
  const found: [number, number][] = [];
  for (let offset = 0; offset + 16 <= data.length;) {
    const fieldsLength = data.readUInt32LE(offset + 12);
    found.push([data[offset + 1]!, data[offset + 2]!]);
    offset += 16 + Math.ceil(fieldsLength / 8) * 8 + data.readUInt32LE(offset + 4);
  }
  return found;
}

/** Watches method calls that match `rule` (e.g. "member='StartUnit'"); resolves once the monitor is in place. */
export async function monitorCalls(address: string, rule: string): Promise<BusMonitor> {
  const monitor: ChildProcess = spawn(
    'dbus-monitor',
    ['--address', address, '--binary', `type='method_call',${rule}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = Buffer.alloc(0);
  monitor.stdout!.on('data', (chunk: Buffer) => (output = Buffer.concat([output, chunk])));
  // Becoming a monitor, it gets NameAcquired and then NameLost for its own name.
  await waitFor(() => headers(output).length >= 2, 'dbus-monitor to attach');
  return {
    callFlags: () =>
      headers(output)
        .filter(([type]) => type === METHOD_CALL)
        .map(([, flags]) => flags),
    async stop() {
      if (monitor.exitCode !== null) return;
      const exited = new Promise((resolve) => monitor.once('exit', resolve));
      monitor.kill('SIGTERM');
      await exited;
    },
  };
}
