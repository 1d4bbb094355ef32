// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// dpkg's own state, whoever ran dpkg and wherever its output went (a terminal, a log nobody reads): its status
// file, which dpkg replaces by a rename when it ends or checkpoints, and its journal of changes (updates/), which a
// run that was cut off leaves behind. Both followed with inotify on their directories; a run writes them many
// times, so they are read once it is quiet. An event goes out when what is unfinished changes. A system without
// dpkg has no such directory, and the source stays quiet.
import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../logging.js';
import { readDpkgState } from './dpkgState.js';
import type { EventSource, WatchEvent } from './events.js';

export interface DpkgSourceOptions {
  /** The directory that stands for `/` (tests); '/' on a machine. */
  root: string;
  /** Quiet time after the last write before the state is read. */
  debounceMs?: number;
  /** A run that keeps writing is still read this long after its first write. */
  maxDelayMs?: number;
  log: Logger;
}

export class DpkgSource implements EventSource {
  readonly name = 'packages.dpkg';
  readonly #options: DpkgSourceOptions;
  #emit: ((event: WatchEvent) => void) | null = null;
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #firstChange: number | undefined;
  #reading: Promise<void> = Promise.resolve();
  #last: string | undefined;

  constructor(options: DpkgSourceOptions) {
    this.#options = options;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    const admin = join(this.#options.root, 'var/lib/dpkg');
    // Watched before the first read, so that a run meanwhile is not missed.
    for (const directory of [admin, join(admin, 'updates')]) {
      try {
        const watcher = watch(directory, () => this.#changed());
        watcher.on('error', (error) =>
          this.#options.log.debug('dpkg watch ended', { directory, reason: error.message }),
        );
        this.#watchers.push(watcher);
      } catch (error) {
        this.#options.log.debug('no dpkg database to watch', { directory, reason: (error as Error).message });
      }
    }
    if (this.#watchers.length > 0) await this.#read();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    this.#emit = null;
    await this.#reading;
  }

  #changed(): void {
    const now = Date.now();
    this.#firstChange ??= now;
    clearTimeout(this.#timer);
    const { debounceMs = 500, maxDelayMs = 5_000 } = this.#options;
    const wait = Math.min(debounceMs, Math.max(0, this.#firstChange + maxDelayMs - now));
    this.#timer = setTimeout(() => {
      this.#firstChange = undefined;
      this.#reading = this.#reading.then(() => this.#read());
    }, wait);
  }

  async #read(): Promise<void> {
    const state = await readDpkgState(this.#options.root).catch((error: Error) => {
      this.#options.log.warning('cannot read dpkg’s database', { reason: error.message });
      return null;
    });
    if (!state) return;
    const key = JSON.stringify(state);
    if (key === this.#last) return;
    this.#last = key;
    this.#emit?.({ type: 'dpkg', at: new Date(), state });
  }
}
