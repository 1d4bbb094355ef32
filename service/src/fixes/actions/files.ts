// Actions on the user's own files: caches under ~/.cache and the trash.
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../../findings/detectors/format.js';
import type { ActionDefinition } from '../action.js';
import { pathComponent } from '../params.js';
import { confinedDirectory, diskUsage, emptyDirectory, entriesOf } from './tree.js';
import { _, format, N_, ngettext } from '../../i18n.js';

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

const notRestorable = () => _('caches are rebuilt by the programs that use them; the deleted files cannot be restored');

export const clearCache: ActionDefinition<ClearCacheParams> = {
  name: 'files.clear_cache',
  title: N_('Clear caches'),
  params: clearCacheParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  async preview({ directories }, { cacheHome }) {
    const caches = await measureCaches(cacheHome, directories);
    const bytes = caches.reduce((sum, cache) => sum + cache.bytes, 0);
    const summary =
      directories.length === 1
        ? format(_('Free {size} in ~/.cache/{folder}'), { size: formatBytes(bytes), folder: directories[0] ?? '' })
        : // Translators: {count} is always more than one.
          format(_('Free {size} in {count} folders in ~/.cache'), {
            size: formatBytes(bytes),
            count: directories.length,
          });
    return {
      summary,
      details: caches.map(({ name, directory, bytes }) =>
        directory === null
          ? format(_('~/.cache/{folder}: not there'), { folder: name })
          : `~/.cache/${name}: ${formatBytes(bytes)}`,
      ),
      bytes,
      changesNothing: caches.every((cache) => cache.entries === 0),
    };
  },
  async run({ directories }, { cacheHome }, { progress, signal }) {
    const caches = await measureCaches(cacheHome, directories);
    for (const [index, cache] of caches.entries()) {
      progress(index / caches.length, format(_('Clearing ~/.cache/{folder}'), { folder: cache.name }));
      await emptyDirectory(cache.directory, signal);
    }
    progress(1, _('Done'));
    const freed = caches.reduce((sum, cache) => sum + cache.bytes, 0);
    return {
      summary: format(_('Freed {size} in ~/.cache'), { size: formatBytes(freed) }),
      undo: { impossible: notRestorable() },
    };
  },
  async verify({ directories }, { cacheHome }) {
    const left = (await measureCaches(cacheHome, directories)).filter((cache) => cache.entries > 0);
    const remaining = left.reduce((sum, cache) => sum + cache.bytes, 0);
    return left.length === 0
      ? { ok: true, observed: directories.length === 1 ? _('the cache is empty') : _('the caches are empty') }
      : {
          ok: false,
          observed: format(_('{size} ({bytes} bytes) remain in {folders}'), {
            size: formatBytes(remaining),
            bytes: remaining,
            folders: left.map((c) => `~/.cache/${c.name}`).join(', '),
          }),
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
  title: N_('Empty the trash'),
  params: z.object({}).strict(),
  risk: 'medium',
  needsAuthorization: false,
  readOnly: false,
  async preview(_params, { dataHome }) {
    const { items, bytes, infoEntries } = await homeTrash(dataHome);
    return {
      summary: format(
        ngettext(
          'Permanently delete {count} item ({size}) in the trash',
          'Permanently delete {count} items ({size}) in the trash',
          items,
        ),
        { count: items, size: formatBytes(bytes) },
      ),
      details: [
        format(
          ngettext(
            '{count} item in ~/.local/share/Trash, {size} on disk',
            '{count} items in ~/.local/share/Trash, {size} on disk',
            items,
          ),
          { count: items, size: formatBytes(bytes) },
        ),
      ],
      bytes,
      changesNothing: items === 0 && infoEntries === 0,
    };
  },
  async run(_params, { dataHome }, { progress, signal }) {
    const trash = await homeTrash(dataHome);
    progress(
      0,
      format(ngettext('Deleting {count} item', 'Deleting {count} items', trash.items), { count: trash.items }),
    );
    await emptyDirectory(trash.files, signal);
    progress(0.9, _('Deleting the trash records'));
    await emptyDirectory(trash.info, signal);
    if (trash.sizes) await rm(trash.sizes, { force: true });
    progress(1, _('Done'));
    return {
      summary: format(_('Emptied the trash ({size})'), { size: formatBytes(trash.bytes) }),
      undo: { impossible: _('emptying the trash deletes its files for good; they cannot be restored') },
    };
  },
  async verify(_params, { dataHome }) {
    const { items, infoEntries, bytes } = await homeTrash(dataHome);
    return items === 0 && infoEntries === 0
      ? { ok: true, observed: _('the trash is empty') }
      : {
          ok: false,
          observed: format(
            ngettext(
              '{count} item ({size}) is still in the trash',
              '{count} items ({size}) are still in the trash',
              items,
            ),
            { count: items, size: formatBytes(bytes) },
          ),
        };
  },
};

export const fileActions = [clearCache, emptyTrash];
