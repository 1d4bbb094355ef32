// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A watched configuration file that changed shortly before a unit failed, where something ties the two (the unit's
// lines, its unit file, the application's own folder, its open files); the playbook is a failed unit's with the
// change first. Which paths are configuration is the settings' (findings/detectorOptions.ts).
import type { Kind } from '../kind.js';
import { CONFIG_CHANGED_BEFORE_FAILURE, ConfigChangedDetector } from './detector.js';
import { configChanged } from './playbook.js';

export const configChangedKind: Kind = {
  name: 'configChanged',
  sources: () => [],
  detectors: (_writers, options) => [new ConfigChangedDetector(options?.configChanged)],
  actions: () => [],
  playbooks: { [CONFIG_CHANGED_BEFORE_FAILURE]: configChanged },
  rules: {
    [CONFIG_CHANGED_BEFORE_FAILURE]: {
      recursOnRestart: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['systemd.restart_unit'],
    },
  },
};
