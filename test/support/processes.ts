// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A process's children and whether a process still lives, read from /proc as ps does.
import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of `pid`, with their command names. */
export function childrenOf(pid: number): { pid: number; comm: string }[] {
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/))
    .filter(Boolean)
    .map(Number)
    .map((child) => ({ pid: child, comm: readFileSync(`/proc/${child}/comm`, 'utf8').trim() }));
}

/** Whether `pid` is a process that has not ended (a zombie has ended: only its parent's wait is missing). */
export function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    // gone from /proc: ended and reaped
    return false;
  }
}
