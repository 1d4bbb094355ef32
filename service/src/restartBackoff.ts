// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
/** How a supervised child (journalctl, ip monitor, the engine's worker) is restarted after it ends unasked. */
export interface BackoffOptions {
  /** The wait before the first restart after a failure; it doubles with each further failure in a row. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** The wait before a restart after `failuresInARow` failures: none before the first, then doubling up to the cap. */
export function backoffDelay(failuresInARow: number, options: BackoffOptions): number {
  if (failuresInARow <= 0) return 0;
  return Math.min(options.initialDelayMs * 2 ** (failuresInARow - 1), options.maxDelayMs);
}

/** The one restart-with-back-off policy: counts failures in a row until the child shows that it works again. */
export class RestartBackoff {
  private failuresInARow = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Counts one more failure, and answers how long to wait before the restart. */
  failed(): number {
    this.failuresInARow++;
    return backoffDelay(this.failuresInARow, this.options);
  }

  /** The child works: the next failure waits the first delay again. */
  reset(): void {
    this.failuresInARow = 0;
  }
}
