// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A unit that systemd keeps restarting (Restart=), or has given up on as it restarted too often (StartLimitBurst=);
// the playbook is a failed unit's (kinds/unitFailed/) with the loop's own words.
import type { Kind } from '../kind.js';
import { CRASH_LOOP, CrashLoopDetector } from './detector.js';
import { crashLoop } from './playbook.js';

export const crashLoopKind: Kind = {
  name: 'crashLoop',
  sources: () => [],
  detectors: (_writers, options) => [new CrashLoopDetector(options?.crashLoop)],
  actions: () => [],
  playbooks: { [CRASH_LOOP]: crashLoop },
  rules: {
    // Nothing tells that a crash loop ended but the unit active again. A loop read while its unit ran again has no
    // failed run to show; the loop back is a new run, whose lines and record say why: drafted again, as a failed unit.
    [CRASH_LOOP]: {
      recursOnRestart: true,
      redraftedOnRepeat: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['systemd.start_unit', 'systemd.restart_unit'],
    },
  },
};
