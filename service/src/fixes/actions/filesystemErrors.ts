// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.filesystem_errors: what the kernel keeps of a file system's errors, read where it publishes them without
// UDisks2 nor root: ext4's counters in /sys/fs/ext4/DEV (the superblock's error count since the last check, the
// first and the last error), Btrfs's per-device error counters in /sys/fs/btrfs/UUID/devinfo/N/error_stats, and
// the mount in /proc/self/mounts (read-only now?), then what a person does next: back up, then a checked fsck.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { z } from 'zod';

import { _, format, formatClock, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';

/** A kernel block device name: sda1, nvme0n1p2, mmcblk0p1, dm-0, md127, loop3. */
const params = z.object({
  device: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_-]*$/, 'not a block device name'),
});
type FilesystemErrorsParams = z.infer<typeof params>;

export interface Mount {
  point: string;
  type: string;
  readOnly: boolean;
}

/**
 * Read-only as the kernel says it in a mount's options: "ro", or ext4's "emergency_ro" (an ext4 that made itself
 * read-only after an error keeps "rw" and adds that flag on newer kernels, as 6.18 does; older ones say "ro").
 */
export function isReadOnly(options: readonly string[]): boolean {
  return options.includes('ro') || options.includes('emergency_ro');
}

/** /proc/self/mounts escapes a space, a tab, a newline and a backslash in octal ("\040"). */
const unescapeMountField = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Where the block device `device` is mounted, as `mounts` (/proc/self/mounts' text) has it; a mapper's name resolved. */
export async function mountOf(device: string, mounts: string, root = '/'): Promise<Mount | null> {
  for (const line of mounts.split('\n')) {
    const [source, point, type, options] = line.split(' ');
    if (!source?.startsWith('/dev/') || !point || !type || !options) continue;
    // /dev/mapper/name and /dev/disk/by-… are links to the kernel's name (dm-0).
    const named =
      source === `/dev/${device}` ||
      basename(await realpath(join(root, unescapeMountField(source))).catch(() => '')) === device;
    if (named) return { point: unescapeMountField(point), type, readOnly: isReadOnly(options.split(',')) };
  }
  return null;
}

// ext4's error codes in its superblock (fs/ext4/ext4.h, EXT4_ERR_*), for those that say what to suspect.
const EXT4_ERROR_CODES: Readonly<Record<number, string>> = {
  2: N_('an input/output error: the disk under it may be failing'),
  3: N_('memory ran out'),
  4: N_('a metadata checksum did not match'),
  5: N_('its metadata is corrupted'),
  6: N_('no space was left'),
};

interface Ext4Error {
  func: string;
  line: number;
  inode: number;
  block: number;
  time: number;
  code: number;
}

interface Ext4State {
  count: number;
  first: Ext4Error | null;
  last: Ext4Error | null;
}

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
}

async function ext4Error(directory: string, which: 'first' | 'last'): Promise<Ext4Error | null> {
  const field = async (name: string) => (await readText(join(directory, `${which}_error_${name}`))) ?? '';
  const time = Number(await field('time'));
  // No error recorded: the kernel shows a time of 0 and an empty function.
  if (!time) return null;
  return {
    func: cleanLine(await field('func'), 80),
    line: Number(await field('line')) || 0,
    inode: Number(await field('ino')) || 0,
    block: Number(await field('block')) || 0,
    time,
    code: Number(await field('errcode')) || 0,
  };
}

/** ext4's record of `device`'s errors (fs/ext4/sysfs.c), or null where no ext4 of that device is mounted. */
async function readExt4(sysfs: string, device: string): Promise<Ext4State | null> {
  const directory = join(sysfs, 'ext4', device);
  const count = await readText(join(directory, 'errors_count'));
  if (count === null) return null;
  return {
    count: Number(count) || 0,
    first: await ext4Error(directory, 'first'),
    last: await ext4Error(directory, 'last'),
  };
}

