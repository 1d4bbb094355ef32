// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A file system running out of inodes, read by the disks watcher; the playbook shows which directories hold the most
// files (info.inode_usage, which a failed unit's playbook uses too) and the clean-ups it shares with low disk space.
import type { Kind } from '../kind.js';
import { INODE_EXHAUSTION, InodeExhaustionDetector } from './detector.js';
import { inodeExhaustion } from './playbook.js';

export const inodesKind: Kind = {
  name: 'inodes',
  sources: () => [],
  detectors: (_writers, options) => [new InodeExhaustionDetector(options?.inodes)],
  actions: () => [],
  playbooks: { [INODE_EXHAUSTION]: inodeExhaustion },
};
