// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the kernel says of a process in /proc/PID/stat: its start time, which
// polkit needs to tell a process from a later one with the same pid, and its
// controlling terminal.
import { readFile } from 'node:fs/promises';

export interface ProcessStat {
  /** Clock ticks after boot, field 22, as polkit's unix-process subject takes it. */
  startTime: bigint;
  /** The controlling terminal's device number (field 7); 0 when the process has none. */
  ttyDevice: number;
}

/** Parses /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so fields count from its last ")". */
export function parseProcessStat(text: string): ProcessStat | null {
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  const [ttyDevice, startTime] = [fields[4], fields[19]];
  if (ttyDevice === undefined || startTime === undefined || !/^\d+$/.test(startTime) || !/^-?\d+$/.test(ttyDevice))
    return null;
  return { startTime: BigInt(startTime), ttyDevice: Number(ttyDevice) };
}

export async function processStat(pid: number): Promise<ProcessStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseProcessStat(text);
}
