// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service started the way a user's session starts it: by the session bus, from the activation file
// that build/install.sh writes (namespace.sh writes one of the same form into the session).
import { readdir, readFile, readlink } from 'node:fs/promises';

import { callMethod } from '../../../service/src/dbus/client.js';
import { type OpenedShell, openShell } from './extensionShell.js';
import type { ShellSession } from './session.js';

/** The command line of the activation file's Exec= in the session (see namespace.sh). */
export const ACTIVATED_COMMAND = ['/opt/steward/node', '/opt/steward/dist/service/steward-service.js'];

/**
 * As openShell does, and the session bus can also start this checkout's service (process.cwd(), whose
 * dist/ the tests run) with `config` as its configuration.
 */
export const openShellWithActivation = (suite: string, artifacts: string, config: unknown): Promise<OpenedShell> =>
  openShell(suite, artifacts, { root: process.cwd(), config });

export interface SessionProcess {
  /** Its PID in the session's PID namespace, as the bus reports it. */
  sessionPid: number;
  /** Its PID on the host. */
  pid: number;
  command: string[];
}

/** The process of the session that owns `name` on its bus; fails when the owner is no process of the session. */
export async function sessionOwnerOf(session: ShellSession, name: string): Promise<SessionProcess> {
  const [sessionPid] = (await callMethod(session.bus, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'GetConnectionUnixProcessID',
    signature: 's',
    body: [name],
  })) as [number];
  for (const entry of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
    if ((await readlink(`/proc/${entry}/ns/pid`).catch(() => undefined)) !== session.pidNamespace) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    // NSpid lists the PID in each namespace from the host's down to the process's own.
    if (/^NSpid:.*\s(\d+)$/m.exec(status)?.[1] !== String(sessionPid)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
    return { sessionPid, pid: Number(entry), command: cmdline.split('\0').filter(Boolean) };
  }
  throw new Error(`${name} is owned by PID ${sessionPid}, which is no process of the session`);
}

/** The lines of the session's output that services started by the bus wrote in Steward's log format. */
export async function activatedServiceLog(session: ShellSession): Promise<string> {
  const lines = (await readFile(session.outputPath, 'utf8')).split('\n');
  return lines.filter((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z [A-Z]+ /.test(line)).join('\n');
}
