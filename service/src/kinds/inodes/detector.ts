// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// inode-exhaustion: a filesystem running out of inodes (many small files: caches,
// mail spools, container layers) fails writes although space is left.
import type { InodeOptions } from '../../findings/detectorOptions.js';
import { ConditionTracker } from '../../findings/detectors/condition.js';
import { formatPercent } from '../../findings/detectors/format.js';
import { type Level, nextLevel } from '../../findings/detectors/levels.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const INODE_EXHAUSTION = 'inode-exhaustion';

export class InodeExhaustionDetector implements Detector {
  readonly kinds = [INODE_EXHAUSTION];
  private readonly options: Required<InodeOptions>;
  private readonly levels = new ConditionTracker<Level>();

  constructor(options: InodeOptions = {}) {
    this.options = { lowFraction: 0.1, criticalFraction: 0.02, hysteresis: 1.2, ...options };
  }

  detect(event: WatchEvent): DetectorOutput[] {
    // Btrfs and some other filesystems allocate inodes dynamically and report 0 in total.
    if (event.type !== 'disk' || event.usage.totalInodes <= 0) return [];
    const { usage, at } = event;
    const thresholds = {
      low: usage.totalInodes * this.options.lowFraction,
      critical: usage.totalInodes * this.options.criticalFraction,
    };
    const level = nextLevel(this.levels.get(usage.mount), usage.freeInodes, thresholds, this.options.hysteresis);
    const change = this.levels.change(usage.mount, level);
    if (!change) return [];
    if (level === 'ok') return [{ resolve: { kind: INODE_EXHAUSTION, subject: usage.mount, at } }];
    const percent = formatPercent(usage.freeInodes / usage.totalInodes);
    return [
      {
        report: {
          kind: INODE_EXHAUSTION,
          severity: level === 'critical' ? 'critical' : 'warning',
          subject: usage.mount,
          title: format(_('{mount} is running out of inodes ({percent} free)'), { mount: usage.mount, percent }),
          evidence: [
            {
              kind: 'metric',
              text: format(_('{free} of {total} inodes free'), {
                free: usage.freeInodes.toLocaleString('en'),
                total: usage.totalInodes.toLocaleString('en'),
              }),
              path: usage.mount,
              at,
            },
          ],
          at,
        },
      },
    ];
  }
}