/** "write_errs 0\nread_errs 0…" as pairs. */
function counters(stats: string): [string, number][] {
  return stats
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields): fields is [string, string] => /^[a-z_]+$/.test(fields[0] ?? '') && /^\d+$/.test(fields[1] ?? ''))
    .map(([name, value]) => [name, Number(value)]);
}

/**
 * Btrfs's error counters of the file system `device` belongs to, by the devid of each member (devinfo/N/
 * error_stats, since 5.14; devices/ links each member by its kernel name), or null where no mounted Btrfs has it.
 */
async function readBtrfs(sysfs: string, device: string): Promise<Map<string, [string, number][]> | null> {
  for (const uuid of await readdir(join(sysfs, 'btrfs')).catch(() => [] as string[])) {
    const linked = await readlink(join(sysfs, 'btrfs', uuid, 'devices', device)).catch(() => null);
    if (!linked) continue;
    const devinfo = join(sysfs, 'btrfs', uuid, 'devinfo');
    const members = new Map<string, [string, number][]>();
    for (const id of await readdir(devinfo).catch(() => [] as string[])) {
      const stats = await readText(join(devinfo, id, 'error_stats'));
      if (stats !== null && /^\d+$/.test(id)) members.set(id, counters(stats));
    }
    return members;
  }
  return null;
}

const when = (seconds: number) => formatClock(new Date(seconds * 1000));

function describeExt4Error(label: string, error: Ext4Error): string {
  const meaning = EXT4_ERROR_CODES[error.code];
  return format(_('{label}: in {func} (line {line}), inode {inode}, block {block}, at {time}{meaning}'), {
    label,
    func: error.func || _('an unnamed function'),
    line: error.line,
    inode: error.inode,
    block: error.block,
    time: when(error.time),
    meaning: meaning ? format(': {meaning}', { meaning: _(meaning) }) : '',
  });
}

function ext4Lines(state: Ext4State): string[] {
  const lines = [
    format(
      ngettext(
        'The kernel recorded {count} error on it since its last check (fsck).',
        'The kernel recorded {count} errors on it since its last check (fsck).',
        state.count,
      ),
      { count: state.count },
    ),
  ];
  if (state.first) lines.push(describeExt4Error(_('First error'), state.first));
  const sameAsFirst = state.first && state.last && JSON.stringify(state.first) === JSON.stringify(state.last);
  if (state.last && !sameAsFirst) lines.push(describeExt4Error(_('Last error'), state.last));
  return lines;
}

function btrfsLines(members: Map<string, [string, number][]>): string[] {
  if (members.size === 0)
    return [_('This kernel keeps no error counters for Btrfs devices where programs can read them.')];
  return [...members.entries()].map(([id, values]) =>
    format(_('Btrfs’s error counters of member {id} (since they were last reset): {counters}.'), {
      id,
      counters: values.map(([name, value]) => `${name} ${value}`).join(', '),
    }),
  );
}

/** Where it is mounted; read-only after errors is the kernel protecting it, read-only without them a choice. */
function whereLine(device: string, mount: Mount | null, type: string, damaged: boolean): string {
  if (!mount) return format(_('/dev/{device} ({type}) is not mounted now.'), { device, type });
  const facts = { device, type, point: cleanLine(mount.point) };
  if (!mount.readOnly) return format(_('/dev/{device} ({type}) is mounted on {point}, still writable.'), facts);
  return format(
    damaged
      ? _(
          '/dev/{device} ({type}) is mounted on {point} and is read-only now: the kernel stopped writing to it to protect it.',
        )
      : _('/dev/{device} ({type}) is mounted read-only on {point}.'),
    facts,
  );
}

