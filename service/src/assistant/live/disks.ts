// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Mounted filesystems with their usage, and a bounded scan for the largest
// directories under a root.
import { lstat, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { DirectoryScan, DirectorySize, MountUsage } from '../machine.js';

/**
 * Filesystems on local storage. Pseudo filesystems (proc, sysfs, cgroup…),
 * read-only images (squashfs snaps), overlays of containers and autofs
 * triggers say nothing about free space; network and FUSE filesystems are left
 * out too, because statfs on an unreachable server can hang the answer.
 */
const LOCAL_FILESYSTEMS = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'bcachefs',
  'f2fs',
  'zfs',
  'jfs',
  'vfat',
  'exfat',
  'ntfs',
  'ntfs3',
  // ntfs-3g's mounts.
  'fuseblk',
  'hfsplus',
]);

/** Kernel and runtime plumbing, e.g. /run/netns bind mounts; removable media under /run/media stay. */
const SYSTEM_MOUNT =
  /^\/(?:proc|sys|dev|run(?!\/media(?:\/|$)))(?:\/|$)|^\/(?:snap|var\/lib\/(?:snapd|docker|containers))(?:\/|$)/;

interface MountEntry {
  device: string;
  /** major:minor and the mounted directory of that filesystem: a bind mount repeats both. */
  source: string;
  mount: string;
  fsType: string;
}

/** mountinfo writes space, tab, newline and backslash in octal. */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

function parseMountinfo(text: string): MountEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      // id parent major:minor root mount options [optional…] - fstype source superoptions
      const [before = '', after = ''] = line.split(' - ');
      const [, , majorMinor = '', root = '', mount = ''] = before.split(' ');
      const [fsType = '', device = ''] = after.split(' ');
      return { device: unescape(device), source: `${majorMinor} ${root}`, mount: unescape(mount), fsType };
    });
}

/**
 * Whether a person asks about this filesystem's space. A tmpfs counts only as
 * /tmp and as the user's own /run/user/UID: both fill up and break programs,
 * while the other tmpfs mounts are sized by the system for its own use.
 */
function userFacing({ mount, fsType }: MountEntry): boolean {
  if (fsType === 'tmpfs') return mount === '/tmp' || mount === `/run/user/${process.getuid?.()}`;
  return LOCAL_FILESYSTEMS.has(fsType) && !SYSTEM_MOUNT.test(mount);
}

export async function readMounts(mountinfo = '/proc/self/mountinfo'): Promise<MountUsage[]> {
  const seen = new Set<string>();
  const entries = parseMountinfo(await readFile(mountinfo, 'utf8')).filter((entry) => {
    if (!userFacing(entry) || seen.has(entry.source)) return false;
    seen.add(entry.source);
    return true;
  });
  return Promise.all(
    entries.map(async ({ mount, device, fsType }) => {
      const fs = await statfs(mount);
      return {
        mount,
        device,
        fsType,
        sizeBytes: fs.blocks * fs.bsize,
        usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
        availableBytes: fs.bavail * fs.bsize,
        inodesUsedPercent: fs.files === 0 ? null : Math.round(((fs.files - fs.ffree) / fs.files) * 100),
      };
    }),
  );
}

/** A directory's names, or none when it cannot be read: not ours to read, or gone since it was listed. */
async function listDirectory(path: string): Promise<string[]> {
  return readdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EACCES' || error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
}

/** A first- or second-level directory being sized. */
interface Sized extends DirectorySize {
  /** The first-level directory holding a second-level one. */
  parent: Sized | null;
}

/** Directories read at once. */
const PARALLEL_DIRECTORIES = 16;

/** A second-level directory is listed beside its parent when it holds at least this share of it. */
const DOMINANT_SHARE = 0.5;

/**
 * Sizes the directories under `directory` breadth first, so a budget cut short
 * leaves every branch partly counted rather than a few fully. Each entry's
 * allocated size goes to the first-level directory it lies in and to the
 * second-level one; the answer lists the first-level directories plus the
 * second-level ones that hold most of their parent (~/.cache/thumbnails), as
 * those are what a person would clean, and one level deeper would mostly
 * repeat its parent's size.
 */
export async function scanLargestDirectories(
  directory: string,
  limit: number,
  entryBudget: number,
): Promise<DirectoryScan> {
  const root = resolve(directory);
  // stat: the root itself may be a link (/home to /var/home), and is where the person asked to look.
  const { dev } = await stat(root);
  const sized: Sized[] = [];
  /** Directories still to read, with the first- and second-level directories they count towards. */
  const queue: { path: string; owners: Sized[] }[] = [{ path: root, owners: [] }];
  let budget = entryBudget;
  let partial = false;
  const visit = async ({ path: parentPath, owners }: { path: string; owners: Sized[] }) => {
    const names = await listDirectory(parentPath);
    if (names.length > budget) partial = true;
    const visited = names.slice(0, budget);
    budget -= visited.length;
    await Promise.all(
      visited.map(async (name) => {
        const path = join(parentPath, name);
        const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        // lstat: a symbolic link counts as itself and is never followed; another filesystem is not this one's usage.
        if (!info || (info.isDirectory() && info.dev !== dev)) return;
        let counted = owners;
        if (info.isDirectory()) {
          if (owners.length < 2) {
            const own: Sized = { path, bytes: 0, parent: owners[0] ?? null };
            sized.push(own);
            counted = [...owners, own];
          }
          queue.push({ path, owners: counted });
        }
        // st_blocks counts 512-byte units whatever the block size, and only what is allocated (sparse files).
        for (const owner of counted) owner.bytes += info.blocks * 512;
      }),
    );
  };
  // Several directories at a time keep the file system busy; one by one, a home takes several times longer.
  while (queue.length > 0 && !partial) await Promise.all(queue.splice(0, PARALLEL_DIRECTORIES).map(visit));
  const listed: DirectorySize[] = sized
    .filter(({ bytes, parent }) => parent === null || bytes >= parent.bytes * DOMINANT_SHARE)
    .map(({ path, bytes }) => ({ path, bytes }));
  listed.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  return { root, largest: listed.slice(0, limit), partial };
}
