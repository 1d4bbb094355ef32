// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash-loop: a unit that systemd keeps restarting (Restart=) or has given up
// on because it restarted too often (StartLimitBurst=).
import type { CrashLoopOptions } from '../../findings/detectorOptions.js';
import {
  isJournal,
  isServiceManager,
  type JournalEvent,
  journalEvidence,
  unitOf,
} from '../../findings/detectors/journal.js';
import { MESSAGE_UNIT_FAILURE_RESULT } from '../../findings/detectors/unitFailed.js';
import { SlidingWindow } from '../../findings/detectors/window.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { areaOfUnit } from '../../findings/writers.js';
import { _, format, ngettext } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const CRASH_LOOP = 'crash-loop';

// Message IDs from systemd's catalog (catalog/systemd.catalog.in): "Automatic restarting of a unit has been
// scheduled" (N_RESTARTS=); "Unit failed" (MESSAGE_UNIT_FAILURE_RESULT) whose UNIT_RESULT=start-limit-hit says systemd
// gave up.
const MESSAGE_RESTART_SCHEDULED = '5eb03494b6584870a536b337290809b3';
// "foo.service: Scheduled restart job, restart counter is at 3." (systemd 236+, PID 1 and user managers)
const SCHEDULED_RESTART = /^(\S+): Scheduled restart job, restart counter is at (\d+)\.?$/;
// "foo.service: Start request repeated too quickly." (233+); before: "start request repeated too quickly for foo.service"
const REPEATED_TOO_QUICKLY =
  /^(?:(\S+): Start request repeated too quickly|start request repeated too quickly for (\S+?))\.?$/i;
// "foo.service: Failed with result 'start-limit-hit'." repeats the line above: one report for both.
const SAME_MOMENT_MS = 2000;
const MAX_UNITS = 4096;

export class CrashLoopDetector implements Detector {
  readonly kinds = [CRASH_LOOP];
  private readonly threshold: number;
  private readonly window: SlidingWindow;
  /** When systemd last gave up on each unit, to tell of its two lines about it once. */
  private readonly gaveUpAt = new Map<string, number>();

  constructor(options: CrashLoopOptions = {}) {
    this.threshold = options.restarts ?? 3;
    this.window = new SlidingWindow(options.windowMs ?? 10 * 60_000);
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !isServiceManager(event.entry)) return [];
    const { entry } = event;
    const { MESSAGE_ID: id, UNIT_RESULT: result, N_RESTARTS: restarts } = entry.fields;
    const gaveUp = REPEATED_TOO_QUICKLY.exec(entry.message);
    if (gaveUp || (id === MESSAGE_UNIT_FAILURE_RESULT && result === 'start-limit-hit')) {
      const unit = unitOf(entry) ?? gaveUp?.[1] ?? gaveUp?.[2];
      return unit ? this.gaveUp(event, unit) : [];
    }
    const restart = id === MESSAGE_RESTART_SCHEDULED && restarts ? null : SCHEDULED_RESTART.exec(entry.message);
    if (!restart && id !== MESSAGE_RESTART_SCHEDULED) return [];
    const unit = unitOf(entry) ?? restart?.[1];
    if (!unit) return [];
    const counter = Number(restarts ?? restart?.[2] ?? 0);
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

  private gaveUp(event: JournalEvent, unit: string): DetectorOutput[] {
    const previous = this.gaveUpAt.get(unit);
    const now = event.at.getTime();
    if (this.gaveUpAt.size > MAX_UNITS) this.gaveUpAt.clear();
    this.gaveUpAt.set(unit, now);
    if (previous !== undefined && now - previous < SAME_MOMENT_MS) return [];
    return this.report(event, unit, format(_('{unit} keeps failing; systemd stopped restarting it'), { unit }));
  }

  private report(event: JournalEvent, unit: string, title: string): DetectorOutput[] {
    // A desktop component's unit restarting over and over is its kind's finding (desktop/componentUnits.ts).
    if (areaOfUnit(unit)) return [];
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
