// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Who called: from the bus daemon's word (GetConnectionCredentials) and the
// kernel's (/proc/PID/exe, a sandbox's own marker), never from what the caller
// says of itself — its command line and process title are its to set.
import { readlink } from 'node:fs/promises';

import type { MessageBus } from '@jellybrick/dbus-next';

import { readSmallFile } from '../smallFile.js';
import { callMethod } from './client.js';

export interface CallerIdentity {
  sender: string;
  pid: number | null;
  uid: number | null;
  /** The running executable, from /proc/PID/exe. */
  executable: string | null;
  /** The AppArmor or SELinux label, when the bus knows one. */
  securityLabel: string | null;
  /** "flatpak org.example.App" or "snap foo" for a sandboxed caller. */
  sandboxedApp: string | null;
}

const textOf = (bytes: unknown) =>
  Buffer.isBuffer(bytes) || Array.isArray(bytes)
    ? Buffer.from(bytes as number[])
        .toString('utf8')
        .replace(/\0+$/, '')
    : null;

export async function callerIdentity(bus: MessageBus, sender: string): Promise<CallerIdentity> {
  const credentials = await callMethod(bus, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'GetConnectionCredentials',
    signature: 's',
    body: [sender],
  })
    .then(([value]) => value as Record<string, { value: unknown }>)
    .catch((): Record<string, { value: unknown }> => ({}));
  const pid = typeof credentials.ProcessID?.value === 'number' ? credentials.ProcessID.value : null;
  const uid = typeof credentials.UnixUserID?.value === 'number' ? credentials.UnixUserID.value : null;
  const securityLabel = textOf(credentials.LinuxSecurityLabel?.value);
  const executable = pid === null ? null : await readlink(`/proc/${pid}/exe`).catch(() => null);
  return { sender, pid, uid, executable, securityLabel, sandboxedApp: await sandboxedApp(pid, securityLabel) };
}

/** Flatpak writes /.flatpak-info into every sandbox; snapd confines each app under an AppArmor label "snap.NAME.…". */
async function sandboxedApp(pid: number | null, label: string | null): Promise<string | null> {
  const snap = /^snap\.([^.\s]+)\./.exec(label ?? '')?.[1];
  if (snap) return `snap ${snap}`;
  if (pid === null) return null;
  // The caller's own root: in a sandbox it made itself, this may be a FIFO or a link to /dev/zero.
  const info = await readSmallFile(`/proc/${pid}/root/.flatpak-info`, 64 * 1024).catch(() => null);
  const name = info && /^\[Application\][^[]*?^name=(\S+)/m.exec(info)?.[1];
  return name ? `flatpak ${name}` : null;
}

/** ":1.42 (pid 4242, uid 1000, /usr/bin/node)": the audit trail's words for who asked. */
export function describeIdentity({ sender, pid, uid, executable, sandboxedApp }: CallerIdentity): string {
  const details = [pid !== null && `pid ${pid}`, uid !== null && `uid ${uid}`, executable, sandboxedApp].filter(
    Boolean,
  );
  return details.length > 0 ? `${sender} (${details.join(', ')})` : sender;
}