/** Back up first; then the check that repairs, in the distribution's way where systemd-fsck checks at boot. */
function adviceLines(device: string, mount: Mount | null, type: string): string[] {
  const lines = [
    mount
      ? format(_('Back up what matters from {point} now, before anything else: reading still works.'), {
          point: cleanLine(mount.point),
        })
      : _('Back up what matters on it before repairing it.'),
  ];
  if (type === 'btrfs') {
    lines.push(
      _(
        'Btrfs checks and repairs itself while mounted: run “btrfs scrub start -B MOUNTPOINT” as root; “btrfs check” only reads an unmounted one.',
      ),
    );
    return lines;
  }
  const checker = type === 'xfs' ? `xfs_repair /dev/${device}` : `e2fsck -f /dev/${device}`;
  if (!mount) {
    lines.push(format(_('It is not mounted: “{checker}” as root checks and repairs it.'), { checker }));
  } else if (mount.point === '/') {
    lines.push(
      _(
        'A mounted file system cannot be repaired. This is the root file system: restart once with “fsck.mode=force” added to the kernel command line (press e in the boot menu), and systemd-fsck checks it before it is mounted.',
      ),
    );
  } else {
    lines.push(
      format(
        _(
          'A mounted file system cannot be repaired: unmount it (“umount {point}”) and run “{checker}” as root; or restart once with “fsck.mode=force” on the kernel command line, and systemd-fsck checks it at boot if /etc/fstab lists it.',
        ),
        { point: cleanLine(mount.point), checker },
      ),
    );
  }
  return lines;
}

/** Where the kernel publishes file systems' state; tests give a tree that stands for `/`. */
export interface FilesystemErrorsOptions {
  root?: string;
}

/** What the kernel keeps of `device`'s file system errors, and what to do; empty where it keeps nothing. */
export async function describeFilesystemErrors(device: string, root = '/'): Promise<string[]> {
  const sysfs = join(root, 'sys', 'fs');
  const mounts = (await readText(join(root, 'proc', 'self', 'mounts'))) ?? '';
  const mount = await mountOf(device, mounts, root);
  const ext4 = await readExt4(sysfs, device);
  if (ext4) {
    return [
      whereLine(device, mount, 'ext4', ext4.count > 0),
      ...ext4Lines(ext4),
      ...adviceLines(device, mount, 'ext4'),
    ];
  }
  const btrfs = await readBtrfs(sysfs, device);
  if (btrfs) {
    const damaged = [...btrfs.values()].some((values) => values.some(([, value]) => value > 0));
    return [whereLine(device, mount, 'btrfs', damaged), ...btrfsLines(btrfs), ...adviceLines(device, mount, 'btrfs')];
  }
  if (!mount) return [];
  return [
    // The kernel's lines reported errors; nothing here says the read-only mount came of them or not.
    whereLine(device, mount, mount.type, false),
    format(_('The kernel keeps no error count for {type} where programs can read it; the log lines say what failed.'), {
      type: mount.type,
    }),
    ...adviceLines(device, mount, mount.type),
  ];
}

export function filesystemErrorsAction({
  root = '/',
}: FilesystemErrorsOptions = {}): ActionDefinition<FilesystemErrorsParams> {
  return {
    name: 'info.filesystem_errors',
    title: N_('Show what the kernel recorded of a file system’s errors'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // Nothing mounted from the device and nothing the kernel keeps of it: nothing to show.
    async preview({ device }) {
      const details = await describeFilesystemErrors(device, root);
      return {
        summary: format(
          _(
            'Show the errors the kernel recorded on the file system of /dev/{device}, where it is mounted, and what to do',
          ),
          { device },
        ),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run({ device }) {
      const details = await describeFilesystemErrors(device, root);
      return {
        summary: (details.length > 0
          ? details
          : [
              format(_('No file system of /dev/{device} is mounted now, and the kernel keeps nothing of it.'), {
                device,
              }),
            ]
        ).join('\n'),
        undo: { impossible: _('reading what the kernel recorded changes nothing') },
      };
    },
    async verify({ device }) {
      return { ok: true, observed: format(_('read what the kernel recorded of /dev/{device}'), { device }) };
    },
  };
}
