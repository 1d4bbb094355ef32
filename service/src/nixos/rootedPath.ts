// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Paths of the system below a stand-in root (STEWARD_TEST_NIXOS_ROOT): every link on the way, such as
// root's channels profile pointing into /nix/store, is followed below the same root, so that a recorded
// layout resolves as the real one would. With `/` as the root this is plain path resolution.

import { lstat, readlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

// As the kernel's limit on links followed in one lookup.
const MAX_LINKS = 40;

/** The system path `path` as a file to open here. */
export const onDisk = (root: string, path: string) => join(root, relative('/', path));

/** `path` (absolute, as on the system) with every link on it followed below `root`; null when it does not exist. */
export async function resolveBelow(root: string, path: string): Promise<string | null> {
  let resolved = '/';
  const pending = path.split('/').filter(Boolean);
  let links = 0;
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '.') continue;
    if (part === '..') {
      resolved = dirname(resolved);
      continue;
    }
    const candidate = join(resolved, part);
    const stats = await lstat(onDisk(root, candidate)).catch(() => null);
    if (!stats) return null;
    if (!stats.isSymbolicLink()) {
      resolved = candidate;
      continue;
    }
    if (++links > MAX_LINKS) return null;
    const target = await readlink(onDisk(root, candidate));
    pending.unshift(...target.split('/').filter(Boolean));
    if (target.startsWith('/')) resolved = '/';
  }
  return resolved;
}
