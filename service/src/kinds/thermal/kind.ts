// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Thermal throttling: the kernel's (and mcelog's, and amdgpu's) word that a CPU or GPU is too hot, read from the
// journal; the first step reads the temperatures, clocks and the busiest processes now (info.thermal).
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { thermalAction } from './action.js';
import { THERMAL_THROTTLING, ThermalThrottlingDetector } from './detector.js';
import { thermalThrottling } from './playbook.js';

export const thermalKind: Kind = {
  name: 'thermal',
  sources: () => [],
  detectors: () => [new ThermalThrottlingDetector()],
  actions: ({ testHooks = {} } = {}) => [thermalAction({ root: testHooks.dpkgRoot })] as unknown as ActionDefinition[],
  playbooks: { [THERMAL_THROTTLING]: thermalThrottling },
};
