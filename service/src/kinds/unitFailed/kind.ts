// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A failed unit, from systemd's D-Bus state and its journal lines; the playbook reads why it failed (causes/,
// fixes/failureCause.ts) and offers what that cause asks for, a restart only where one may now succeed. The detector
// stays in findings/detectors/unitFailed.ts: its reading of systemd's failure lines serves the desktop's
// components, the failure's cause and other kinds' detectors alike.
import { UNIT_FAILED, UnitFailedDetector } from '../../findings/detectors/unitFailed.js';
import type { Kind } from '../kind.js';
import { unitFailed } from './playbook.js';

export const unitFailedKind: Kind = {
  name: 'unitFailed',
  sources: () => [],
  detectors: () => [new UnitFailedDetector()],
  actions: () => [],
  playbooks: { [UNIT_FAILED]: unitFailed },
  rules: {
    // A failed unit is often first seen in systemd's D-Bus state, and its journal lines, which say why, come a
    // moment later.
    [UNIT_FAILED]: {
      recursOnRestart: true,
      redraftedOnRepeat: true,
      resolvedWhenVerified: ['systemd.start_unit', 'systemd.restart_unit'],
    },
  },
};
