// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The machine room's kinds whose detectors, playbooks and actions still live in findings/detectors/, fixes/playbooks/
// and fixes/actions/ (registered there): here are only the rules the engine follows for their findings, until each
// moves into a folder of its own beside this file.
import type { Kind } from './kind.js';

/** What a kind still split over the engine's folders brings here: only its rules, until it moves. */
const onlyRules = { sources: () => [], detectors: () => [], actions: () => [], playbooks: {} };

export const unitFailedKind: Kind = {
  name: 'unitFailed',
  ...onlyRules,
  rules: {
    // A failed unit is often first seen in systemd's D-Bus state, and its journal lines, which say why, come a
    // moment later.
    'unit-failed': {
      recursOnRestart: true,
      redraftedOnRepeat: true,
      resolvedWhenVerified: ['systemd.start_unit', 'systemd.restart_unit'],
    },
  },
};

export const crashLoopKind: Kind = {
  name: 'crashLoop',
  ...onlyRules,
  rules: {
    // Nothing tells that a crash loop ended but the unit active again.
    'crash-loop': {
      recursOnRestart: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['systemd.start_unit', 'systemd.restart_unit'],
    },
  },
};

export const crashKind: Kind = {
  name: 'crash',
  ...onlyRules,
  rules: {
    crash: { recursOnRestart: true, replacesUnitFailure: true },
    // The crashed program's package, or its Flatpak app, updated to what was waiting with nothing left waiting: what
    // is left of the crash is history.
    coredump: {
      recursOnRestart: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['packages.update', 'flatpak.update'],
    },
  },
};

export const oomKillKind: Kind = {
  name: 'oomKill',
  ...onlyRules,
  rules: { 'oom-kill': { recursOnRestart: true, replacesUnitFailure: true } },
};

export const configChangedKind: Kind = {
  name: 'configChanged',
  ...onlyRules,
  rules: {
    'config-changed-before-failure': {
      recursOnRestart: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['systemd.restart_unit'],
    },
  },
};

export const configErrorKind: Kind = {
  name: 'configError',
  ...onlyRules,
  // Logged at every start of its unit; a file's configuration error names a line each time, and the file may have
  // changed (or appeared) since.
  rules: { 'config-error': { recursOnRestart: true, redraftedOnRepeat: true } },
};

export const packageManagerErrorKind: Kind = {
  name: 'packageManagerError',
  ...onlyRules,
  rules: {
    // One package manager's findings share a subject ("dpkg") across a script that failed, a run that was cut off
    // and a lock, and the newest line says which it is now; nothing but dpkg's database with nothing left to finish
    // tells that its run was finished.
    'package-manager-error': { redraftedOnRepeat: true, resolvedWhenVerified: ['packages.repair_system'] },
  },
};
