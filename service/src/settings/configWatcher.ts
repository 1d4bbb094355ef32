// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The configuration file, watched: a hand edit applies without SIGHUP. The
// directory is watched rather than the file, since editors and our own writes
// replace the file by renaming a new one over it.
import { type FSWatcher, watch } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';

import type { Logger } from '../logging.js';

/** Editors write in several steps; one reload once they are done. */
const SETTLE_MS = 200;

export function watchConfigFile(file: string, onChange: () => void, log: Logger): { stop(): void } {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, SETTLE_MS);
    });
    watcher.on('error', (error) => log.warning('stopped watching the configuration file', { error: String(error) }));
  } catch (error) {
    // Without a watch, SIGHUP and "steward reload" still apply an edit.
    log.warning('cannot watch the configuration file', { file, error: String(error) });
  }
  return {
    stop: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
