// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node_modules paths (relative to `root`) that the lock file lists as runtime dependencies and
 * that npm ci installed here: what npm ci --omit=dev would install, taken from the existing tree
 * instead of the network. Optional packages for other platforms are not installed, so not listed.
 * Optional peers that development installs are left out too.
 */
export function productionPackages(root) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return (
    Object.entries(lock.packages)
      // devOptional: needed in development, or as an optional peer (typescript, for node-llama-cpp).
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.link)
      .map(([path]) => path)
      .filter((path) => existsSync(join(root, path)))
      .filter((path, _, all) => !all.some((other) => path.startsWith(`${other}/`) && path !== other))
  );
}
