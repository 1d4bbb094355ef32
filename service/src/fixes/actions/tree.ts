// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Directory trees the file actions measure and empty. Each tree is opened once and walked by
// descriptor (dirHandle.ts): no symbolic link is followed, and nothing another process renames or
// swaps for a link during the walk can lead it out of the tree.
import type { Dirent } from 'node:fs';
import { join } from 'node:path';

import { StewardError } from '../../dbus/errors.js';
import { _, format } from '../../i18n.js';
import { DirectoryHandle, isGone, isNotDirectory, withDirectory } from './dirHandle.js';

/** Deeper than this a walk stops: each level holds a descriptor open. */
export const MAX_DEPTH = 256;

/** A swapper may turn an entry from a file into a directory and back; after this many turns it is left. */
const ATTEMPTS = 4;

/** How many plain files of one directory are removed at once. */
const PARALLEL_UNLINKS = 16;

/** The directory `name` in `parent`: null when it is gone or is no directory (a symlink swapped in, say). */
export const openIfDirectory = (parent: DirectoryHandle, name: string) =>
  parent.openDirectory(name).catch((error: NodeJS.ErrnoException) => {
    if (isNotDirectory(error)) return null;
    throw error;
  });

/**
 * `root/name`, opened once: root as configured, `name` never through a symlink. null when it does
 * not exist; InvalidArgs for a symlink or a file there.
 */
export async function openConfined(root: string, name: string): Promise<DirectoryHandle | null> {
  return withDirectory(await DirectoryHandle.openConfigured(root), (base) => openConfinedChild(base, name));
}

/** The directory `name` in an open `parent`, as openConfined opens it. */
export async function openConfinedChild(parent: DirectoryHandle | null, name: string): Promise<DirectoryHandle | null> {
  if (parent === null) return null;
  try {
    return await parent.openDirectory(name);
  } catch (error) {
    if (!isNotDirectory(error as NodeJS.ErrnoException)) throw error;
    const path = join(parent.path, name);
    throw new StewardError(
      'InvalidArgs',
      (await parent.lstat(name))?.isSymbolicLink()
        ? format(_('{path} is a symbolic link; Steward does not follow links out of {root}.'), {
            path,
            root: parent.path,
          })
        : format(_('{path} is not a directory.'), { path }),
    );
  }
}

function tooDeep(directory: DirectoryHandle): never {
  throw new StewardError(
    'Unavailable',
    format(_('{path} is nested more than {depth} levels deep; Steward leaves it alone.'), {
      path: directory.path,
      depth: MAX_DEPTH,
    }),
  );
}

/** Bytes on disk (st_blocks) of everything below `directory`, not the directory itself; hard links once. */
export async function diskUsage(directory: DirectoryHandle | null): Promise<number> {
  if (directory === null) return 0;
  const seen = new Set<string>();
  const below = async (parent: DirectoryHandle, depth: number): Promise<number> => {
    if (depth > MAX_DEPTH) tooDeep(parent);
    let total = 0;
    for (const { name } of await entriesIn(parent)) {
      const info = await parent.lstat(name);
      if (!info) continue;
      const key = `${info.dev}:${info.ino}`;
      if (!seen.has(key)) total += info.blocks * 512;
      seen.add(key);
      if (!info.isDirectory() || info.dev !== parent.device) continue;
      total += await withDirectory(await openIfDirectory(parent, name), (child) =>
        child ? below(child, depth + 1) : Promise.resolve(0),
      );
    }
    return total;
  };
  return below(directory, 1);
}

/** The entries of an open directory ([] when there is none, or once it has been deleted). */
export async function entriesIn(directory: DirectoryHandle | null): Promise<Dirent[]> {
  if (directory === null) return [];
  return directory.entries().catch((error: NodeJS.ErrnoException) => {
    if (isGone(error)) return [];
    throw error;
  });
}

/**
 * Deletes what `directory` holds and keeps the directory. A symlink is removed as a link, an entry
 * that vanishes meanwhile is skipped, another file system mounted below is left alone; it stops
 * between entries once `signal` is aborted.
 */
export async function emptyDirectory(directory: DirectoryHandle | null, signal?: AbortSignal): Promise<void> {
  if (directory !== null) await emptyBelow(directory, 1, signal);
}

async function emptyBelow(directory: DirectoryHandle, depth: number, signal?: AbortSignal): Promise<void> {
  if (depth > MAX_DEPTH) tooDeep(directory);
  // Entries renamed while the directory is read may be missed: it is read again until it is empty.
  for (let pass = 0; pass < ATTEMPTS; pass++) {
    const entries = await entriesIn(directory);
    if (entries.length === 0) return;
    const files = entries.filter((entry) => !entry.isDirectory());
    for (let start = 0; start < files.length; start += PARALLEL_UNLINKS) {
      signal?.throwIfAborted();
      const batch = files.slice(start, start + PARALLEL_UNLINKS);
      await Promise.all(batch.map((entry) => removeEntry(directory, entry.name, false, depth, signal)));
    }
    for (const entry of entries.filter((entry) => entry.isDirectory())) {
      signal?.throwIfAborted();
      await removeEntry(directory, entry.name, true, depth, signal);
    }
  }
}

/**
 * Removes `name` from `parent`, whatever it has become since it was listed: a directory is opened
 * (never through a link), emptied and removed by name; anything else is unlinked by name, which
 * removes a symlink itself and never what it points to.
 */
async function removeEntry(
  parent: DirectoryHandle,
  name: string,
  listedAsDirectory: boolean,
  depth: number,
  signal?: AbortSignal,
): Promise<void> {
  let asDirectory = listedAsDirectory;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const outcome = asDirectory
      ? await removeDirectory(parent, name, depth, signal)
      : await parent.unlink(name).then(
          () => 'removed' as const,
          (error: NodeJS.ErrnoException) => {
            if (isGone(error)) return 'removed' as const;
            if (error.code === 'EISDIR') return 'directory' as const;
            throw error;
          },
        );
    if (outcome === 'removed' || outcome === 'other file system') return;
    asDirectory = outcome === 'directory';
  }
  throw new StewardError(
    'Busy',
    format(_('{path} kept changing while Steward deleted it; it was left alone.'), {
      path: join(parent.path, name),
    }),
  );
}

type Removal = 'removed' | 'directory' | 'not a directory' | 'other file system';

async function removeDirectory(
  parent: DirectoryHandle,
  name: string,
  depth: number,
  signal?: AbortSignal,
): Promise<Removal> {
  const opened = await openIfDirectory(parent, name);
  if (opened === null) return (await parent.lstat(name)) ? 'not a directory' : 'removed';
  const emptied = await withDirectory(opened, async (child) => {
    if (child.device !== parent.device) return false;
    await emptyBelow(child, depth + 1, signal);
    return true;
  });
  if (!emptied) return 'other file system';
  return parent.rmdir(name).then(
    () => 'removed',
    (error: NodeJS.ErrnoException) => {
      if (isGone(error)) return 'removed';
      // A symlink or file was put in its place (the emptied directory was moved aside), or files came back.
      if (error.code === 'ENOTDIR') return 'not a directory';
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') return 'directory';
      throw error;
    },
  );
}
