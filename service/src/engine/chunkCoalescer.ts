// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Passes streamed text on at most once every `intervalMs` (or sooner once
 * `maxChars` have gathered), so a fast model does not flood the bus with a
 * signal per token. Text that comes after a quiet spell goes out at once: the
 * first words of an answer are never held back.
 */
export class ChunkCoalescer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = -Infinity;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly intervalMs = 30,
    private readonly maxChars = 64,
  ) {}

  push(text: string): void {
    this.pending += text;
    const wait = this.lastEmit + this.intervalMs - Date.now();
    if (wait <= 0 || this.pending.length >= this.maxChars) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Passes on what has gathered now; call it before announcing the end of the text. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastEmit = Date.now();
    this.emit(text);
  }
}
