// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Who an agent is, for the audit trail: the name its MCP client declares, and
// the real process behind the stdio pipe. `steward mcp` is the D-Bus caller;
// the client that started it is its parent, read from the kernel by the
// caller's bus credentials, never from what either says of itself.
import { readlink } from 'node:fs/promises';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callerIdentity, describeIdentity } from '../dbus/callerIdentity.js';
import { readSmallBytes } from '../smallFile.js';
import { cleanLine } from '../untrustedText.js';

/** The parent pid (field 4) of /proc/PID/stat; the command name may hold spaces and parentheses. */
export function parentPidOf(statText: string): number | null {
  const field = statText.slice(statText.lastIndexOf(')') + 2).split(' ')[1];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : null;
}

/** The executable of the process that started `pid`, or null where the kernel does not say. */
export async function parentExecutable(pid: number): Promise<{ pid: number; executable: string | null } | null> {
  // Latin-1: the command name is any bytes the process chose; the fields after it are digits.
  const stat = await readSmallBytes(`/proc/${pid}/stat`, 4096)
    .then((bytes) => bytes.toString('latin1'))
    .catch(() => null);
  const parent = stat === null ? null : parentPidOf(stat);
  if (parent === null || parent === 0) return null;
  return { pid: parent, executable: await readlink(`/proc/${parent}/exe`).catch(() => null) };
}

/** '"Claude Desktop" via /usr/bin/claude (pid 4100), through :1.42 (pid 4242, uid 1000, /usr/bin/node)'. */
export async function describeAgent(bus: MessageBus, sender: string, client: string): Promise<string> {
  const identity = await callerIdentity(bus, sender);
  const parent = identity.pid === null ? null : await parentExecutable(identity.pid);
  const via = parent ? ` via ${parent.executable ?? 'an unknown program'} (pid ${parent.pid})` : '';
  return `“${cleanLine(client, 80)}”${via}, through ${describeIdentity(identity)}`;
}
