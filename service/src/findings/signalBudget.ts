// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A flood of distinct findings must not become a flood of D-Bus signals: each one is marshalled on the main
// loop and sent to every client, and a client that updates its list per signal does quadratic work. Up to
// a rate, every change has its own signal; past it, one summary per window tells clients to read the list.

export class SignalBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private sent = 0;
  private over = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    /** How many changes went without a signal of their own. */
    private readonly summary: (count: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether a change may have its own signal now; when not, it is counted into the next summary. */
  take(): boolean {
    // While a summary waits, every change goes into it: no signal of its own overtakes the summary.
    if (this.timer === null) {
      const now = this.now();
      if (now - this.windowStart >= this.windowMs) {
        this.windowStart = now;
        this.sent = 0;
      }
      if (this.sent < this.perWindow) {
        this.sent += 1;
        return true;
      }
      this.timer = setTimeout(() => this.flush(), this.windowStart + this.windowMs - now);
    }
    this.over += 1;
    return false;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    const count = this.over;
    this.over = 0;
    this.windowStart = this.now();
    this.sent = 0;
    this.summary(count);
  }
}
