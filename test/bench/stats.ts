// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFile } from 'node:fs/promises';

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (VmRSS is in kB). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RSS once it has stopped moving: a process that just started or just freed
 * memory keeps changing for a while (lazy loading, GC, the allocator returning pages).
 * Returns the last sample after `stableMs` within 1 %, or after `timeoutMs`.
 */
export async function settledRss(pid: number, stableMs = 2000, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let reference = await rssOf(pid);
  let since = Date.now();
  for (;;) {
    await sleep(250);
    const now = await rssOf(pid);
    if (Math.abs(now - reference) > reference * 0.01) {
      reference = now;
      since = Date.now();
    } else if (Date.now() - since >= stableMs || Date.now() > deadline) {
      return now;
    }
    if (Date.now() > deadline) return now;
  }
}

export const mb = (bytes: number) => bytes / (1024 * 1024);

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
export const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The nearest-rank percentile `p` (0–100) of `values`; NaN for none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A bench's result table: a label, its value, and the target with its verdict where there is one. */
export type TableRow = [label: string, value: string | number, target?: string];

export function printTable(title: string, rows: TableRow[]): void {
  process.stdout.write(`\n${title}\n\n`);
  for (const [label, value, target] of rows) {
    process.stdout.write(`${label.padEnd(52)}${String(value).padStart(16)}  ${target ?? ''}\n`);
  }
}

// /proc/PID/stat counts CPU time in ticks of 1/USER_HZ = 10 ms: over a short
// window one tick more or less reads as seconds per hour.
const TICK_SECONDS = 0.01;

/** CPU seconds (user + system) process `pid` has used so far. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_SECONDS; // utime + stime
}

export interface IdleSample {
  seconds: number;
  cpuSeconds: number;
  cpuSecondsPerHour: number;
  /** What one tick more or less reads as, in CPU seconds per hour, over this window. */
  resolutionSecondsPerHour: number;
  /** The settled RSS at the start, then one sample a minute. */
  rssBytesEachMinute: number[];
}

/**
 * The idle cost of process `pid`: after `warmupSeconds` (work that start-up or the last events
 * leave behind), the CPU it uses over `seconds` and its RSS each minute.
 */
export async function sampleIdle(pid: number, seconds: number, warmupSeconds: number): Promise<IdleSample> {
  await sleep(warmupSeconds * 1000);
  const rss: number[] = [await settledRss(pid)];
  const cpuStart = await cpuSecondsOf(pid);
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await sleep(Math.min(60_000, seconds * 1000));
    rss.push(await rssOf(pid));
  }
  const cpu = (await cpuSecondsOf(pid)) - cpuStart;
  const elapsed = (performance.now() - started) / 1000;
  return {
    seconds: elapsed,
    cpuSeconds: cpu,
    cpuSecondsPerHour: (cpu / elapsed) * 3600,
    resolutionSecondsPerHour: (TICK_SECONDS / elapsed) * 3600,
    rssBytesEachMinute: rss,
  };
}
