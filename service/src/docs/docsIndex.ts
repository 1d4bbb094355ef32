// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's documentation index: built in the background soon after
// start-up, at a share of one core, and brought up to date whenever the
// documentation folders or the package database change (inotify tells). Each
// update (docsUpdate.ts) runs where the updater says: for the service, in a
// child process (indexerChild.ts).
import type { Logger } from '../logging.js';
import type { DocHit, DocSection, DocsStore } from './docsStore.js';
import { SIGNATURE_KEY, UPDATED_KEY, updateDocs, type Updater } from './docsUpdate.js';
import { type FolderWatch, watchFolders } from './folderWatch.js';
import { type DocsSources, type IndexProgress, sourceFolders, sourcesSignature } from './indexer.js';

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
  /** Where an update runs: in this process, on `store`, when absent. */
  updater?: Updater;
}

/** Files read between two reports of progress to onStatus. */
const REPORT_FILES = 250;

export class DocsIndex {
  private state: DocsState = 'waiting';
  private progress: IndexProgress = { done: 0, total: 0 };
  private timer: NodeJS.Timeout | null = null;
  private folders: FolderWatch | null = null;
  private watchRefused = false;
  private running: Promise<void> | null = null;
  private readonly stopped = new AbortController();
  private readonly updater: Updater;
  /** Counted after each update: a status query must not count a quarter of a million rows. */
  private counts: ReturnType<DocsStore['counts']>;

  constructor(private readonly options: DocsIndexOptions) {
    if (options.store.meta(UPDATED_KEY)) this.state = 'ready';
    this.counts = options.store.counts();
    this.updater = options.updater ?? ((request, hooks) => updateDocs(options.store, request, hooks));
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
    if (this.stopped.signal.aborted) return;
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
    this.stopped.abort();
    if (this.timer) clearTimeout(this.timer);
    this.folders?.close();
    await this.running;
    this.options.store.close();
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
    let reported = 0;
    this.setState('indexing');
    try {
      const outcome = await this.updater(
        { sources, signature, units: await this.loadedUnits(), dutyCycle: this.options.dutyCycle ?? 0.5 },
        {
          onProgress: (progress) => {
            this.progress = progress;
            // Often enough for a progress display, not on every file.
            if (progress.done >= reported + REPORT_FILES) {
              reported = progress.done;
              this.options.onStatus?.(this.status());
            }
          },
          log,
          signal: this.stopped.signal,
        },
      );
      if (outcome.status === 'stopped') return;
      // Another process may have written the index: what this one read of it before is out of date.
      store.forgetCached();
      this.counts = store.counts();
      this.progress = { done: 0, total: 0 };
      if (outcome.learnedSeconds !== null) {
        log.info('word vectors learned from the documentation', { seconds: outcome.learnedSeconds });
      }
      log.info('documentation index updated', {
        ...outcome.update,
        seconds: Math.round((performance.now() - started) / 1000),
      });
      this.setState('ready');
    } catch (error) {
      log.warning('cannot index the documentation', { reason: (error as Error).message });
      this.progress = { done: 0, total: 0 };
      this.setState('failed');
    }
  }

  private loadedUnits(): Promise<string[]> {
    const { loadedUnits, log } = this.options;
    return (loadedUnits?.() ?? Promise.resolve([])).catch((error: Error) => {
      log.debug('the loaded units could not be listed for the documentation index', { reason: error.message });
      return [];
    });
  }

  private setState(state: DocsState): void {
    this.state = state;
    this.options.onStatus?.(this.status());
  }
}
