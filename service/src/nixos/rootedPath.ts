// Paths of the system below a stand-in root (STEWARD_TEST_NIXOS_ROOT): a link's absolute target, such as
// /nix/store/…, is read below the same root, so a recorded layout resolves as the real one would.

import { lstat, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

const MAX_LINKS = 16;

/** `path` (absolute, as on the system) with its links followed below `root`; null when it does not exist. */
export async function resolveBelow(root: string, path: string): Promise<string | null> {
  let current = path;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const stats = await lstat(join(root, current)).catch(() => null);
    if (!stats) return null;
    if (!stats.isSymbolicLink()) return current;
    const target = await readlink(join(root, current));
    current = isAbsolute(target) ? resolve(target) : resolve(dirname(current), target);
  }
  return null;
}

/** The system path `path` as a file to open here. */
export const onDisk = (root: string, path: string) => join(root, relative('/', path));
