// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs every event through the detectors and stores what they report, in
// batches: one transaction per batch holds the findings and the positions of
// the sources that produced the events, so a crash repeats or loses nothing.
// While the state disk is full or read-only, what the detectors reported waits
// in a bounded queue (the detectors count repeats, so they are not run twice)
// and is stored, in order, when the disk takes writes again.
import type { Logger } from '../logging.js';
import { StorageUnavailable } from '../storage/storageHealth.js';
import type { JournalEntry, WatchEvent } from '../watch/events.js';
import { attributionOf } from './attribution.js';
import { isKernel, isServiceManager } from './detectors/journal.js';
import type { FindingChange, FindingsStore } from './store.js';
import type { Detector, DetectorOutput, FindingReport } from './types.js';

/** Detector outputs kept while the disk cannot take them: a flood while it is full must not fill memory too. */
const MAX_UNWRITTEN = 10_000;
/** Events per batch: a batch holds the main loop, so D-Bus calls wait at most one batch under a flood. */
const MAX_BATCH = 500;
/** Full batches that may wait for their turn; a source faster than that waits for the detectors instead. */
const MAX_BACKLOG_BATCHES = 20;

export interface FindingsPipelineOptions {
  store: FindingsStore;
  detectors: Detector[];
  /** The changes of one batch, at most one per finding. */
  onChanges(changes: FindingChange[]): void;
  log: Logger;
  batchMs?: number;
  maxBatch?: number;
  maxUnwritten?: number;
}

interface PendingEvent {
  source: string;
  event: WatchEvent;
  /** Where the source resumes after this event (a journal cursor), if it resumes at all. */
  position?: string;
}

export class FindingsPipeline {
  private pending: PendingEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** Detected but not stored yet, oldest first. */
  private unwritten: DetectorOutput[] = [];
  /** Where each source resumes once `unwritten` is stored. */
  private positions = new Map<string, string>();
  /** Sources whose outputs were dropped from a full queue: their stored position stays before the loss. */
  private readonly dropped = new Set<string>();
  /** True while a write failed for the disk and the storage health retries it. */
  private blocked = false;
  private readonly retryWrite = () => this.write();

  private readonly first: Detector[];
  private readonly last: Detector[];
  /** Detectors that hold a line for the ones that may follow it, and the timer that ends their wait. */
  private readonly holders: Detector[];
  private expiry: NodeJS.Timeout | null = null;
  /** The source of each event, for a held one reported after its batch. */
  private readonly sources = new WeakMap<WatchEvent, string>();

  constructor(private readonly options: FindingsPipelineOptions) {
    this.first = options.detectors.filter((d) => !d.runsLast);
    this.last = options.detectors.filter((d) => d.runsLast);
    this.holders = options.detectors.filter((d) => d.expire);
  }

  accept(source: string, event: WatchEvent, position?: string): void {
    this.pending.push({ source, event, position });
    const maxBatch = this.options.maxBatch ?? MAX_BATCH;
    // A source that outruns the detectors is held to them: past a bounded backlog a batch runs at once.
    if (this.pending.length >= maxBatch * MAX_BACKLOG_BATCHES) this.runBatch();
    else if (this.pending.length >= maxBatch) this.batchSoon();
    else this.timer ??= setTimeout(() => this.runBatch(), this.options.batchMs ?? 50);
  }

  /** Runs everything pending now, and reports what detectors held (shutdown, tests). */
  flush(): void {
    while (this.pending.length > 0) this.runBatch();
    this.expire(Number.POSITIVE_INFINITY);
  }

