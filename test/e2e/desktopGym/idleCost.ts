// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the idle service costs with every desktop watcher on: the CPU time its whole process tree spends (the
// service and the children it follows: journalctl, ip monitor, pw-dump) over a quiet while, and its memory. Read from
// /proc (proc(5)): utime and stime of each process, and cutime and cstime for the children it reaped meanwhile.
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's times (sysconf(_SC_CLK_TCK), 100 on Linux). */
const TICKS = 100;

interface Process {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, and cutime + cstime, in ticks. */
  own: number;
  reaped: number;
  rssKb: number;
}

async function processOf(pid: number): Promise<Process | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // The fields after the name, from the state on: ppid is the 2nd, utime to cstime the 12th to 15th.
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return {
      pid,
      ppid: fields[1] ?? 0,
      comm,
      own: (fields[11] ?? 0) + (fields[12] ?? 0),
      reaped: (fields[13] ?? 0) + (fields[14] ?? 0),
      rssKb: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
    };
  } catch {
    // It ended between the listing and the read.
    return null;
  }
}

/** `root` and every process below it. */
async function tree(root: number): Promise<Process[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const all = (await Promise.all(pids.map(processOf))).filter((process) => process !== null);
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const process of all) {
      if (!inTree.has(process.pid) && inTree.has(process.ppid)) {
        inTree.add(process.pid);
        grew = true;
      }
    }
  }
  return all.filter((process) => inTree.has(process.pid));
}

/** The tree's CPU ticks so far: each live process's own, and what the service reaped of ended ones. */
const ticksOf = (processes: Process[], root: number) =>
  processes.reduce((sum, process) => sum + process.own + (process.pid === root ? process.reaped : 0), 0);

export interface IdleCost {
  seconds: number;
  cpuSeconds: number;
  cpuSecondsPerHour: number;
  /** The service's own resident memory at the end, and its whole tree's. */
  serviceRssMb: number;
  treeRssMb: number;
  /** The processes at the end, with the CPU seconds each spent over the while (a process new since has all its own). */
  processes: { comm: string; cpuSeconds: number; rssMb: number }[];
  /** Where the service's resident memory lies at the end: anonymous (heaps) or mapped files, and the largest. */
  serviceMemory: ResidentMemory;
}

export interface ResidentMemory {
  anonymousMb: number;
  fileMb: number;
  /** The mapped files (or `[heap]`, `[anon]`) holding the most, largest first. */
  largest: { mapping: string; rssMb: number }[];
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/** Sums /proc/PID/smaps (proc(5)) by what each mapping maps. */
export async function residentMemory(pid: number): Promise<ResidentMemory> {
  const byMapping = new Map<string, number>();
  let anonymousKb = 0;
  let mapping = '[anon]';
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) mapping = header[1] || '[anon]';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) byMapping.set(mapping, (byMapping.get(mapping) ?? 0) + Number(rss[1]));
    const anonymous = /^Anonymous:\s+(\d+) kB/.exec(line);
    if (anonymous) anonymousKb += Number(anonymous[1]);
  }
  const totalKb = [...byMapping.values()].reduce((sum, kb) => sum + kb, 0);
  return {
    anonymousMb: mb(anonymousKb),
    fileMb: mb(totalKb - anonymousKb),
    largest: [...byMapping]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, kb]) => ({ mapping: name, rssMb: mb(kb) })),
  };
}

/** Measures `pid`'s tree over `seconds` of quiet. */
export async function idleCost(pid: number, seconds: number): Promise<IdleCost> {
  const before = await tree(pid);
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await tree(pid);
  const elapsed = (Date.now() - startedAt) / 1000;
  const cpuSeconds = (ticksOf(after, pid) - ticksOf(before, pid)) / TICKS;
  return {
    seconds: Math.round(elapsed),
    cpuSeconds,
    cpuSecondsPerHour: Math.round((cpuSeconds * 3600 * 10) / elapsed) / 10,
    serviceRssMb: mb(after.find((process) => process.pid === pid)?.rssKb ?? 0),
    treeRssMb: mb(after.reduce((sum, process) => sum + process.rssKb, 0)),
    processes: after.map((process) => ({
      comm: process.comm,
      cpuSeconds: (process.own - (before.find((earlier) => earlier.pid === process.pid)?.own ?? 0)) / TICKS,
      rssMb: mb(process.rssKb),
    })),
    serviceMemory: await residentMemory(pid),
  };
}
