// Runs every event through the detectors and stores what they report, in
// batches: one transaction per batch holds the findings and the positions of
// the sources that produced the events, so a crash repeats or loses nothing.
import type { Logger } from '../logging.js';
import { attributionOf } from './attribution.js';
import type { WatchEvent } from '../watch/events.js';
import type { FindingChange, FindingsStore } from './store.js';
import type { Detector, FindingReport } from './types.js';

export interface FindingsPipelineOptions {
  store: FindingsStore;
  detectors: Detector[];
  /** The changes of one batch, at most one per finding. */
  onChanges(changes: FindingChange[]): void;
  log: Logger;
  batchMs?: number;
  maxBatch?: number;
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

  private readonly first: Detector[];
  private readonly last: Detector[];

  constructor(private readonly options: FindingsPipelineOptions) {
    this.first = options.detectors.filter((d) => !d.runsLast);
    this.last = options.detectors.filter((d) => d.runsLast);
  }

  accept(source: string, event: WatchEvent, position?: string): void {
    this.pending.push({ source, event, position });
    if (this.pending.length >= (this.options.maxBatch ?? 500)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? 50);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const { store } = this.options;
    const changes = store.transaction(() => {
      const changed = new Map<number, FindingChange>();
      const positions = new Map<string, string>();
      for (const { source, event, position } of batch) {
        for (const output of this.detect(event)) {
          if ('report' in output && event.type === 'journal') stampJournal(output.report, source);
          if ('report' in output) output.report.attribution ??= attributionOf(event);
          const change = 'report' in output ? store.report(output.report) : store.resolve(output.resolve);
          if (change) changed.set(change.finding.id, merge(changed.get(change.finding.id), change));
        }
        if (position !== undefined) positions.set(source, position);
      }
      for (const [source, position] of positions) store.setPosition(source, position);
      return [...changed.values()];
    });
    if (changes.length > 0) this.options.onChanges(changes);
  }

  private detect(event: WatchEvent) {
    const outputs = this.run(this.first, event);
    return [...outputs, ...this.run(this.last, event, outputs.length > 0)];
  }

  private run(detectors: Detector[], event: WatchEvent, claimed?: boolean) {
    return detectors.flatMap((detector) => {
      try {
        return detector.detect(event, claimed);
      } catch (error) {
        // A bug in one detector must not blind the others.
        this.options.log.error('a detector failed', { kinds: detector.kinds.join(','), error: String(error) });
        return [];
      }
    });
  }
}

/**
 * Journal evidence records which journal it is in ('system', 'user' or the extra directory), from the source
 * that read it (watchers.ts names them journal.system, journal.user and journal:<directory>), so a fix can show
 * the lines from the same journal.
 */
function stampJournal(report: FindingReport, source: string): void {
  const journal = source.startsWith('journal:') ? source.slice('journal:'.length) : source.replace(/^journal\./, '');
  for (const evidence of report.evidence)
    if (evidence.kind === 'journal' && evidence.cursor) evidence.journal ??= journal;
}

/** Within one batch a finding that was added and then updated is still news: keep "added". */
function merge(previous: FindingChange | undefined, next: FindingChange): FindingChange {
  if (previous?.change === 'added' && next.change === 'updated') return { ...next, change: 'added' };
  return next;
}