  /** A full batch runs on the next turn of the event loop, so D-Bus calls and timers are served between batches. */
  private batchSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = null;
      this.runBatch();
    });
  }

  /** Detects and stores one batch; what is left waits for the next turn. */
  private runBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.splice(0, this.options.maxBatch ?? MAX_BATCH);
    if (this.pending.length > 0) this.batchSoon();
    if (batch.length === 0) return;
    for (const { source, event, position } of batch) {
      if (this.holders.length > 0) this.sources.set(event, source);
      for (const output of this.detect(event)) this.place(source, event, output);
      if (position !== undefined && !this.dropped.has(source)) this.positions.set(source, position);
    }
    // While earlier outputs wait for the disk, the retries store these with them.
    if (!this.blocked) this.write();
    this.expireLater();
  }

  private place(source: string, event: WatchEvent, output: DetectorOutput): void {
    if ('report' in output && event.type === 'journal') stampJournal(output.report, source, event.entry);
    if ('report' in output) output.report.attribution ??= attributionOf(event);
    this.queue(source, output);
  }

  /** Sets the timer for the earliest held line's deadline. */
  private expireLater(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const due = Math.min(...this.holders.map((detector) => detector.heldUntil?.() ?? Number.POSITIVE_INFINITY));
    if (due === Number.POSITIVE_INFINITY) return;
    // A held line is no reason to keep a process alive that is otherwise done (tests, shutdown flushes it).
    this.expiry = setTimeout(() => this.expire(Date.now()), Math.max(0, due - Date.now())).unref();
  }

  /** Queues what the detectors held past `now`, as if each came with the event it was held for. */
  private expire(now: number): void {
    for (const detector of this.holders) {
      for (const { event, output } of detector.expire?.(now) ?? []) {
        this.place(this.sources.get(event) ?? '', event, output);
      }
    }
    if (!this.blocked) this.write();
    this.expireLater();
  }

  /** Stores where `source` resumes, with what waits for the disk if anything does. */
  keepPosition(source: string, position: string): void {
    this.positions.set(source, position);
    if (!this.blocked) this.write();
  }

  private queue(source: string, output: DetectorOutput): void {
    if (this.unwritten.length < (this.options.maxUnwritten ?? MAX_UNWRITTEN)) {
      this.unwritten.push(output);
      return;
    }
    if (!this.dropped.has(source)) {
      this.options.log.warning('too many findings wait for the disk; newer ones are dropped', { source });
      this.dropped.add(source);
    }
  }

  /** Stores what waits in one transaction; false when the disk cannot take it yet (it stays queued). */
  private write(): boolean {
    const { store } = this.options;
    if (this.unwritten.length === 0 && this.positions.size === 0) return true;
    let changes: FindingChange[];
    try {
      changes = store.transaction(() => {
        const changed = new Map<number, FindingChange>();
        for (const output of this.unwritten) {
          const change = 'report' in output ? store.report(output.report) : store.resolve(output.resolve);
          if (change) changed.set(change.finding.id, merge(changed.get(change.finding.id), change));
        }
        for (const [source, position] of this.positions) store.setPosition(source, position);
        return [...changed.values()];
      });
    } catch (error) {
      if (error instanceof StorageUnavailable) {
        if (!this.blocked) this.options.log.warning('findings wait for the disk', { waiting: this.unwritten.length });
        this.blocked = true;
        this.options.store.whenWritable(this.retryWrite);
        return false;
      }
      // Not the disk's doing: retrying would fail the same way, so the batch goes, as it always did.
      this.clearQueue();
      throw error;
    }
    this.clearQueue();
    if (changes.length > 0) this.options.onChanges(changes);
    return true;
  }

  private clearQueue(): void {
    this.unwritten = [];
    this.positions = new Map();
    this.dropped.clear();
    this.blocked = false;
  }

  private detect(event: WatchEvent) {
    const outputs: DetectorOutput[] = [];
    this.run(this.first, event, outputs);
    const claimed = outputs.length > 0 || this.first.some((detector) => detector.claims?.(event) === true);
    this.run(this.last, event, outputs, claimed);
    return outputs;
  }

  /** Adds what `detectors` make of `event` to `outputs`: a loop, as this runs for every entry of the journal. */
  private run(detectors: Detector[], event: WatchEvent, outputs: DetectorOutput[], claimed?: boolean): void {
    for (const detector of detectors) {
      try {
        for (const output of detector.detect(event, claimed)) outputs.push(output);
      } catch (error) {
        // A bug in one detector must not blind the others.
        this.options.log.error('a detector failed', { kinds: detector.kinds.join(','), error: String(error) });
      }
    }
  }
}

/**
 * Journal evidence records which journal it is in ('system', 'user' or the extra directory), from the source
 * that read it (watchers.ts names them journal.system, journal.user and journal:<directory>), so a fix can show
 * the lines from the same journal; and the unit the line is from (or about), so that findings of one problem are
 * known as one (fixes/oneProblem.ts).
 */
function stampJournal(report: FindingReport, source: string, entry: JournalEntry): void {
  const journal = source.startsWith('journal:') ? source.slice('journal:'.length) : source.replace(/^journal\./, '');
  const unit = lineUnit(entry);
  // A manager's or the kernel's line is about another unit; only a unit's own process is a writer of that unit.
  const writer = isServiceManager(entry) || isKernel(entry) ? undefined : entry.fields._COMM;
  for (const evidence of report.evidence) {
    if (evidence.kind !== 'journal' || !evidence.cursor) continue;
    evidence.journal ??= journal;
    if (evidence.cursor !== entry.cursor || unit === undefined || HOLDS_MANY.test(unit)) continue;
    evidence.unit ??= unit;
    if (writer !== undefined && evidence.unit === unit) evidence.writer ??= writer;
  }
}

/**
 * The unit a line is about, by journald's trusted fields alone: the one a service manager names (UNIT=, which only
 * its own line is believed for), else the writer's own. Any program may set UNIT= on its own lines.
 */
function lineUnit(entry: JournalEntry): string | undefined {
  const { UNIT, USER_UNIT, _SYSTEMD_UNIT, _SYSTEMD_USER_UNIT } = entry.fields;
  return isServiceManager(entry) ? (UNIT ?? USER_UNIT) : (_SYSTEMD_USER_UNIT ?? _SYSTEMD_UNIT);
}

/** Units that hold many programs (a session's, an app's scope, a slice, a user's manager): sharing one ties nothing. */
const HOLDS_MANY = /\.(?:scope|slice)$|^user@\d+\.service$/;

/** Within one batch a finding that was added and then updated is still news: keep "added". */
function merge(previous: FindingChange | undefined, next: FindingChange): FindingChange {
  if (previous?.change === 'added' && next.change === 'updated') return { ...next, change: 'added' };
  // Two updates in one batch: a title changed by the first is changed still.
  if (previous?.retitled && next.change === 'updated') return { ...next, retitled: true };
  return next;
}
