// Actions on the user's own files: caches under ~/.cache and the trash.
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../../findings/detectors/format.js';
import type { ActionDefinition } from '../action.js';
import { pathComponent } from '../params.js';
import { confinedDirectory, diskUsage, emptyDirectory, entriesOf } from './tree.js';

const clearCacheParams = z.object({ directories: z.array(pathComponent).min(1).max(20) });
type ClearCacheParams = z.infer<typeof clearCacheParams>;

/** The named cache directories, confined to cacheHome (null: not there), with what they use. */
async function measureCaches(cacheHome: string, names: string[]) {
  const caches = [];
  for (const name of names) {
    const directory = await confinedDirectory(cacheHome, name);
    caches.push({ name, directory, bytes: await diskUsage(directory), entries: (await entriesOf(directory)).length });
  }
  return caches;
}

const NOT_RESTORABLE = 'caches are rebuilt by the programs that use them; the deleted files cannot be restored';

export const clearCache: ActionDefinition<ClearCacheParams> = {
  name: 'files.clear_cache',
  title: 'Clear caches',
  params: clearCacheParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  async preview({ directories }, { cacheHome }) {
    const caches = await measureCaches(cacheHome, directories);
    const bytes = caches.reduce((sum, cache) => sum + cache.bytes, 0);
    const where = directories.length === 1 ? `~/.cache/${directories[0]}` : `${directories.length} folders in ~/.cache`;
    return {
      summary: `Free ${formatBytes(bytes)} in ${where}`,
      details: caches.map(({ name, directory, bytes }) =>
        directory === null ? `~/.cache/${name}: not there` : `~/.cache/${name}: ${formatBytes(bytes)}`,
      ),
      bytes,
      changesNothing: caches.every((cache) => cache.entries === 0),
    };
  },
  async run({ directories }, { cacheHome }, { progress, signal }) {
    const caches = await measureCaches(cacheHome, directories);
    for (const [index, cache] of caches.entries()) {
      progress(index / caches.length, `Clearing ~/.cache/${cache.name}`);
      await emptyDirectory(cache.directory, signal);
    }
    progress(1, 'Done');
    const freed = caches.reduce((sum, cache) => sum + cache.bytes, 0);
    return { summary: `Freed ${formatBytes(freed)} in ~/.cache`, undo: { impossible: NOT_RESTORABLE } };
  },
  async verify({ directories }, { cacheHome }) {
    const left = (await measureCaches(cacheHome, directories)).filter((cache) => cache.entries > 0);
    const remaining = left.reduce((sum, cache) => sum + cache.bytes, 0);
    return left.length === 0
      ? { ok: true, observed: `${directories.length === 1 ? 'the cache is' : 'the caches are'} empty` }
      : {
          ok: false,
          observed: `${formatBytes(remaining)} (${remaining} bytes) remain in ${left.map((c) => `~/.cache/${c.name}`).join(', ')}`,
        };
  },
};

/** The directories directly in cacheHome, biggest first, for a playbook to propose which to clear. */
export async function largestCacheDirectories(cacheHome: string): Promise<{ name: string; bytes: number }[]> {
  const caches = [];
  for (const name of await entriesOf(cacheHome)) {
    const info = await lstat(join(cacheHome, name));
    if (info.isDirectory()) caches.push({ name, bytes: await diskUsage(join(cacheHome, name)) });
  }
  return caches.sort((a, b) => b.bytes - a.bytes);
}

// The trash as the freedesktop.org Trash specification lays it out in $XDG_DATA_HOME/Trash. Trash
// directories on other mounts ($topdir/.Trash-$uid) are left alone: they belong to removable or
// shared disks that may not be mounted, and the files in them were not thrown away on this disk.
async function homeTrash(dataHome: string) {
  const trash = await confinedDirectory(dataHome, 'Trash');
  const files = trash && (await confinedDirectory(trash, 'files'));
  const info = trash && (await confinedDirectory(trash, 'info'));
  const sizes = trash && join(trash, 'directorysizes');
  const sizesBytes = sizes
    ? await lstat(sizes).then(
        (stat) => stat.blocks * 512,
        () => 0,
      )
    : 0;
  const items = (await entriesOf(files)).length;
  const bytes = (await diskUsage(files)) + (await diskUsage(info)) + sizesBytes;
  return { files, info, sizes, items, bytes, infoEntries: (await entriesOf(info)).length };
}

export const emptyTrash: ActionDefinition<Record<string, never>> = {
  name: 'files.empty_trash',
  title: 'Empty the trash',
  params: z.object({}).strict(),
  risk: 'medium',
  needsAuthorization: false,
  readOnly: false,
  async preview(_params, { dataHome }) {
    const { items, bytes, infoEntries } = await homeTrash(dataHome);
    return {
      summary: `Permanently delete ${items} ${items === 1 ? 'item' : 'items'} (${formatBytes(bytes)}) in the trash`,
      details: [`${items} ${items === 1 ? 'item' : 'items'} in ~/.local/share/Trash, ${formatBytes(bytes)} on disk`],
      bytes,
      changesNothing: items === 0 && infoEntries === 0,
    };
  },
  async run(_params, { dataHome }, { progress, signal }) {
    const trash = await homeTrash(dataHome);
    progress(0, `Deleting ${trash.items} items`);
    await emptyDirectory(trash.files, signal);
    progress(0.9, 'Deleting the trash records');
    await emptyDirectory(trash.info, signal);
    if (trash.sizes) await rm(trash.sizes, { force: true });
    progress(1, 'Done');
    return {
      summary: `Emptied the trash (${formatBytes(trash.bytes)})`,
      undo: { impossible: 'emptying the trash deletes its files for good; they cannot be restored' },
    };
  },
  async verify(_params, { dataHome }) {
    const { items, infoEntries, bytes } = await homeTrash(dataHome);
    return items === 0 && infoEntries === 0
      ? { ok: true, observed: 'the trash is empty' }
      : { ok: false, observed: `${items} items (${formatBytes(bytes)}) are still in the trash` };
  },
};

export const fileActions = [clearCache, emptyTrash];
