// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.lock_holder: which process holds a package manager's lock now (dpkg,
// apt, rpm), from the kernel's table of file locks (/proc/locks), as lslocks
// and fuser read it. Removing a lock file is never a fix: the holder is named
// so that the user can let it finish.
import { readFile, stat } from 'node:fs/promises';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';

/** The package managers' lock files, by the wording of their complaints; the only files this action reads. */
export const PACKAGE_LOCKS: readonly string[] = [
  '/var/lib/dpkg/lock-frontend',
  '/var/lib/dpkg/lock',
  '/var/lib/apt/lists/lock',
  '/var/cache/apt/archives/lock',
  '/var/lib/rpm/.rpm.lock',
  '/usr/lib/sysimage/rpm/.rpm.lock',
];

export interface LockHolder {
  pid: number;
  command: string;
  /** The command line, when readable. */
  commandLine: string;
}

/** The processes holding a lock on `path` now (POSIX, flock or OFD), from `proc`/locks. */
export async function lockHolders(path: string, proc = '/proc'): Promise<LockHolder[]> {
  const file = await stat(path).catch(() => null);
  if (!file) return [];
  const table = await readFile(`${proc}/locks`, 'utf8').catch(() => '');
  const pids = new Set<number>();
  for (const row of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 1234 08:01:131090 0 EOF"; a blocked waiter's row has "->" after the id.
    const columns = row.trim().split(/\s+/);
    if (columns[1] === '->') continue;
    const [pid, device] = [columns[4], columns[5]];
    const inode = device?.split(':')[2];
    if (pid && inode === String(file.ino) && Number(pid) > 0) pids.add(Number(pid));
  }
  return Promise.all(
    [...pids].map(async (pid) => {
      const [command, commandLine] = await Promise.all([
        readFile(`${proc}/${pid}/comm`, 'utf8').catch(() => ''),
        readFile(`${proc}/${pid}/cmdline`, 'utf8').catch(() => ''),
      ]);
      return {
        pid,
        command: cleanLine(command.trim(), 64),
        commandLine: cleanLine(commandLine.split('\0').filter(Boolean).join(' '), 200),
      };
    }),
  );
}

export interface LockHolderOptions {
  proc?: string;
  /** The lock files it may read (tests: files of their own). */
  locks?: readonly string[];
}

export function lockHolderAction({ proc = '/proc', locks = PACKAGE_LOCKS }: LockHolderOptions = {}) {
  const params = z.object({
    path: z.string().refine((path) => locks.includes(path), { message: 'not a package manager lock' }),
  });
  const describe = async (path: string) =>
    (await lockHolders(path, proc)).map(({ pid, command, commandLine }) =>
      format(_('{command} (PID {pid}): {commandLine}'), { command, pid, commandLine: commandLine || '?' }),
    );
  const action: ActionDefinition<z.infer<typeof params>> = {
    name: 'info.lock_holder',
    title: N_('Show which process holds a lock'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // No holder now: the lock is free, and there is nothing to show.
    async preview({ path }) {
      const details = await describe(path);
      return {
        summary: format(_('Show which process holds {path}'), { path }),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run({ path }) {
      const details = await describe(path);
      return {
        summary: [
          details.length === 0
            ? format(_('No process holds {path} now'), { path })
            : format(_('{path} is held by:'), { path }),
          ...details,
        ].join('\n'),
        undo: { impossible: _('showing who holds a lock changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('read who holds {path}'), { path }) };
    },
  };
  return action;
}
