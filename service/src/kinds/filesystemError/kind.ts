// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A file system's own errors as the kernel logs them (ext4, Btrfs, XFS); the playbook reads what the kernel recorded
// of it, then the drive's health, with the actions it shares with storage errors (fixes/playbooks/deviceState.ts).
import type { Kind } from '../kind.js';
import { FILESYSTEM_ERROR, FilesystemErrorDetector } from './detector.js';
import { filesystemError } from './playbook.js';

export const filesystemErrorKind: Kind = {
  name: 'filesystemError',
  sources: () => [],
  detectors: () => [new FilesystemErrorDetector()],
  actions: () => [],
  playbooks: { [FILESYSTEM_ERROR]: filesystemError },
};
