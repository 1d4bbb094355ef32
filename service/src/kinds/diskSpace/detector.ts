// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// disk-low / disk-critical: little free space on a watched mount (statfs polls).
import { DISK_DEFAULTS, type DiskSpaceOptions } from '../../findings/detectorOptions.js';
import { ConditionTracker } from '../../findings/detectors/condition.js';
import { formatBytes, formatPercent } from '../../findings/detectors/format.js';
import { type Level, nextLevel } from '../../findings/detectors/levels.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { MountUsage, WatchEvent } from '../../watch/events.js';

export const DISK_LOW = 'disk-low';
export const DISK_CRITICAL = 'disk-critical';

export class DiskSpaceDetector implements Detector {
  readonly kinds = [DISK_LOW, DISK_CRITICAL];
  private readonly options: () => DiskSpaceOptions;
  private readonly levels = new ConditionTracker<Level>();

  /** A function gives the thresholds in effect at each measurement, so that changed settings apply at once. */
  constructor(options: DiskSpaceOptions | (() => DiskSpaceOptions) = {}) {
    this.options = typeof options === 'function' ? options : () => options;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'disk' || event.usage.totalBytes <= 0) return [];
    const { usage, at } = event;
    const o = { ...DISK_DEFAULTS, ...this.options() };
    const thresholds = {
      low: Math.min(usage.totalBytes * o.lowFraction, o.lowBytes),
      critical: Math.min(usage.totalBytes * o.criticalFraction, o.criticalBytes),
    };
    const level = nextLevel(this.levels.get(usage.mount), usage.availableBytes, thresholds, o.hysteresis);
    const change = this.levels.change(usage.mount, level);
    if (!change) return [];
    // One open finding per mount: the critical one replaces the low one and back. After a
    // (re)start the previous level is unknown, so both are resolved in case one was left open.
    const outputs: DetectorOutput[] = (['low', 'critical'] as const)
      .filter((bad) => bad !== level && (change.previous === bad || change.previous === undefined))
      .map((bad) => ({ resolve: { kind: bad === 'low' ? DISK_LOW : DISK_CRITICAL, subject: usage.mount, at } }));
    if (level !== 'ok') outputs.push(this.report(usage, level, at));
    return outputs;
  }

  private report(usage: MountUsage, level: Exclude<Level, 'ok'>, at: Date): DetectorOutput {
    const free = formatBytes(usage.availableBytes);
    return {
      report: {
        kind: level === 'critical' ? DISK_CRITICAL : DISK_LOW,
        severity: level === 'critical' ? 'critical' : 'warning',
        subject: usage.mount,
        title: format(_('Only {free} free on {mount} ({percent})'), {
          free,
          mount: usage.mount,
          percent: formatPercent(usage.availableBytes / usage.totalBytes),
        }),
        evidence: [
          {
            kind: 'metric',
            text: format(_('{free} free of {total}'), { free, total: formatBytes(usage.totalBytes) }),
            path: usage.mount,
            at,
          },
        ],
        at,
      },
    };
  }
}
