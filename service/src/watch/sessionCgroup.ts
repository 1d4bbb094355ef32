// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's session cgroup: the `user@UID.service` that Steward, a user service, runs below. The kernel keeps memory
// pressure (PSI) per cgroup2 cgroup, whatever controllers it has, and a task's stalls count in every ancestor: there
// the session's programs waiting for memory show apart from the rest of the machine (systemd-oomd watches it too).
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

export interface SessionCgroup {
  /** The session's unit, "user@1000.service". */
  unit: string;
  /** Its cgroup2 directory, "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service". */
  directory: string;
}

/** /proc/self/mountinfo escapes a space, a tab, a newline and a backslash in octal ("\040"). */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The cgroup2 mount of /proc/self/mountinfo's text: its root in the hierarchy and its mount point. */
export function cgroup2Mount(mountinfo: string): { root: string; point: string } | null {
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    const [root, point] = [fields[3], fields[4]];
    if (separator < 6 || fields[separator + 1] !== 'cgroup2' || !root || !point) continue;
    return { root: unescape(root), point: unescape(point) };
  }
  return null;
}

/** The `user@UID.service` ancestor of the cgroup in /proc/self/cgroup's text, as a directory of the cgroup2 mount. */
export function sessionCgroupOf(cgroups: string, mountinfo: string): SessionCgroup | null {
  const path = /^0::(\/.*)$/m.exec(cgroups)?.[1];
  const mount = cgroup2Mount(mountinfo);
  if (!path || !mount) return null;
  const segments = path.split('/');
  const index = segments.findIndex((segment) => /^user@\d+\.service$/.test(segment));
  const unit = segments[index];
  if (!unit) return null;
  const ancestor = segments.slice(0, index + 1).join('/');
  const root = mount.root === '/' ? '' : mount.root;
  // A mount of a sub-tree (a container's) shows only what lies below its root.
  if (root && !ancestor.startsWith(`${root}/`)) return null;
  return { unit, directory: posix.join(mount.point, ancestor.slice(root.length)) };
}

/** This process's session cgroup, or null where it runs outside one (a system service, no cgroup2). */
export async function findSessionCgroup(proc = '/proc'): Promise<SessionCgroup | null> {
  const read = (name: string) => readFile(join(proc, 'self', name), 'utf8').catch(() => '');
  return sessionCgroupOf(await read('cgroup'), await read('mountinfo'));
}
