// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// memory-pressure: tasks stall waiting for memory (PSI): the whole machine's (/proc/pressure/memory), and the
// session's programs' (their user@UID.service cgroup's memory.pressure), where a cgroup's memory limit, not the
// machine's, makes them wait. "full" means every non-idle task was stalled at once: the desktop freezes.
import type { MemoryPressureOptions } from '../../findings/detectorOptions.js';
import { ConditionTracker } from '../../findings/detectors/condition.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const MEMORY_PRESSURE = 'memory-pressure';

export class MemoryPressureDetector implements Detector {
  readonly kinds = [MEMORY_PRESSURE];
  private readonly reportAbove: number;
  private readonly resolveBelow: number;
  private readonly state = new ConditionTracker<'high' | 'normal'>();
  /** The session's "full" share while its pressure is high, by unit. */
  private readonly sessionFull = new Map<string, number>();

  constructor(options: MemoryPressureOptions = {}) {
    this.reportAbove = options.reportAbove ?? 10;
    this.resolveBelow = options.resolveBelow ?? 5;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'memoryPressure') return [];
    const { fullAvg10, someAvg10, at, path, unit } = event;
    // The machine's pressure has no subject; the session's is its unit's, "user@1000.service".
    const subject = unit ?? '';
    const current = this.state.get(subject);
    const high =
      (fullAvg10 > this.reportAbove || (current === 'high' && fullAvg10 >= this.resolveBelow)) &&
      (unit !== undefined || current === 'high' || !this.sessionExplains(fullAvg10));
    if (unit !== undefined) {
      if (high) this.sessionFull.set(unit, fullAvg10);
      else this.sessionFull.delete(unit);
    }
    if (!this.state.change(subject, high ? 'high' : 'normal')) return [];
    if (!high) return [{ resolve: { kind: MEMORY_PRESSURE, subject, at } }];
    const percent = fullAvg10.toFixed(0);
    const figures = `full avg10=${fullAvg10.toFixed(2)}, some avg10=${someAvg10.toFixed(2)}`;
    return [
      {
        report: {
          kind: MEMORY_PRESSURE,
          severity: 'warning',
          subject,
          title: unit
            ? // xgettext:no-javascript-format — "% o" reads as a printf directive to gettext; {percent} is ours.
              format(_('The programs of your session wait for memory (all stalled {percent}% of the time)'), {
                percent,
              })
            : // xgettext:no-javascript-format — "% o" reads as a printf directive to gettext; {percent} is ours.
              format(_('The system is short of memory (all tasks stalled {percent}% of the time)'), { percent }),
          evidence: [
            {
              kind: 'metric',
              text: unit ? `memory pressure of ${unit}: ${figures}` : `memory pressure: ${figures}`,
              path,
              at,
            },
          ],
          at,
        },
      },
    ];
  }

  /**
   * Whether the session's programs, stalled as long as the whole machine's or longer, account for the machine's
   * stalls: a program thrashing under the session's memory limit stalls everything else only on a machine with
   * nothing else to run. One problem, told where it is.
   */
  private sessionExplains(machineFull: number): boolean {
    return [...this.sessionFull.values()].some((full) => full >= machineFull);
  }
}
