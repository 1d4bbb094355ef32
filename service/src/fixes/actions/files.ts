// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Actions on the user's own files: caches under ~/.cache and the trash. Each directory is opened once
// and emptied by descriptor (tree.ts), so no link or swap during the run leads outside it.
import { z } from 'zod';

import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import type { ActionDefinition } from '../action.js';
import { pathComponent } from '../params.js';
import { DirectoryHandle, unlessGone, withDirectory } from './dirHandle.js';
import { diskUsage, emptyDirectory, entriesIn, openConfined, openConfinedChild, openIfDirectory } from './tree.js';

const clearCacheParams = z.object({ directories: z.array(pathComponent).min(1).max(20) });
type ClearCacheParams = z.infer<typeof clearCacheParams>;

interface Cache {
  name: string;
  /** null: not there. */
  directory: DirectoryHandle | null;
  bytes: number;
  entries: number;
}

/** Runs `use` with the named cache directories opened once, confined to cacheHome, and measured; closes them after. */
async function withCaches<T>(cacheHome: string, names: string[], use: (caches: Cache[]) => Promise<T>): Promise<T> {
  return withDirectory(await DirectoryHandle.openConfigured(cacheHome), async (home) => {
    const caches: Cache[] = [];
    try {
      for (const name of names) {
        const cache: Cache = { name, directory: await openConfinedChild(home, name), bytes: 0, entries: 0 };
        caches.push(cache);
        cache.bytes = await diskUsage(cache.directory);
        cache.entries = (await entriesIn(cache.directory)).length;
      }
      return await use(caches);
    } finally {
      await Promise.all(caches.flatMap((cache) => (cache.directory ? [cache.directory.close()] : [])));
    }
  });
}

const notRestorable = () => _('caches are rebuilt by the programs that use them; the deleted files cannot be restored');

export const clearCache: ActionDefinition<ClearCacheParams> = {
  name: 'files.clear_cache',
  title: N_('Clear caches'),
  params: clearCacheParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  changes: 'files',
  preview: ({ directories }, { cacheHome }) =>
    withCaches(cacheHome, directories, async (caches) => {
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
    }),
  run: ({ directories }, { cacheHome }, { progress, signal }) =>
    withCaches(cacheHome, directories, async (caches) => {
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
    }),
  verify: ({ directories }, { cacheHome }) =>
    withCaches(cacheHome, directories, async (caches) => {
      const left = caches.filter((cache) => cache.entries > 0);
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
    }),
};

/** The directories directly in cacheHome, biggest first, for a playbook to propose which to clear. */
export async function largestCacheDirectories(cacheHome: string): Promise<{ name: string; bytes: number }[]> {
  return withDirectory(await DirectoryHandle.openConfigured(cacheHome), async (home) => {
    if (home === null) return [];
    const caches = [];
    for (const entry of await entriesIn(home)) {
      if (!entry.isDirectory()) continue;
      const bytes = await withDirectory(await openIfDirectory(home, entry.name), diskUsage);
      caches.push({ name: entry.name, bytes });
    }
    return caches.sort((a, b) => b.bytes - a.bytes);
  });
}

// The trash as the freedesktop.org Trash specification lays it out in $XDG_DATA_HOME/Trash. Trash
// directories on other mounts ($topdir/.Trash-$uid) are left alone: they belong to removable or
// shared disks that may not be mounted, and the files in them were not thrown away on this disk.
interface HomeTrash {
  /** The Trash directory itself (null: there is none), files/ and info/ in it. */
  trash: DirectoryHandle | null;
  files: DirectoryHandle | null;
  info: DirectoryHandle | null;
  items: number;
  bytes: number;
  infoEntries: number;
}

const SIZES = 'directorysizes';

/** Runs `use` with the trash's directories opened once and measured; closes them after. */
async function withHomeTrash<T>(dataHome: string, use: (trash: HomeTrash) => Promise<T>): Promise<T> {
  return withDirectory(await openConfined(dataHome, 'Trash'), async (trash) =>
    withDirectory(await openConfinedChild(trash, 'files'), async (files) =>
      withDirectory(await openConfinedChild(trash, 'info'), async (info) => {
        const sizesBytes = ((await trash?.lstat(SIZES))?.blocks ?? 0) * 512;
        const items = (await entriesIn(files)).length;
        const bytes = (await diskUsage(files)) + (await diskUsage(info)) + sizesBytes;
        return use({ trash, files, info, items, bytes, infoEntries: (await entriesIn(info)).length });
      }),
    ),
  );
}

export const emptyTrash: ActionDefinition<Record<string, never>> = {
  name: 'files.empty_trash',
  title: N_('Empty the trash'),
  params: z.object({}).strict(),
  risk: 'medium',
  needsAuthorization: false,
  readOnly: false,
  changes: 'files',
  preview: (_params, { dataHome }) =>
    withHomeTrash(dataHome, async ({ items, bytes, infoEntries }) => ({
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
    })),
  run: (_params, { dataHome }, { progress, signal }) =>
    withHomeTrash(dataHome, async (trash) => {
      progress(
        0,
        format(ngettext('Deleting {count} item', 'Deleting {count} items', trash.items), { count: trash.items }),
      );
      await emptyDirectory(trash.files, signal);
      progress(0.9, _('Deleting the trash records'));
      await emptyDirectory(trash.info, signal);
      await trash.trash?.unlink(SIZES).catch(unlessGone);
      progress(1, _('Done'));
      return {
        summary: format(_('Emptied the trash ({size})'), { size: formatBytes(trash.bytes) }),
        undo: { impossible: _('emptying the trash deletes its files for good; they cannot be restored') },
      };
    }),
  verify: (_params, { dataHome }) =>
    withHomeTrash(dataHome, async ({ items, infoEntries, bytes }) =>
      items === 0 && infoEntries === 0
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
          },
    ),
};

export const fileActions = [clearCache, emptyTrash];
