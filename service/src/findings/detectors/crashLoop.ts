// crash-loop: a unit that systemd keeps restarting (Restart=) or has given up
// on because it restarted too often (StartLimitBurst=).
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, isServiceManager, journalEvidence, unitOf } from './journal.js';
import { SlidingWindow } from './window.js';
import { _, format, ngettext } from '../../i18n.js';

export const CRASH_LOOP = 'crash-loop';

export interface CrashLoopOptions {
  /** Scheduled restarts of one unit within the window that make a loop (default 3). */
  restarts?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

const MESSAGE_RESTART_SCHEDULED = '5eb03494b6584870a536b337290809b3';
// "foo.service: Scheduled restart job, restart counter is at 3." (PID 1 and user managers)
const SCHEDULED_RESTART = /^(\S+): Scheduled restart job, restart counter is at (\d+)\.$/;
// "foo.service: Start request repeated too quickly."
const REPEATED_TOO_QUICKLY = /^(\S+): Start request repeated too quickly\.$/;

export class CrashLoopDetector implements Detector {
  readonly kinds = [CRASH_LOOP];
  private readonly threshold: number;
  private readonly window: SlidingWindow;

  constructor(options: CrashLoopOptions = {}) {
    this.threshold = options.restarts ?? 3;
    this.window = new SlidingWindow(options.windowMs ?? 10 * 60_000);
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !isServiceManager(event.entry)) return [];
    const { entry } = event;
    const gaveUp = REPEATED_TOO_QUICKLY.exec(entry.message);
    if (gaveUp) {
      const unit = unitOf(entry) ?? gaveUp[1] ?? '';
      return this.report(event, unit, format(_('{unit} keeps failing; systemd stopped restarting it'), { unit }));
    }
    const restart = SCHEDULED_RESTART.exec(entry.message);
    if (!restart && entry.fields.MESSAGE_ID !== MESSAGE_RESTART_SCHEDULED) return [];
    const unit = unitOf(entry) ?? restart?.[1];
    if (!unit) return [];
    const counter = Number(entry.fields.N_RESTARTS ?? restart?.[2] ?? 0);
    // A service restarted once a day has a high counter but is no loop: count restarts in the window too.
    const recent = this.window.add(unit, event.at);
    if (counter < this.threshold || recent < this.threshold) return [];
    const title = ngettext(
      '{unit} is crash-looping (restarted {count} time)',
      '{unit} is crash-looping (restarted {count} times)',
      counter,
    );
    return this.report(event, unit, format(title, { unit, count: counter }));
  }

  private report(event: Extract<WatchEvent, { type: 'journal' }>, unit: string, title: string): DetectorOutput[] {
    return [
      {
        report: {
          kind: CRASH_LOOP,
          severity: 'error',
          subject: unit,
          title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}
