// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.inode_usage: a mount's inodes used and free (statfs), and the directories under it that hold the most
// entries, so a person sees the cache or spool full of small files. The walk is bounded like info.disk_usage's,
// stays on the mount's file system and follows no symbolic link (lstat; only real directories are entered).
import { lstat, opendir, statfs } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { formatPercent } from '../../findings/detectors/format.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';
import { type WalkLimits, walkNotes } from './diskUsage.js';

const inodeUsageParams = z.object({ path: z.literal('/').or(absolutePath) });
type InodeUsageParams = z.infer<typeof inodeUsageParams>;

const LIMITS: WalkLimits = { timeMs: 3000, entries: 200_000 };
const TOP_SHOWN = 8;

export interface InodeCount {
  total: number;
  free: number;
}

export interface EntriesReport {
  inodes: InodeCount;
  /** The directories holding the most entries right inside them, most first. */
  top: { path: string; entries: number }[];
  entries: number;
  complete: boolean;
  unreadable: number;
}

/** The mount's inodes; total is 0 where the file system allocates them as needed (btrfs). */
export async function inodeCount(path: string): Promise<InodeCount> {
  const fs = await statfs(path);
  return { total: fs.files, free: fs.ffree };
}

/**
 * Whether `path`'s file system has run out of inodes while space is left: then "No space left on device" means
 * too many files, not too many bytes, and freeing bytes is not what helps.
 */
export async function outOfInodesOnly(path: string): Promise<boolean> {
  const fs = await statfs(path).catch(() => null);
  if (!fs || fs.files <= 0 || fs.blocks <= 0) return false;
  return fs.ffree <= fs.files * 0.02 && fs.bavail > fs.blocks * 0.05;
}

/** Entries held right inside each directory under `root` (on its file system), within `limits`. */
export async function countEntries(root: string, limits: WalkLimits = LIMITS): Promise<EntriesReport> {
  const rootStat = await lstat(root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new StewardError('InvalidArgs', `${root} is not a directory Steward can read`);
  const deadline = Date.now() + limits.timeMs;
  const report: EntriesReport = {
    inodes: await inodeCount(root),
    top: [],
    entries: 0,
    complete: true,
    unreadable: 0,
  };
  const counts: { path: string; entries: number }[] = [];
  const stack = [root];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const directory = await opendir(path).catch(() => null);
    if (!directory) {
      report.unreadable += 1;
      continue;
    }
    let held = 0;
    for await (const entry of directory) {
      if (report.entries >= limits.entries || Date.now() > deadline) {
        report.complete = false;
        break;
      }
      report.entries += 1;
      held += 1;
      // The entry's own type (lstat where the file system gives none): a symbolic link to a directory is not entered.
      if (entry.isFile() || entry.isSymbolicLink()) continue;
      const child = join(path, entry.name);
      const stats = await lstat(child).catch(() => null);
      // Another file system mounted below holds none of this mount's inodes.
      if (stats?.isDirectory() && stats.dev === rootStat.dev) stack.push(child);
    }
    if (held > 0) counts.push({ path, entries: held });
    if (!report.complete) break;
  }
  report.top = counts.sort((a, b) => b.entries - a.entries).slice(0, TOP_SHOWN);
  return report;
}

function inodeLine(inodes: InodeCount): string {
  if (inodes.total <= 0) return _('this file system allocates inodes as needed: it cannot run out of them');
  return format(_('{used} of {total} inodes used, {free} free ({percent})'), {
    used: (inodes.total - inodes.free).toLocaleString('en'),
    total: inodes.total.toLocaleString('en'),
    free: inodes.free.toLocaleString('en'),
    percent: formatPercent(inodes.free / inodes.total),
  });
}

function describe(report: EntriesReport): string[] {
  const lines = [
    inodeLine(report.inodes),
    ...report.top.map(({ path, entries }) =>
      format(ngettext('{count} entry  {path}', '{count} entries  {path}', entries), {
        count: entries.toLocaleString('en'),
        path: cleanLine(path),
      }),
    ),
  ];
  return [...lines, ...walkNotes(report)];
}

/** info.inode_usage; `limits` bound the walk (tests make them small). */
export function inodeUsageAction(limits: WalkLimits = LIMITS): ActionDefinition<InodeUsageParams> {
  return {
    name: 'info.inode_usage',
    title: N_('Show which directories hold the most files'),
    params: inodeUsageParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ path }) {
      const report = await countEntries(path, limits);
      return {
        summary: format(_('Show the inodes of {path} and the directories holding the most files'), { path }),
        details: describe(report),
        changesNothing: report.top.length === 0,
      };
    },
    async run({ path }) {
      const report = await countEntries(path, limits);
      return {
        summary: [format(_('Inodes of {path}'), { path }), ...describe(report)].join('\n'),
        undo: { impossible: _('counting changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('counted the files on {path}'), { path }) };
    },
  };
}
