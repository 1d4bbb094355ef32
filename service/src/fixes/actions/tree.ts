// Directory trees the file actions measure and empty, without ever following a symbolic link.
import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';
import { StewardError } from '../../dbus/errors.js';
import { _, format } from '../../i18n.js';

const isMissing = (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR';

/**
 * `root/name` once its real path is known to be strictly inside `root`'s (a symlink out of it is
 * refused); null when it does not exist.
 */
export async function confinedDirectory(root: string, name: string): Promise<string | null> {
  const base = await realpath(root);
  const target = await realpath(join(root, name)).catch((error: NodeJS.ErrnoException) => {
    if (isMissing(error)) return null;
    throw error;
  });
  if (target === null) return null;
  const inside = relative(base, target);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new StewardError('InvalidArgs', format(_('{path} is not inside {root}.'), { path: join(root, name), root }));
  if (!(await lstat(target)).isDirectory())
    throw new StewardError('InvalidArgs', format(_('{path} is not a directory.'), { path: join(root, name) }));
  return target;
}

/** Bytes on disk (st_blocks) of everything below `directory`, not the directory itself; hard links once. */
export async function diskUsage(directory: string | null): Promise<number> {
  if (directory === null) return 0;
  const seen = new Set<string>();
  const below = async (path: string): Promise<number> => {
    const names = await readdir(path).catch((error: NodeJS.ErrnoException) => {
      if (isMissing(error)) return [];
      throw error;
    });
    let total = 0;
    for (const name of names) {
      const entry = join(path, name);
      const info = await lstat(entry, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
        if (isMissing(error)) return null;
        throw error;
      });
      if (!info) continue;
      const key = `${info.dev}:${info.ino}`;
      if (!seen.has(key)) total += Number(info.blocks) * 512;
      seen.add(key);
      if (info.isDirectory()) total += await below(entry);
    }
    return total;
  };
  return below(directory);
}

/** Entries directly in `directory` ([] when it does not exist). */
export async function entriesOf(directory: string | null): Promise<string[]> {
  if (directory === null) return [];
  return readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (isMissing(error)) return [];
    throw error;
  });
}

/**
 * Deletes what `directory` holds and keeps the directory. fs.rm removes a symlink as a link and
 * ignores entries that vanish meanwhile; it stops between entries once `signal` is aborted.
 */
export async function emptyDirectory(directory: string | null, signal?: AbortSignal): Promise<void> {
  if (directory === null) return;
  for (const name of await entriesOf(directory)) {
    signal?.throwIfAborted();
    await rm(join(directory, name), { recursive: true, force: true });
  }
}
