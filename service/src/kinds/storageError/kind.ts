// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A disk's I/O errors as the kernel logs them (libata, SCSI, the block layer, NVMe); the playbook reads the device's
// state with the actions it shares with filesystem errors (fixes/playbooks/deviceState.ts: info.block_device,
// info.disk_health, info.filesystem_errors).
import type { Kind } from '../kind.js';
import { STORAGE_ERROR, StorageErrorDetector } from './detector.js';
import { storageError } from './playbook.js';

export const storageErrorKind: Kind = {
  name: 'storageError',
  sources: () => [],
  detectors: () => [new StorageErrorDetector()],
  actions: () => [],
  playbooks: { [STORAGE_ERROR]: storageError },
};
