// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';
import { CLOCK_UNSYNCHRONISED, ClockDetector } from './detector.js';
import { clockPlaybook } from './playbook.js';

export const clockKind: DesktopKind = {
  name: 'clock',
  sources: () => [],
  detectors: () => [new ClockDetector()],
  actions: () => [],
  playbooks: { [CLOCK_UNSYNCHRONISED]: clockPlaybook },
};
