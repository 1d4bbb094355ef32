// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Bursts: a failing disk or GPU writes dozens of lines within seconds. One report per subject per burst keeps
// a finding's count meaningful (each burst once) instead of counting every line of it.

/** Keys bounded so that a flood of distinct subjects cannot grow memory without end. */
const MAX_KEYS = 1024;

export class Bursts {
  private readonly last = new Map<string, number>();

  /**
   * @param quietMs how long a subject must be quiet before its next line starts a new burst
   * @param sliding whether every line extends the burst (true) or only the first line of one starts the quiet time
   */
  constructor(
    private readonly quietMs: number,
    private readonly sliding = true,
  ) {}

  /** Whether a line about `key` at `at` starts a new burst (and so deserves a report). */
  starts(key: string, at: Date): boolean {
    const now = at.getTime();
    const previous = this.last.get(key);
    // The system and user journals are read apart: a line may come a little before one already seen.
    const fresh = previous === undefined || Math.abs(now - previous) >= this.quietMs;
    if (fresh || (this.sliding && now > previous)) {
      if (this.last.size >= MAX_KEYS && !this.last.has(key)) this.last.clear();
      // An old line (a replay) is its own burst, but the current one goes on.
      this.last.set(key, previous === undefined ? now : Math.max(previous, now));
    }
    return fresh;
  }
}
