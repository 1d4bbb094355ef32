// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// GJS heap dumps (System.dumpHeap, SpiderMonkey's DumpHeap format) counted by
// the kind of each thing on the heap, so two dumps taken around disable/enable
// cycles show what the cycles leave behind. A thing's line is its address, an
// optional mark colour and a label ("GObject_Object 0x55… StLabel", "Function
// onClicked", "string <length 5> hello"); edges ("> 0x… label") and comments
// are skipped.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const THING = /^(?:0x)?[0-9a-f]+ (?:[BGW] )?(.*)$/i;
const ADDRESS = /\b0x[0-9a-f]+\b/gi;

/** The label without what differs between two things of the same kind: addresses, and a string's text. */
export function heapKind(label: string): string {
  if (label.startsWith('string ') || label.startsWith('substring ')) return label.split(' ', 1)[0]!;
  return label.replace(ADDRESS, '').replace(/\s+/g, ' ').trim() || '(unlabelled)';
}

/** Shell JavaScript that writes its heap, after a collection, to `path` (a path inside the shell's session). */
export const dumpHeapScript = (path: string) => `(() => {
  imports.system.gc();
  imports.system.dumpHeap(${JSON.stringify(path)});
})()`;

export async function countHeapKinds(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const thing = THING.exec(line);
    if (!thing) continue;
    const kind = heapKind(thing[1]!);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

export interface HeapGrowth {
  kind: string;
  before: number;
  after: number;
}

/** The kinds with more things after than before, the most grown first. */
export function heapGrowth(before: Map<string, number>, after: Map<string, number>, top = 10): HeapGrowth[] {
  return [...after]
    .map(([kind, count]) => ({ kind, before: before.get(kind) ?? 0, after: count }))
    .filter((growth) => growth.after > growth.before)
    .sort((a, b) => b.after - b.before - (a.after - a.before))
    .slice(0, top);
}

export const heapTotal = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);
