// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Running processes from /proc, with CPU use measured over a short sample as
// top does, rather than averaged since each process started.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ProcessInfo } from '../machine.js';

/**
 * USER_HZ, the unit of /proc's CPU times. Linux fixes it at 100 on every
 * architecture as part of its user-space ABI (sysconf(_SC_CLK_TCK)), and Node
 * offers no sysconf to ask.
 */
const CLOCK_TICKS_PER_SECOND = 100;

interface CpuTimes {
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** When the process started, in clock ticks after boot: a reused pid has another. */
  startTime: number;
}

/** The process has exited, or is a zombie whose cmdline and status are half gone. */
const vanished = (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ESRCH';

async function readOrNull(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (vanished(error)) return null;
    throw error;
  });
}

/** The name and CPU times from /proc/PID/stat; the name is in parentheses and may hold spaces and parentheses itself. */
function parseStat(text: string): { name: string; times: CpuTimes } {
  const close = text.lastIndexOf(')');
  // Fields after the name, from field 3 (state) on.
  const after = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(after[n - 3]);
  return {
    name: text.slice(text.indexOf('(') + 1, close),
    times: { ticks: field(14) + field(15), startTime: field(22) },
  };
}

async function listPids(procRoot: string): Promise<string[]> {
  return (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
}

async function sampleCpuTimes(procRoot: string): Promise<Map<string, CpuTimes>> {
  const times = new Map<string, CpuTimes>();
  await Promise.all(
    (await listPids(procRoot)).map(async (pid) => {
      const stat = await readOrNull(join(procRoot, pid, 'stat'));
      if (stat !== null) times.set(pid, parseStat(stat).times);
    }),
  );
  return times;
}

/**
 * The time that passed on one CPU, in the clock ticks of /proc's CPU times: /proc/stat's "cpu" line sums every
 * CPU's ticks (idle and stolen ones too), its cpuN lines count the CPUs. Null where /proc/stat cannot be read.
 */
async function readCpuClock(procRoot: string): Promise<number | null> {
  const text = (await readOrNull(join(procRoot, 'stat'))) ?? '';
  // guest and guest_nice (fields 9 and 10) are counted in user and nice already.
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).slice(0, 8).map(Number);
  const cpus = text.match(/^cpu\d+\s/gm)?.length ?? 0;
  if (!fields || cpus === 0 || fields.some((field) => !Number.isFinite(field))) return null;
  return fields.reduce((sum, field) => sum + field, 0) / cpus;
}

/** User names by uid from /etc/passwd. */
async function readUserNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const line of (await readFile('/etc/passwd', 'utf8')).split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined) names.set(uid, name);
  }
  return names;
}

/** The processes, each with its CPU use between two readings that `pause` puts apart (a quarter second). */
export async function readProcesses(
  procRoot = '/proc',
  pause: () => Promise<unknown> = () => sleep(250),
): Promise<ProcessInfo[]> {
  const [users, before, clockBefore] = await Promise.all([
    readUserNames(),
    sampleCpuTimes(procRoot),
    readCpuClock(procRoot),
  ]);
  const startedAt = process.hrtime.bigint();
  await pause();
  const pids = await listPids(procRoot);
  const clockAfter = await readCpuClock(procRoot);
  const elapsedTicks = Math.max(
    clockBefore !== null && clockAfter !== null
      ? clockAfter - clockBefore
      : (Number(process.hrtime.bigint() - startedAt) / 1e9) * CLOCK_TICKS_PER_SECOND,
    1,
  );
  const processes = await Promise.all(
    pids.map(async (pid): Promise<ProcessInfo | null> => {
      const read = (file: string) => readOrNull(join(procRoot, pid, file));
      const [stat, status, cmdline] = await Promise.all([read('stat'), read('status'), read('cmdline')]);
      if (stat === null || status === null || cmdline === null) return null;
      const { name, times } = parseStat(stat);
      const earlier = before.get(pid);
      // A process born during the sample spent all its ticks within it.
      const baseline = earlier?.startTime === times.startTime ? earlier.ticks : 0;
      const uid = /^Uid:\s*(\d+)/m.exec(status)?.[1] ?? '';
      // Kernel threads have no VmRSS, and no command line: ps shows their name in brackets.
      const rssKiB = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      const command = cmdline.replace(/\0+$/, '').replaceAll('\0', ' ');
      return {
        pid: Number(pid),
        name,
        user: users.get(uid) ?? uid,
        cpuPercent: ((times.ticks - baseline) / elapsedTicks) * 100,
        memoryBytes: rssKiB * 1024,
        command: command || `[${name}]`,
      };
    }),
  );
  return processes.filter((info) => info !== null);
}
