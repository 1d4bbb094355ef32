// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Keeps findings.db bounded: resolved findings older than the retention period
// go, with their evidence, at start-up and then every hour. A flood of distinct
// problems that come and go therefore levels off instead of growing for ever.
import type { Logger } from '../logging.js';
import { StorageUnavailable } from '../storage/storageHealth.js';
import type { FindingsStore } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const INTERVAL_MS = 60 * 60 * 1000;
/** Findings deleted per step; the main loop is free between steps. */
const STEP = 1000;

export interface FindingsRetentionOptions {
  store: FindingsStore;
  /** How long a resolved finding is kept, read on each pass so a reloaded configuration applies. */
  retentionDays: () => number;
  log: Logger;
  now?: () => number;
}

export class FindingsRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly options: FindingsRetentionOptions) {}

  start(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes what is past the retention period, a step at a time; resolves to how many findings went. */
  prune(): Promise<number> {
    this.running ??= this.pruneSteps().finally(() => (this.running = null));
    return this.running;
  }

  private async pruneSteps(): Promise<number> {
    const { store, log } = this.options;
    const before = new Date((this.options.now ?? Date.now)() - this.options.retentionDays() * DAY_MS);
    let pruned = 0;
    for (;;) {
      let deleted: number;
      try {
        deleted = store.pruneResolved(before, STEP);
      } catch (error) {
        // A full or read-only disk: the next pass tries again; the storage health reports the state.
        if (error instanceof StorageUnavailable) break;
        throw error;
      }
      pruned += deleted;
      if (deleted < STEP) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (pruned > 0)
      log.info('pruned resolved findings past the retention period', { pruned, before: before.toISOString() });
    return pruned;
  }
}
