// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Directories held open by descriptor, for the actions that delete or write the user's files.
//
// Node has no openat/unlinkat, but Linux resolves /proc/self/fd/<fd> to the very directory the
// descriptor holds, wherever it has been moved since. Reaching a child only as
// /proc/self/fd/<fd>/<name> (one component) and opening child directories with O_NOFOLLOW gives the
// same guarantee: a process that renames a directory or swaps it for a symbolic link during a walk
// cannot lead the walk out of the tree it started in. lstat, unlink, rmdir and rename never follow
// their last component; open is told not to.
import { constants, type Dirent, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { join, sep } from 'node:path';

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** What an open with O_NOFOLLOW | O_DIRECTORY answers for a symlink or anything else that is no directory. */
export const isNotDirectory = (error: NodeJS.ErrnoException) => error.code === 'ENOTDIR' || error.code === 'ELOOP';
export const isGone = (error: NodeJS.ErrnoException) => error.code === 'ENOENT';

/** null for an entry that no longer exists; other errors are thrown on. */
export const unlessGone = (error: NodeJS.ErrnoException): null => {
  if (isGone(error)) return null;
  throw error;
};

/** A single name in a directory: never empty, '.', '..' or anything with a slash. */
function checkedName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0'))
    throw new Error(`not a single directory entry name: ${JSON.stringify(name)}`);
  return name;
}

export class DirectoryHandle {
  private constructor(
    private readonly handle: FileHandle,
    /** Where the directory was when it was opened: for messages only, never to reach it again. */
    readonly path: string,
    /** Its file system: a walk does not cross into another one mounted below. */
    readonly device: number,
  ) {}

  private static async wrap(handle: FileHandle, path: string): Promise<DirectoryHandle> {
    try {
      return new DirectoryHandle(handle, path, (await handle.stat()).dev);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Opens the directory at `path` as the configuration names it ($XDG_CACHE_HOME may well be a
   * symlink): the one place a link is followed. null when it does not exist.
   */
  static async openConfigured(path: string): Promise<DirectoryHandle | null> {
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY).catch(unlessGone);
    return handle && DirectoryHandle.wrap(handle, path);
  }

  /** Opens an absolute path one component at a time from '/', refusing a symlink anywhere on it. */
  static async openEachStep(path: string): Promise<DirectoryHandle | null> {
    if (!path.startsWith(sep)) throw new Error(`not an absolute path: ${path}`);
    let current = await DirectoryHandle.openConfigured(sep);
    for (const name of path.split(sep).filter((part) => part !== '')) {
      if (current === null) return null;
      const parent: DirectoryHandle = current;
      try {
        current = await parent.openDirectory(name);
      } finally {
        await parent.close();
      }
    }
    return current;
  }

  /** The path that reaches this very directory, wherever it is now. */
  itself(): string {
    return `/proc/self/fd/${this.handle.fd}`;
  }

  /** The path that reaches `name` in this directory and nowhere else. */
  at(name: string): string {
    return `${this.itself()}/${checkedName(name)}`;
  }

  /** Its entries with their types as the directory read them (they may change before they are used). */
  entries(): Promise<Dirent[]> {
    return readdir(this.itself(), { withFileTypes: true });
  }

  /** The child directory `name`, never through a symlink: null when it is gone, ENOTDIR/ELOOP when no directory. */
  async openDirectory(name: string): Promise<DirectoryHandle | null> {
    const handle = await open(this.at(name), DIRECTORY_FLAGS).catch(unlessGone);
    return handle && DirectoryHandle.wrap(handle, join(this.path, name));
  }

  /** Opens the file `name` with `flags`, never through a symlink (ELOOP). */
  openFile(name: string, flags: number, mode?: number): Promise<FileHandle> {
    return open(this.at(name), flags | constants.O_NOFOLLOW, mode);
  }

  /** The entry itself (a symlink as a link); null when it is gone. */
  lstat(name: string): Promise<Stats | null> {
    return lstat(this.at(name)).catch(unlessGone);
  }

  /** Removes the entry `name` if it is no directory: a symlink is removed as a link (EISDIR for a directory). */
  unlink(name: string): Promise<void> {
    return unlink(this.at(name));
  }

  /** Removes the empty directory `name` (ENOTDIR when it is a symlink now). */
  rmdir(name: string): Promise<void> {
    return rmdir(this.at(name));
  }

  /** Renames an entry within this directory, replacing what `to` names (a symlink as a link). */
  rename(from: string, to: string): Promise<void> {
    return rename(this.at(from), this.at(to));
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Runs `use` with the directory, then closes it, whatever `use` did. */
export async function withDirectory<D extends DirectoryHandle | null, T>(
  directory: D,
  use: (directory: D) => Promise<T>,
): Promise<T> {
  try {
    return await use(directory);
  } finally {
    await directory?.close();
  }
}
