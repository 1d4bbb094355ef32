// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Memory pressure: tasks stall waiting for memory (PSI), read by the watchers' memory source (watch/memory.ts);
// the first step shows who holds the memory (info.memory_use, which the OOM kill's playbook shows too).
import type { Kind } from '../kind.js';
import { MEMORY_PRESSURE, MemoryPressureDetector } from './detector.js';
import { memoryPressure } from './playbook.js';

export const memoryPressureKind: Kind = {
  name: 'memoryPressure',
  sources: () => [],
  detectors: (_writers, options) => [new MemoryPressureDetector(options?.memoryPressure)],
  actions: () => [],
  playbooks: { [MEMORY_PRESSURE]: memoryPressure },
};
