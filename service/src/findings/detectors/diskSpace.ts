// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// disk-low / disk-critical: little free space on a watched mount (statfs polls).
import { _, format } from '../../i18n.js';
import type { MountUsage, WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { ConditionTracker } from './condition.js';
import { formatBytes, formatPercent } from './format.js';
import { type Level, nextLevel } from './levels.js';

export const DISK_LOW = 'disk-low';
export const DISK_CRITICAL = 'disk-critical';

export interface DiskSpaceOptions {
  /** Low when less than this fraction of the filesystem is available… (default 0.10) */
  lowFraction?: number;
  /** …or less than this many bytes, whichever is smaller (default 5 GB): 10% of a 2 TB disk is plenty. */
  lowBytes?: number;
  /** Critical below this fraction (default 0.03)… */
  criticalFraction?: number;
  /** …or below this many bytes, whichever is smaller (default 1 GB). */
  criticalBytes?: number;
  /** A finding resolves once available space is this many times its threshold (default 1.2). */
  hysteresis?: number;
}

const GB = 1e9;

export const DISK_DEFAULTS: Required<DiskSpaceOptions> = {
  lowFraction: 0.1,
  lowBytes: 5 * GB,
  criticalFraction: 0.03,
  criticalBytes: 1 * GB,
  hysteresis: 1.2,
};

/** The thresholds as the settings give them (watch.disks): percentages and GB. */
export interface DiskThresholdSettings {
  lowPercent: number;
  lowGB: number;
  criticalPercent: number;
  criticalGB: number;
}

export const diskThresholds = (settings: DiskThresholdSettings): DiskSpaceOptions => ({
  lowFraction: settings.lowPercent / 100,
  lowBytes: settings.lowGB * GB,
  criticalFraction: settings.criticalPercent / 100,
  criticalBytes: settings.criticalGB * GB,
});

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
