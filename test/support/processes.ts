// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A process's children and whether a process still lives, read from /proc as ps does.
import { readdirSync, readFileSync } from 'node:fs';

/** A file of /proc, or undefined once its process or task has ended (it may end between listing and reading). */
function procFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH')
      return undefined;
    throw error;
  }
}

/** The direct children of `pid` that are still there, with their command names. */
export function childrenOf(pid: number): { pid: number; comm: string }[] {
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => (procFile(`/proc/${pid}/task/${task}/children`) ?? '').trim().split(/\s+/))
    .filter(Boolean)
    .map(Number)
    .flatMap((child) => {
      const comm = procFile(`/proc/${child}/comm`);
      return comm === undefined ? [] : [{ pid: child, comm: comm.trim() }];
    });
}

/** The command line of `pid`, its arguments joined by spaces; undefined once it has ended. */
export const commandLineOf = (pid: number): string | undefined =>
  procFile(`/proc/${pid}/cmdline`)?.split('\0').join(' ');

/** Whether `pid` is a process that has not ended (a zombie has ended: only its parent's wait is missing). */
export function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    // gone from /proc: ended and reaped
    return false;
  }
}
