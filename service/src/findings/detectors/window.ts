// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Sliding time windows, for detectors that count occurrences per subject.

/** Occurrences within one second, kept together so that a flood of 100 000 lines stays a few hundred entries. */
interface Bucket {
  second: number;
  count: number;
}

export class SlidingWindow {
  private readonly buckets = new Map<string, Bucket[]>();
  private adds = 0;

  constructor(private readonly windowMs: number) {}

  /** Records `weight` occurrences at `at` and returns how many fall in the window ending then. */
  add(key: string, at: Date, weight = 1): number {
    const now = at.getTime();
    const second = Math.floor(now / 1000);
    const buckets = (this.buckets.get(key) ?? []).filter((b) => b.second * 1000 > now - this.windowMs);
    const last = buckets.at(-1);
    if (last?.second === second) last.count += weight;
    else buckets.push({ second, count: weight });
    this.buckets.set(key, buckets);
    if (++this.adds % 1024 === 0) this.prune(now);
    return buckets.reduce((sum, b) => sum + b.count, 0);
  }

  /** Drops keys with nothing left in the window, so a scan from many addresses does not grow memory forever. */
  private prune(now: number): void {
    for (const [key, buckets] of this.buckets) {
      if (buckets.every((b) => b.second * 1000 <= now - this.windowMs)) this.buckets.delete(key);
    }
  }
}
