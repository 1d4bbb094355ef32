// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clean-ups that free space and inodes on a mount, offered by the disk playbooks.
import { stat } from 'node:fs/promises';

import { largestCacheDirectories } from '../actions/files.js';
import type { CandidateAction, PlaybookTools } from '../playbookSteps.js';

const CACHE_DIRECTORIES_OFFERED = 5;

/** Whether two paths are on the same file system, so freeing one frees the other's mount. */
async function sameDevice(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev;
}

/** The clean-ups that free space (and inodes) on `mount`: caches, trash, old journal files. */
export async function cleanUps(mount: string, tools: PlaybookTools): Promise<CandidateAction[]> {
  const { context } = tools;
  const actions: CandidateAction[] = [];
  if (await sameDevice(mount, context.cacheHome)) {
    const biggest = (await largestCacheDirectories(context.cacheHome)).slice(0, CACHE_DIRECTORIES_OFFERED);
    if (biggest.length > 0) {
      actions.push({ name: 'files.clear_cache', params: { directories: biggest.map((entry) => entry.name) } });
    }
  }
  if (await sameDevice(mount, context.dataHome)) actions.push({ name: 'files.empty_trash', params: {} });
  if (await sameDevice(mount, '/var/log/journal')) {
    actions.push({ name: 'journal.vacuum', params: { scope: 'system' } });
  }
  return actions;
}
