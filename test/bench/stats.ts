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

/** CPU seconds a process has used (user and system), from /proc/<pid>/stat in ticks of 1/100 s. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
