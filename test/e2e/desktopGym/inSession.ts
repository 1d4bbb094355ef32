// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Programs run inside the gym's session as its own run: in its mount and PID namespaces and its root filesystem
// (those of gnome-shell, entered with nsenter), in a cgroup of the session as systemd would have put them (see
// journal.sh), so that journald records their lines with the trusted fields a desktop's journal has.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

import { sessionOwnerOf } from '../harness/activation.js';
import { TEST_USER } from '../harness/rootfs.js';
import { SYSTEM_PATH } from '../harness/run.js';
import type { ShellSession } from '../harness/session.js';

export interface SessionCommand {
  /** The session's user, or root. */
  as: 'user' | 'root';
  /**
   * The unit whose cgroup it runs in: for the user, a scope of its manager's app.slice (where GNOME puts an app
   * it starts); for root, a service of system.slice.
   */
  unit: string;
  argv: string[];
}

/** Where systemd would run `command`, from gnome-shell's own cgroup (…/user@UID.service/session.slice/…). */
async function cgroupOf(shellPid: number, command: SessionCommand): Promise<string> {
  const own = /^0::(\/.*)$/m.exec(await readFile(`/proc/${shellPid}/cgroup`, 'utf8'))?.[1] ?? '';
  const manager = /^(.*\/user@\d+\.service)\//.exec(own)?.[1];
  const root = /^(.*)\/user\.slice\//.exec(own)?.[1];
  if (manager === undefined || root === undefined) throw new Error(`gnome-shell runs in ${own}, no user manager`);
  return command.as === 'user' ? `${manager}/app.slice/${command.unit}` : `${root}/system.slice/${command.unit}`;
}

/** Starts `command` in the session, its standard streams piped to this process. */
export async function spawnInSession(
  session: ShellSession,
  command: SessionCommand,
): Promise<ChildProcessWithoutNullStreams> {
  const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
  const cgroup = `/sys/fs/cgroup${await cgroupOf(shell.pid, command)}`;
  const asUser = command.as === 'user';
  const become = asUser ? ['setpriv', `--reuid=${TEST_USER.uid}`, `--regid=${TEST_USER.uid}`, '--init-groups'] : [];
  const [name, home] = asUser ? [TEST_USER.name, TEST_USER.home] : ['root', '/root'];
  return spawn(
    'nsenter',
    [
      // --wd alone: the shell's own working folder, inside its root. "--wd=/" is opened before nsenter enters the
      // root, so it would be the host's "/", where getcwd(3) fails.
      ...[`--target=${shell.pid}`, '--mount', '--pid', '--root', '--wd', '--'],
      ...['/bin/sh', '-c', 'mkdir -p "$0" && echo $$ >"$0/cgroup.procs" && exec "$@"', cgroup],
      ...become,
      ...['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `HOME=${home}`, `USER=${name}`, `LOGNAME=${name}`],
      ...command.argv,
    ],
    { env: { PATH: SYSTEM_PATH }, stdio: 'pipe' },
  );
}

/** The processes `pid` started (proc(5): /proc/PID/task/PID/children). */
export async function childrenOf(pid: number | undefined): Promise<number[]> {
  if (pid === undefined) return [];
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return children.split(' ').filter(Boolean).map(Number);
}
