// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// disk_usage: how full each filesystem is, and optionally what fills the home directory.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { formatBytes } from '../../models/progress.js';
import { cleanLine } from '../../untrustedText.js';
import type { DirectoryScan, MountUsage } from '../machine.js';
import { defineTool } from '../tool.js';
import { formatPercent } from './format.js';

/** More mounts than this are only counted: the output stays short on machines with many disks. */
const MAX_MOUNTS = 20;
const LARGEST_COUNT = 8;
/** Enough for a typical home in a few seconds; a bigger one is reported as partial. */
const ENTRY_BUDGET = 200_000;

/** The mount holding `path`: the one with the longest mount point that is `path` or one of its parents. */
function mountHolding(mounts: MountUsage[], path: string): MountUsage | undefined {
  const holding = mounts.filter(
    ({ mount }) => path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`),
  );
  return holding.sort((a, b) => b.mount.length - a.mount.length)[0];
}

function describeMount(usage: MountUsage): string {
  const inodes = usage.inodesUsedPercent === null ? 'no inode limit' : `inodes ${usage.inodesUsedPercent}%`;
  // Of what the user may fill, as df counts it: the root-reserved blocks are in neither.
  const used = formatPercent(usage.usedBytes, usage.usedBytes + usage.availableBytes);
  return [
    cleanLine(usage.mount),
    usage.fsType,
    `${formatBytes(usage.usedBytes)} of ${formatBytes(usage.sizeBytes)} used (${used}), ${formatBytes(usage.availableBytes)} free, ${inodes}`,
  ].join('  ');
}

function describeScan(scan: DirectoryScan): string[] {
  const heading = `Largest directories in ${cleanLine(scan.root)}${scan.partial ? ' (the scan stopped early: sizes are lower bounds)' : ''}:`;
  if (scan.largest.length === 0) return [heading, '  none'];
  return [heading, ...scan.largest.map(({ path, bytes }) => `  ${cleanLine(path)}  ${formatBytes(bytes)}`)];
}

export const diskUsageTool = defineTool({
  name: 'disk_usage',
  description: 'How full each filesystem is; on request the largest folders in home.',
  params: z.object({
    mount: z.string().regex(/^\//, 'an absolute path').optional().describe('Only the filesystem holding this path'),
    largest_in_home: z.boolean().default(false).describe('Also the largest folders in home (slow)'),
  }),
  progress: N_('checking disk usage…'),
  async run({ mount, largest_in_home: largestInHome }, { machine }) {
    let mounts = await machine.mounts();
    if (mount !== undefined) {
      const holding = mountHolding(mounts, mount);
      if (!holding) throw new Error(`No filesystem shown here holds ${mount}.`);
      mounts = [holding];
    }
    const lines = mounts.slice(0, MAX_MOUNTS).map(describeMount);
    if (mounts.length > MAX_MOUNTS) lines.push(`… and ${mounts.length - MAX_MOUNTS} more filesystems`);
    if (largestInHome) {
      lines.push(...describeScan(await machine.largestDirectories(machine.home(), LARGEST_COUNT, ENTRY_BUDGET)));
    }
    return lines.join('\n');
  },
});
