// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.disk_usage: what fills a mount, as the user can see it. A read-only
// walk of the directories the user can read, on the same file system only,
// bounded in time and entries so a huge tree cannot hold the service; all I/O
// is asynchronous, so the main loop keeps serving while it counts.
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';

// The root is a mount like any other (absolutePath alone refuses "/", for the actions that change files).
const diskUsageParams = z.object({ path: z.literal('/').or(absolutePath) });
type DiskUsageParams = z.infer<typeof diskUsageParams>;

export interface WalkLimits {
  timeMs: number;
  entries: number;
}

const LIMITS: WalkLimits = { timeMs: 3000, entries: 200_000 };
const TOP_SHOWN = 8;
const CHILDREN_SHOWN = 2;

export interface DirectoryUsage {
  path: string;
  bytes: number;
  children: DirectoryUsage[];
}

export interface UsageReport {
  /** The biggest directories (and files) right under the root, each directory with its biggest subdirectories. */
  top: DirectoryUsage[];
  /** Entries counted; the walk stopped early when `complete` is false. */
  entries: number;
  complete: boolean;
  /** Directories that could not be read (permissions): their contents are not counted. */
  unreadable: number;
}

/** Bytes used on disk under each directory of the first two levels below `root`, within `limits`. */
export async function measureUsage(root: string, limits: WalkLimits = LIMITS): Promise<UsageReport> {
  const rootStat = await lstat(root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new StewardError('InvalidArgs', `${root} is not a directory Steward can read`);
  const deadline = Date.now() + limits.timeMs;
  // Sizes by directory of the first (and second) level, keyed by path.
  const first = new Map<string, DirectoryUsage>();
  const report: UsageReport = { top: [], entries: 0, complete: true, unreadable: 0 };
  const stack: { path: string; owners: DirectoryUsage[] }[] = [{ path: root, owners: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { path, owners } = next;
    const directory = await opendir(path).catch(() => null);
    if (!directory) {
      report.unreadable += 1;
      continue;
    }
    for await (const entry of directory) {
      if (report.entries >= limits.entries || Date.now() > deadline) {
        report.complete = false;
        break;
      }
      report.entries += 1;
      const child = join(path, entry.name);
      const stats = await lstat(child).catch(() => null);
      if (!stats) continue;
      const bytes = stats.blocks * 512;
      for (const owner of owners) owner.bytes += bytes;
      // Other file systems mounted below are not this mount's space.
      if (stats.dev !== rootStat.dev) continue;
      if (!stats.isDirectory()) {
        // A file right under the root can be what fills it (a capture, an image): it stands beside the directories.
        if (owners.length === 0 && bytes > 0) first.set(child, { path: child, bytes, children: [] });
        continue;
      }
      const level = owners.length;
      const usage: DirectoryUsage = { path: child, bytes, children: [] };
      const [parent] = owners;
      if (!parent) first.set(child, usage);
      else if (level === 1) parent.children.push(usage);
      stack.push({ path: child, owners: level < 2 ? [...owners, usage] : owners });
    }
    // Leaving the for-await loop closed the directory.
    if (!report.complete) break;
  }
  const bySize = (a: DirectoryUsage, b: DirectoryUsage) => b.bytes - a.bytes;
  report.top = [...first.values()]
    .sort(bySize)
    .slice(0, TOP_SHOWN)
    .map((usage) => ({ ...usage, children: usage.children.sort(bySize).slice(0, CHILDREN_SHOWN) }));
  return report;
}

/** What a bounded walk left out: where it stopped early, and the directories it could not read. */
export function walkNotes(walk: { complete: boolean; entries: number; unreadable: number }): string[] {
  return [
    ...(walk.complete
      ? []
      : [format(_('counted the first {count} entries only; the rest was not measured'), { count: walk.entries })]),
    ...(walk.unreadable > 0
      ? [
          format(
            ngettext(
              '{count} directory you cannot read is not counted',
              '{count} directories you cannot read are not counted',
              walk.unreadable,
            ),
            { count: walk.unreadable },
          ),
        ]
      : []),
  ];
}

function describe(report: UsageReport): string[] {
  const lines = report.top.flatMap((usage) => [
    `${formatBytes(usage.bytes)}  ${cleanLine(usage.path)}`,
    ...usage.children.map((child) => `    ${formatBytes(child.bytes)}  ${cleanLine(child.path)}`),
  ]);
  return [...lines, ...walkNotes(report)];
}

/** info.disk_usage; `limits` bound the walk (tests make them small). */
export function diskUsageAction(limits: WalkLimits = LIMITS): ActionDefinition<DiskUsageParams> {
  return {
    name: 'info.disk_usage',
    title: N_('Show what fills a disk'),
    params: diskUsageParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // Like show_logs, the preview is the result.
    async preview({ path }) {
      const report = await measureUsage(path, limits);
      return {
        summary: format(_('Show the biggest directories on {path}'), { path }),
        details: describe(report),
        changesNothing: report.top.length === 0,
      };
    },
    async run({ path }) {
      const report = await measureUsage(path, limits);
      return {
        summary: [format(_('The biggest directories on {path}'), { path }), ...describe(report)].join('\n'),
        undo: { impossible: _('measuring changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('measured {path}'), { path }) };
    },
  };
}
