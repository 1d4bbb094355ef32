// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Who called: from the bus daemon's word (GetConnectionCredentials) and the
// kernel's (/proc/PID/exe, the cgroup systemd placed it in), never from what
// the caller says of itself — its command line, process title and the files in
// its own root (a /.flatpak-info any bwrap user can bind) are its to set.
import { readFile, readlink } from 'node:fs/promises';

import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { typedCall } from './typedCalls.js';
import { variantOf } from './variants.js';

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

const id = z.number().int().min(0);
/** GetConnectionCredentials' a{sv}, as the D-Bus specification types the keys Steward reads. */
const credentialsReply = z.tuple([
  z.object({
    ProcessID: variantOf('u', id).optional(),
    UnixUserID: variantOf('u', id).optional(),
    LinuxSecurityLabel: variantOf(
      'ay',
      z.instanceof(Buffer).refine((label) => label.length <= 4096),
    ).optional(),
  }),
]);

export async function callerIdentity(bus: MessageBus, sender: string): Promise<CallerIdentity> {
  const [credentials] = await typedCall(
    bus,
    {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetConnectionCredentials',
      signature: 's',
      body: [sender],
      reply: 'a{sv}',
    },
    credentialsReply,
  ).catch((): z.output<typeof credentialsReply> => [{}]);
  const pid = credentials.ProcessID ?? null;
  const uid = credentials.UnixUserID ?? null;
  const securityLabel = credentials.LinuxSecurityLabel?.toString('utf8').replace(/\0+$/, '') ?? null;
  const executable = pid === null ? null : await readlink(`/proc/${pid}/exe`).catch(() => null);
  return { sender, pid, uid, executable, securityLabel, sandboxedApp: await sandboxedApp(pid, securityLabel) };
}

/**
 * snapd confines each app under an AppArmor label "snap.NAME.…"; Flatpak asks systemd to run each app instance in
 * a scope "app-flatpak-APPID-NUMBER.scope", a cgroup the sandboxed process cannot leave or rename.
 */
async function sandboxedApp(pid: number | null, label: string | null): Promise<string | null> {
  const snap = /^snap\.([^.\s]+)\./.exec(label ?? '')?.[1];
  if (snap) return `snap ${snap}`;
  if (pid === null) return null;
  const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  const app = flatpakAppOfCgroups(cgroups);
  return app ? `flatpak ${app}` : null;
}

// Flatpak's application ids: reverse-DNS, at least three elements (flatpak's own check).
const FLATPAK_SCOPE = /\/app-flatpak-([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*){2,})-\d+\.scope(?:\/|$)/;

/** The Flatpak app id of the unified (v2) cgroup path in /proc/PID/cgroup, when systemd placed it in an app's scope. */
export function flatpakAppOfCgroups(cgroups: string): string | null {
  const unified = cgroups.split('\n').find((line) => line.startsWith('0::'));
  return unified ? (FLATPAK_SCOPE.exec(unified.slice(3))?.[1] ?? null) : null;
}

/** ":1.42 (pid 4242, uid 1000, /usr/bin/node)": the audit trail's words for who asked. */
export function describeIdentity({ sender, pid, uid, executable, sandboxedApp }: CallerIdentity): string {
  const details = [pid !== null && `pid ${pid}`, uid !== null && `uid ${uid}`, executable, sandboxedApp].filter(
    Boolean,
  );
  return details.length > 0 ? `${sender} (${details.join(', ')})` : sender;
}
