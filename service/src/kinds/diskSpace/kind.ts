// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Low disk space, read by the disks watcher against the thresholds the settings give (findings/detectorOptions.ts);
// the playbook finds what fills the mount and offers the clean-ups (fixes/playbooks/cleanUps.ts). A write that
// failed for want of space (no-space, kinds/noSpace/) is drafted by the same playbook.
import type { Kind } from '../kind.js';
import { DISK_CRITICAL, DISK_LOW, DiskSpaceDetector } from './detector.js';
import { diskSpace } from './playbook.js';

export const diskSpaceKind: Kind = {
  name: 'diskSpace',
  sources: () => [],
  detectors: (_writers, options) => [new DiskSpaceDetector(options?.disk)],
  actions: () => [],
  playbooks: { [DISK_LOW]: diskSpace, [DISK_CRITICAL]: diskSpace },
};
