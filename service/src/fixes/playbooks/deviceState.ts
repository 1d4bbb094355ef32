// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the machine says now of the block device a storage finding names.
import { readFile } from 'node:fs/promises';

import type { FindingWithEvidence } from '../../findings/store.js';
import { _, format } from '../../i18n.js';
import { mountOf as mountOfBlockDevice } from '../actions/filesystemErrors.js';

/** The mount of the block device `name` ("sda1", "nvme0n1p2", "dm-0") as /proc/self/mounts has it now. */
async function mountOfDevice(name: string): Promise<{ point: string; type: string; readOnly: boolean } | null> {
  if (!/^[\w.-]+$/.test(name)) return null;
  return mountOfBlockDevice(name, await readFile('/proc/self/mounts', 'utf8').catch(() => ''));
}

/** What the machine says now of the device a storage finding names: where it is mounted, and whether read-only. */
export async function deviceState(finding: FindingWithEvidence): Promise<string> {
  const device = finding.subject.replace(/^\/dev\//, '');
  const mount = device ? await mountOfDevice(device) : null;
  if (!device) return '';
  if (!mount) return format(_('{device} is not mounted now.'), { device: `/dev/${device}` });
  return format(
    mount.readOnly
      ? _('{device} ({type}) is mounted on {point} and is now read-only: the kernel stopped writing to protect it.')
      : _('{device} ({type}) is mounted on {point}, still writable.'),
    { device: `/dev/${device}`, type: mount.type, point: mount.point },
  );
}
