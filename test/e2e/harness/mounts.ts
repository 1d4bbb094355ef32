// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFile } from 'node:fs/promises';

import { run } from './run.js';

/** Mount points at or below `path` in this process's mount namespace. */
export async function mountsUnder(path: string): Promise<string[]> {
  const table = await readFile('/proc/self/mounts', 'utf8');
  return table
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint === path || mountPoint.startsWith(`${path}/`));
}

/**
 * Deletes a tree that held a root filesystem. A mount left inside it (say, the host's /dev) would
 * have rm delete the host's files, so it refuses, and rm stays on one filesystem regardless.
 */
export async function removeTree(path: string): Promise<void> {
  const mounted = await mountsUnder(path);
  if (mounted.length > 0) throw new Error(`refusing to delete ${path}: still mounted at ${mounted.join(', ')}`);
  await run('rm', ['-rf', '--one-file-system', path]);
}
