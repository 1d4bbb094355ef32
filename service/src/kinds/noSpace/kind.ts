// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A write that failed for want of space (ENOSPC from any program or journald), per mount or program: low disk
// space's playbook (kinds/diskSpace/) finds the mount.
import { diskSpace } from '../diskSpace/playbook.js';
import type { Kind } from '../kind.js';
import { NO_SPACE, NoSpaceDetector } from './detector.js';

export const noSpaceKind: Kind = {
  name: 'noSpace',
  sources: () => [],
  detectors: () => [new NoSpaceDetector()],
  actions: () => [],
  playbooks: { [NO_SPACE]: diskSpace },
};
