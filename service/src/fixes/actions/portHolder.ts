// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.port_holder: which process holds a local port now, for a daemon that
// could not bind it. Read from the kernel's socket tables (/proc/net) and the
// processes' descriptors, as ss -p does; a process of another user is named
// by its user only, as the kernel shows no more of it to this one.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { userInfo } from 'node:os';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';

const portHolderParams = z.object({ port: z.number().int().min(1).max(65535) });
type PortHolderParams = z.infer<typeof portHolderParams>;

// The TCP state LISTEN and the UDP state of a bound socket, as /proc/net/{tcp,udp} write them (include/net/tcp_states.h).
const TABLES = [
  { file: 'tcp', protocol: 'tcp', state: '0A' },
  { file: 'tcp6', protocol: 'tcp', state: '0A' },
  { file: 'udp', protocol: 'udp', state: '07' },
  { file: 'udp6', protocol: 'udp', state: '07' },
] as const;

export interface PortSocket {
  protocol: 'tcp' | 'udp';
  uid: number;
  inode: string;
}

export interface PortHolder extends PortSocket {
  pid?: number;
  command?: string;
  unit?: string;
}

/** The sockets bound to `port` in the kernel's tables under `proc` (listening TCP, bound UDP). */
export async function socketsOn(port: number, proc = '/proc'): Promise<PortSocket[]> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const found: PortSocket[] = [];
  for (const { file, protocol, state } of TABLES) {
    const table = await readFile(`${proc}/net/${file}`, 'utf8').catch(() => '');
    for (const row of table.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const columns = row.trim().split(/\s+/);
      const local = columns[1];
      if (!local?.endsWith(`:${hex}`) || columns[3] !== state) continue;
      const inode = columns[9];
      if (inode && inode !== '0' && !found.some((socket) => socket.inode === inode)) {
        found.push({ protocol, uid: Number(columns[7]), inode });
      }
    }
  }
  return found;
}

/** The unit a process runs in, from its cgroup path: the last ".service" or ".scope" component. */
function unitOfCgroup(cgroup: string): string | undefined {
  return cgroup
    .split('\n')
    .flatMap((line) => line.split('/'))
    .filter((part) => /\.(?:service|scope)$/.test(part))
    .at(-1);
}

/** Each socket with the process that holds it, where this user may read that process's descriptors. */
export async function holdersOf(port: number, proc = '/proc'): Promise<PortHolder[]> {
  const sockets = await socketsOn(port, proc);
  if (sockets.length === 0) return [];
  const wanted = new Map(sockets.map((socket) => [`socket:[${socket.inode}]`, socket]));
  const holders = new Map<string, PortHolder>();
  const pids = (await readdir(proc).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const descriptors = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
    for (const descriptor of descriptors) {
      const target = await readlink(`${proc}/${pid}/fd/${descriptor}`).catch(() => '');
      const socket = wanted.get(target);
      if (!socket || holders.has(socket.inode)) continue;
      const [command, cgroup] = await Promise.all([
        readFile(`${proc}/${pid}/comm`, 'utf8').catch(() => ''),
        readFile(`${proc}/${pid}/cgroup`, 'utf8').catch(() => ''),
      ]);
      const unit = unitOfCgroup(cgroup);
      holders.set(socket.inode, {
        ...socket,
        pid: Number(pid),
        command: cleanLine(command.trim(), 64),
        ...(unit && { unit }),
      });
    }
    if (holders.size === sockets.length) break;
  }
  return sockets.map((socket) => holders.get(socket.inode) ?? socket);
}

function userName(uid: number): string {
  if (uid === 0) return 'root';
  try {
    return userInfo().uid === uid ? userInfo().username : `uid ${uid}`;
  } catch {
    return `uid ${uid}`;
  }
}

/** "port 80/tcp: nginx (PID 812, nginx.service)", or the user only when the process is not visible to this one. */
export function describeHolder(port: number, holder: PortHolder): string {
  const where = `${port}/${holder.protocol}`;
  if (holder.pid === undefined) {
    return format(_('port {port}: a process of {user} that Steward may not inspect (socket {inode})'), {
      port: where,
      user: userName(holder.uid),
      inode: holder.inode,
    });
  }
  return format(_('port {port}: {command} (PID {pid}{unit})'), {
    port: where,
    command: holder.command ?? '?',
    pid: holder.pid,
    unit: holder.unit ? `, ${holder.unit}` : '',
  });
}

export interface PortHolderOptions {
  /** Where the proc file system is (tests: a directory shaped like it). */
  proc?: string;
}

export function portHolderAction({ proc = '/proc' }: PortHolderOptions = {}): ActionDefinition<PortHolderParams> {
  const describe = async (port: number) => (await holdersOf(port, proc)).map((holder) => describeHolder(port, holder));
  return {
    name: 'info.port_holder',
    title: N_('Show which process holds a port'),
    params: portHolderParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the answer; a port nobody holds now has nothing to show, and the step is not offered.
    async preview({ port }) {
      const details = await describe(port);
      return {
        summary: format(_('Show which process holds port {port}'), { port }),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run({ port }) {
      const details = await describe(port);
      return {
        summary: [
          details.length === 0
            ? format(_('No process holds port {port} now'), { port })
            : format(_('Port {port} is held by:'), { port }),
          ...details,
        ].join('\n'),
        undo: { impossible: _('showing which process holds a port changes nothing') },
      };
    },
    async verify({ port }) {
      return { ok: true, observed: format(_('read who holds port {port}'), { port }) };
    },
  };
}
