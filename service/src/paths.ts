// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface StewardPaths {
  home: string;
  /** $XDG_CACHE_HOME and $XDG_DATA_HOME: where fixes clear caches and empty the trash. */
  cacheHome: string;
  dataHome: string;
  /** $XDG_CONFIG_HOME: the user's configuration, which Steward watches. */
  configHome: string;
  configFile: string;
  stateDirectory: string;
}

/** Where Steward keeps its files, following the XDG base directory specification. */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): StewardPaths {
  const home = env.HOME || homedir();
  const configHome = absoluteOr(env.XDG_CONFIG_HOME, join(home, '.config'));
  const stateHome = absoluteOr(env.XDG_STATE_HOME, join(home, '.local', 'state'));
  return {
    home,
    cacheHome: absoluteOr(env.XDG_CACHE_HOME, join(home, '.cache')),
    dataHome: absoluteOr(env.XDG_DATA_HOME, join(home, '.local', 'share')),
    configHome,
    configFile: join(configHome, 'steward', 'config.json'),
    stateDirectory: join(stateHome, 'steward'),
  };
}

// The spec says relative values are invalid and must be ignored.
function absoluteOr(value: string | undefined, fallback: string): string {
  return value?.startsWith('/') ? value : fallback;
}

/** Creates `directory` private to the user; an existing one is tightened to 0700 too. */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  makeDirectories(directory);
  // Only when needed: a directory that is already private may be on a read-only disk, which refuses chmod.
  if (((await stat(directory)).mode & 0o777) !== 0o700) await chmod(directory, 0o700);
}

/**
 * `mkdir -p` with mode 0700, one level at a time: Node's recursive mkdir answers ENOENT where the disk said
 * EROFS, and a read-only disk must be told apart from a missing directory.
 */
export function makeDirectories(directory: string): void {
  const parent = dirname(directory);
  if (parent !== directory && !existsSync(parent)) makeDirectories(parent);
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
