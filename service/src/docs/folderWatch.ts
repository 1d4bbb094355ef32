// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// inotify on the documentation's folders (each at its top level): the index looks again when one changes, not
// at an interval.
import { type FSWatcher, watch } from 'node:fs';

export interface FolderWatch {
  close(): void;
}

/**
 * Calls `onChange` whenever an entry of one of `folders` is added, removed or written. A folder that is not
 * there is left out (its parent, a root, sees it come); inotify's limits (ENOSPC, EMFILE) throw.
 */
export function watchFolders(folders: readonly string[], onChange: () => void): FolderWatch {
  const watchers: FSWatcher[] = [];
  const close = () => watchers.splice(0).forEach((watcher) => watcher.close());
  try {
    for (const folder of new Set(folders)) {
      let watcher: FSWatcher;
      try {
        watcher = watch(folder, { persistent: false }, onChange);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      // A folder removed while watched: its parent saw that, and the next watch leaves it out.
      watcher.on('error', onChange);
      watchers.push(watcher);
    }
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}
