// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's documentation index: built in the background soon after
// start-up, at a share of one core, and brought up to date whenever the
// documentation folders or the package database change (inotify tells).
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../logging.js';
import type { DocHit, DocSection, DocsStore } from './docsStore.js';
import { type FolderWatch, watchFolders } from './folderWatch.js';
import { type DocsSources, type IndexProgress, sourceFolders, sourcesSignature, updateIndex } from './indexer.js';
import { readPackageOwners } from './packageOwners.js';
import { recordRunningSystem, type RunningSystem } from './runningSystem.js';
import { readTaskExamples } from './taskExamples.js';

export type DocsState = 'waiting' | 'indexing' | 'ready' | 'failed';

export interface DocsStatus {
  state: DocsState;
  /** Files read so far in the update under way, and how many it reads in all (0 when none is). */
  done: number;
  total: number;
  files: number;
  passages: number;
  bytes: number;
  /** When the index was last brought up to date; null before the first time. */
  updatedAt: Date | null;
}

export interface DocsIndexOptions {
  store: DocsStore;
  sources: DocsSources;
  log: Logger;
  /** How long after start-up the first update begins: start-up has other work. */
  startDelayMs?: number;
  /** The quiet after the folders' last change before the index looks at them: an upgrade writes many. */
  settleMs?: number;
  /** How often the folders are looked at where inotify cannot watch them all. */
  checkIntervalMs?: number;
  /** Of each slice of work, the share spent working; the rest the index sleeps. */
  dutyCycle?: number;
  onStatus?(status: DocsStatus): void;
  /** The units systemd has loaded ("NetworkManager.service"): their packages' pages are preferred. */
  loadedUnits?(): Promise<string[]>;
}

const SIGNATURE_KEY = 'sources-signature';
/** What ends learning the word vectors when the index is stopped. */
const STOPPED = new Error('the documentation index was stopped');
/** When the index was last brought up to date: absent while the first update is under way. */
export const UPDATED_KEY = 'updated-at';
/** Work this long before taking a breath. */
const SLICE_MS = 20;
const MAX_BREATH_MS = 200;

export class DocsIndex {
  private state: DocsState = 'waiting';
  private progress: IndexProgress = { done: 0, total: 0 };
  private timer: NodeJS.Timeout | null = null;
  private folders: FolderWatch | null = null;
  private watchRefused = false;
  private running: Promise<void> | null = null;
  private stopping = false;
  private sliceStart = performance.now();
  /** Counted after each update: a status query must not count a quarter of a million rows. */
  private counts: ReturnType<DocsStore['counts']>;

  constructor(private readonly options: DocsIndexOptions) {
    if (options.store.meta(UPDATED_KEY)) this.state = 'ready';
    this.counts = options.store.counts();
  }

  /** Starts the first update after the start delay, then updates again when the folders change. */
  start(): void {
    this.refreshIn(this.options.startDelayMs ?? 60_000);
  }

