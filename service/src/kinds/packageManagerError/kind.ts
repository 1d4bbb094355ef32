// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The package manager's errors: dpkg/apt, PackageKit and dnf failures in the journal (detector.ts), and the packages
// dpkg's database leaves part-way (dpkgStateDetector.ts, from watch/dpkg.ts's source). The playbook audits dpkg's
// database and offers to finish its run (packages.repair_system, one of the engine's package actions).
import type { Kind } from '../kind.js';
import { PACKAGE_MANAGER_ERROR, PackageManagerErrorDetector } from './detector.js';
import { DpkgStateDetector } from './dpkgStateDetector.js';
import { packageManagerError } from './playbook.js';

export const packageManagerErrorKind: Kind = {
  name: 'packageManagerError',
  sources: () => [],
  detectors: () => [new PackageManagerErrorDetector(), new DpkgStateDetector()],
  actions: () => [],
  playbooks: { [PACKAGE_MANAGER_ERROR]: packageManagerError },
  rules: {
    // One package manager's findings share a subject ("dpkg") across a script that failed, a run that was cut off
    // and a lock, and the newest line says which it is now; nothing but dpkg's database with nothing left to finish
    // tells that its run was finished.
    [PACKAGE_MANAGER_ERROR]: { redraftedOnRepeat: true, resolvedWhenVerified: ['packages.repair_system'] },
  },
};
