// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { stat, statfs } from 'node:fs/promises';

import type { Logger } from '../logging.js';
import type { EventSource, MountUsage, WatchEvent } from './events.js';

export const DEFAULT_MOUNTS = ['/', '/home', '/var'];

export interface DiskSourceOptions {
  /** Mount points to report; those that do not exist are left out, and each filesystem is reported once. */
  mounts?: string[];
  intervalMs?: number;
  /** The interval for a while after poke(). */
  fastIntervalMs?: number;
  /** How long poke() keeps the fast interval. */
  fastForMs?: number;
  log: Logger;
}

/** Free space and inodes of the filesystem holding `mount` (totalInodes is 0 where it has no fixed count, e.g. btrfs). */
export async function readMountUsage(mount: string): Promise<MountUsage> {
  const fs = await statfs(mount);
  return {
    mount,
    totalBytes: fs.blocks * fs.bsize,
    availableBytes: fs.bavail * fs.bsize,
    totalInodes: fs.files,
    freeInodes: fs.ffree,
  };
}

/** The existing paths of `mounts`, keeping the first of those on the same filesystem (same st_dev). */
export async function distinctMounts(mounts: string[]): Promise<string[]> {
  const seen = new Set<number>();
  const kept: string[] = [];
  for (const mount of mounts) {
    const info = await stat(mount).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!info || seen.has(info.dev)) continue;
    seen.add(info.dev);
    kept.push(mount);
  }
  return kept;
}

/** Polls statfs on a few mount points and emits a `disk` event per mount on each poll. */
export class DiskSource implements EventSource {
  readonly name = 'disks';
  private readonly intervalMs: number;
  private readonly fastIntervalMs: number;
  private readonly fastForMs: number;
  private mounts: string[] = [];
  private emit?: (event: WatchEvent) => void;
  private timer?: NodeJS.Timeout;
  private nextPollAt = 0;
  private fastUntil = 0;
  private polling?: Promise<void>;
  /** Mounts whose last statfs failed, so a lasting failure is logged once. */
  private readonly failing = new Set<string>();

  constructor(private readonly options: DiskSourceOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.fastIntervalMs = options.fastIntervalMs ?? 5_000;
    this.fastForMs = options.fastForMs ?? 60_000;
  }

  /** The mounts being polled, once started. */
  get watchedMounts(): readonly string[] {
    return this.mounts;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.mounts = await distinctMounts(this.options.mounts ?? DEFAULT_MOUNTS);
    this.emit = emit;
    this.options.log.info('watching disk space', { mounts: this.mounts });
    await this.runPoll();
  }

  async stop(): Promise<void> {
    this.emit = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** Polls at the fast interval for a while: something is writing files. */
  poke(): void {
    this.fastUntil = Date.now() + this.fastForMs;
    // A poll in progress schedules the next one itself; otherwise bring the pending one forward.
    if (this.timer && this.nextPollAt > Date.now() + this.fastIntervalMs) this.schedule(this.fastIntervalMs);
  }

  private runPoll(): Promise<void> {
    this.timer = undefined;
    this.polling = this.poll().finally(() => {
      this.polling = undefined;
      if (this.emit) this.schedule(Date.now() < this.fastUntil ? this.fastIntervalMs : this.intervalMs);
    });
    return this.polling;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextPollAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.runPoll(), delayMs);
  }

  private async poll(): Promise<void> {
    for (const mount of this.mounts) {
      const usage = await readMountUsage(mount).catch((error: Error) => {
        if (!this.failing.has(mount))
          this.options.log.warning('cannot read disk space', { mount, reason: error.message });
        this.failing.add(mount);
        return undefined;
      });
      if (!usage) continue;
      this.failing.delete(mount);
      this.emit?.({ type: 'disk', at: new Date(), usage });
    }
  }
}
