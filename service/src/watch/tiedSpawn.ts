// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The watchers' long-lived children (journalctl --follow, ip monitor) write only when something happens, so
// after the service is killed outright they would live on until their next line meets a closed pipe.
// util-linux's setpriv asks the kernel to end them with the service (PR_SET_PDEATHSIG) and then execs the
// program, so the child keeps its process id. systemd's cgroup kill covers the unit; this covers the rest.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Spawns `program`, its output piped, so that it ends when the service does; without setpriv, as a plain child.
 * `env` is the child's environment (the service's own when not given).
 */
export function spawnTied(program: string, args: string[], env?: NodeJS.ProcessEnv) {
  setpriv ??= findSetpriv();
  const options = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], ...(env && { env }) };
  return setpriv === null
    ? spawn(program, args, options)
    : spawn(setpriv, ['--pdeathsig', 'TERM', '--', program, ...args], options);
}