  /** Refreshes in `delayMs` (again from now if one was due), then watches the folders for the next change. */
  private refreshIn(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A change during an update under way is looked at after it: that update may have read the folder before.
      void (this.running ?? Promise.resolve()).then(() => this.refresh()).finally(() => this.watchFolders());
    }, delayMs);
    this.timer.unref();
  }

  private async watchFolders(): Promise<void> {
    this.folders?.close();
    this.folders = null;
    const folders = await sourceFolders(this.options.sources);
    if (this.stopping) return;
    try {
      this.folders = watchFolders(folders, () => this.refreshIn(this.options.settleMs ?? 30_000));
    } catch (error) {
      const checkMs = this.options.checkIntervalMs ?? 10 * 60_000;
      if (!this.watchRefused) {
        this.options.log.info('the documentation folders are not watched: looked at instead at an interval', {
          folders: folders.length,
          minutes: checkMs / 60_000,
          reason: (error as Error).message,
        });
      }
      this.watchRefused = true;
      this.refreshIn(checkMs);
    }
  }

  /** Whether inotify watches the folders now (false before the first update, and where it cannot). */
  get watching(): boolean {
    return this.folders !== null;
  }

  /** Updates the index if the documentation changed since the last update (or was never indexed). */
  refresh(force = false): Promise<void> {
    this.running ??= this.update(force).finally(() => (this.running = null));
    return this.running;
  }

  /** Ends the update under way at the next file (what was written stays) and closes the index. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.folders?.close();
    await this.running;
    this.options.store.close();
  }

  /** The bundled task examples, again when another snapshot is installed; the search goes on without them when missing. */
  private async loadTaskExamples(): Promise<void> {
    const { store, sources, log } = this.options;
    if (!sources.taskExamples) return;
    const examples = await readTaskExamples(sources.taskExamples).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') log.warning('cannot read the task examples', { reason: error.message });
      return null;
    });
    if (examples && examples.version !== store.taskExamplesVersion()) store.replaceTaskExamples(examples);
  }

  status(): DocsStatus {
    const updated = this.options.store.meta(UPDATED_KEY);
    return {
      state: this.state,
      ...this.progress,
      ...this.counts,
      updatedAt: updated ? new Date(updated) : null,
    };
  }

  search(query: string, limit: number): DocHit[] {
    return this.options.store.search(query, limit, this.preferredLanguages());
  }

  read(ref: string): DocSection | null {
    return this.options.store.read(ref, this.preferredLanguages());
  }

  contents(title: string): string[] {
    return this.options.store.contents(title);
  }

  private preferredLanguages(): string[] {
    return [...this.options.sources.languages, ''];
  }

  private async update(force: boolean): Promise<void> {
    const { store, sources, log } = this.options;
    const signature = await sourcesSignature(sources);
    if (!force && signature === store.meta(SIGNATURE_KEY) && store.meta(UPDATED_KEY) && store.hasMeaning()) return;
    const started = performance.now();
    // The first slice starts now, not when the index was made: its breath is a share of the work it did.
    this.sliceStart = started;
    this.setState('indexing');
    try {
      const owners = await readPackageOwners(sources.packageDatabases);
      const result = await updateIndex(store, sources, {
        owners,
        onProgress: (progress) => {
          this.progress = progress;
          // Often enough for a progress display, not on every file.
          if (progress.done % 250 === 0) this.options.onStatus?.(this.status());
        },
        pause: () => this.breathe(),
        stopped: () => this.stopping,
      });
      if (this.stopping) return;
      // The words' meaning is learned from all the pages: again only when pages came or went.
      if (result.read > 0 || result.removed > 0 || !store.hasMeaning()) {
        const learning = performance.now();
        // Seconds of work: a stop ends it at the next slice, and the vectors, now of other pages, are forgotten
        // so that the next update learns them again.
        const learned = await store
          .learnMeaning(() => (this.stopping ? Promise.reject(STOPPED) : this.breathe()))
          .then(
            () => true,
            (error: unknown) => {
              if (error !== STOPPED) throw error;
              store.forgetMeaning();
              return false;
            },
          );
        if (!learned) return;
        log.info('word vectors learned from the documentation', {
          seconds: Math.round((performance.now() - learning) / 1000),
        });
      }
      await this.loadTaskExamples();
      store.setRunningSystem(await this.recordRunningSystem(owners));
      this.counts = store.counts();
      store.setMeta(SIGNATURE_KEY, signature);
      store.setMeta(UPDATED_KEY, new Date().toISOString());
      this.progress = { done: 0, total: 0 };
      log.info('documentation index updated', { ...result, seconds: Math.round((performance.now() - started) / 1000) });
      this.setState('ready');
    } catch (error) {
      log.warning('cannot index the documentation', { reason: (error as Error).message });
      this.progress = { done: 0, total: 0 };
      this.setState('failed');
    }
  }

  private async recordRunningSystem(owners: ReadonlyMap<string, string>): Promise<RunningSystem> {
    const { sources, log, loadedUnits } = this.options;
    const units = await (loadedUnits?.() ?? Promise.resolve([])).catch((error: Error) => {
      log.debug('the loaded units could not be listed for the documentation index', { reason: error.message });
      return [];
    });
    return recordRunningSystem({
      owners,
      commandDirs: sources.commandDirs ?? [],
      units,
      ...(sources.unitDirs && { unitDirs: sources.unitDirs }),
    });
  }

  /** Yields to the main loop after every file, and sleeps after each slice so the index takes a share of a core. */
  private async breathe(): Promise<void> {
    const worked = performance.now() - this.sliceStart;
    const duty = this.options.dutyCycle ?? 0.5;
    if (worked >= SLICE_MS) {
      // Bounded, so that a slice the machine stretched (or a stop) never waits long.
      if (duty < 1) await sleep(Math.min((worked * (1 - duty)) / duty, MAX_BREATH_MS));
      else await new Promise((resolve) => setImmediate(resolve));
      this.sliceStart = performance.now();
    } else await new Promise((resolve) => setImmediate(resolve));
  }

  private setState(state: DocsState): void {
    this.state = state;
    this.options.onStatus?.(this.status());
  }
}
