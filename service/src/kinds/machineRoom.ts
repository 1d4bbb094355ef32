// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The machine room's kinds whose detectors, playbooks and actions still live in findings/detectors/, fixes/playbooks/
// and fixes/actions/ (crashes and core dumps, no space left, the package manager's errors): here are their detectors,
// for the one list's order, and the rules the engine follows for their findings, until each moves into a folder of
// its own beside this file. Their actions are in fixes/catalog.ts and their playbooks in fixes/playbooks.ts's table,
// but no space left's, which is low disk space's (kinds/diskSpace/).
import { DpkgStateDetector } from './packageManagerError/dpkgStateDetector.js';
import { NoSpaceDetector } from './noSpace/detector.js';
import { PackageManagerErrorDetector } from './packageManagerError/detector.js';
import { diskSpace } from './diskSpace/playbook.js';
import type { Kind } from './kind.js';

/** What a kind still split over the engine's folders brings here besides its detectors: nothing, until it moves. */
const split = { sources: () => [], actions: () => [], playbooks: {} };

export const packageManagerErrorKind: Kind = {
  name: 'packageManagerError',
  ...split,
  detectors: () => [new PackageManagerErrorDetector(), new DpkgStateDetector()],
  rules: {
    // One package manager's findings share a subject ("dpkg") across a script that failed, a run that was cut off
    // and a lock, and the newest line says which it is now; nothing but dpkg's database with nothing left to finish
    // tells that its run was finished.
    'package-manager-error': { redraftedOnRepeat: true, resolvedWhenVerified: ['packages.repair_system'] },
  },
};

export const noSpaceKind: Kind = {
  name: 'noSpace',
  ...split,
  detectors: () => [new NoSpaceDetector()],
  // A write that failed for want of space: low disk space's playbook (kinds/diskSpace/) finds the mount.
  playbooks: { 'no-space': diskSpace },
};
