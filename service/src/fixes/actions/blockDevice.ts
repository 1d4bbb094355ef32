// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.block_device: what the kernel itself publishes of a block device that reported I/O errors, read from sysfs
// and /proc without UDisks2 nor udev: its size, whether it is read-only, its model, the SCSI layer's error
// counters, where it and its partitions are mounted, and for a loop device the file behind it and the file
// system that file lives on: a loop device's errors are that file's storage failing. For a controller or link the
// kernel's lines name (nvme0, ata1), the same of the disks below it.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { z } from 'zod';

import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { type Mount, mountOf } from './filesystemErrors.js';

/** A kernel block device name: sda, sda1, nvme0n1, mmcblk0p1, dm-0, md127, loop3. */
const params = z.object({
  device: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_-]*$/, 'not a block device name'),
});
type BlockDeviceParams = z.infer<typeof params>;

const SECTOR = 512;

/** File systems whose reads go over the network: a lost server or link fails them. */
const NETWORK_TYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb3', '9p', 'ceph', 'glusterfs', 'afs', 'virtiofs']);

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
}

/** The kernel appends this to a loop device's backing_file once the file was deleted (d_path). */
const DELETED = ' (deleted)';

export interface LoopBacking {
  file: string;
  deleted: boolean;
  offset: number;
  sizeLimit: number;
  autoclear: boolean;
}

/** The file behind loop device `device` (/sys/block/loopN/loop), or null where it is no attached loop device. */
export async function loopBacking(device: string, root = '/'): Promise<LoopBacking | null> {
  const directory = join(root, 'sys', 'class', 'block', device, 'loop');
  const named = await readText(join(directory, 'backing_file'));
  if (!named) return null;
  const deleted = named.endsWith(DELETED);
  return {
    file: deleted ? named.slice(0, -DELETED.length) : named,
    deleted,
    offset: Number(await readText(join(directory, 'offset'))) || 0,
    sizeLimit: Number(await readText(join(directory, 'sizelimit'))) || 0,
    autoclear: (await readText(join(directory, 'autoclear'))) === '1',
  };
}

/** /proc/self/mountinfo escapes a space, a tab, a newline and a backslash in octal ("\040"). */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export interface HoldingMount {
  point: string;
  type: string;
  source: string;
  readOnly: boolean;
}

/** The mount that holds `path`: the longest mount point of /proc/self/mountinfo's text `mountinfo` above it. */
export function mountHolding(path: string, mountinfo: string): HoldingMount | null {
  let found: HoldingMount | null = null;
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    const point = fields[4];
    const [type, source] = [fields[separator + 1], fields[separator + 2]];
    if (separator < 6 || !point || !type || source === undefined) continue;
    const mounted = unescape(point);
    const above = mounted === '/' || path === mounted || path.startsWith(`${mounted}/`);
    if (!above || (found && found.point.length > mounted.length)) continue;
    found = { point: mounted, type, source: unescape(source), readOnly: (fields[5] ?? '').split(',').includes('ro') };
  }
  return found;
}

/** What the file system under a loop device's file means for its errors. */
function holderLine(holder: HoldingMount): string {
  const facts = {
    point: cleanLine(holder.point),
    type: cleanLine(holder.type, 40),
    source: cleanLine(holder.source, 120),
    readOnly: holder.readOnly ? format(', {ro}', { ro: _('read-only') }) : '',
  };
  if (holder.type === 'fuse' || holder.type.startsWith('fuse.') || holder.type === 'fuseblk') {
    return format(
      _(
        'That file is on {point}, a FUSE file system ({type}, from {source}{readOnly}): a program answers its reads, and when that program or the storage it reads from fails, so do the loop device’s reads.',
      ),
      facts,
    );
  }
  if (NETWORK_TYPES.has(holder.type)) {
    return format(
      _(
        'That file is on {point}, a network file system ({type}, from {source}{readOnly}): a lost server or link fails the loop device’s reads.',
      ),
      facts,
    );
  }
  if (holder.source.startsWith('/dev/')) {
    return format(
      _(
        'That file is on {point} ({type}, on {source}{readOnly}): errors of the loop device are errors reading that file; look at {source} and its file system next.',
      ),
      facts,
    );
  }
  return format(_('That file is on {point} ({type}, from {source}{readOnly}).'), facts);
}

function loopLines(device: string, backing: LoopBacking, holder: HoldingMount | null): string[] {
  const file = cleanLine(backing.file);
  const lines = [format(_('/dev/{device} is a loop device: its data is the file {file}.'), { device, file })];
  if (backing.offset > 0 || backing.sizeLimit > 0) {
    lines.push(
      format(_('It uses {size} of that file from byte {offset} on.'), {
        size: backing.sizeLimit > 0 ? formatBytes(backing.sizeLimit) : _('the rest'),
        offset: backing.offset,
      }),
    );
  }
  if (backing.deleted) {
    lines.push(
      _('That file was deleted since it was attached: the kernel still holds it open, and nothing else can reach it.'),
    );
  }
  lines.push(
    backing.autoclear
      ? _('It is detached when its last user closes it.')
      : _('It stays attached until someone detaches it (losetup --detach).'),
  );
  if (holder) lines.push(holderLine(holder));
  return lines;
}

/** The whole disk's sysfs directory for `directory` (a partition's parent), and the names of its partitions. */
async function diskOf(directory: string): Promise<{ disk: string; partitions: string[] }> {
  const resolved = await realpath(directory);
  const partition = (await readText(join(resolved, 'partition'))) !== null;
  const disk = partition ? dirname(resolved) : resolved;
  const partitions: string[] = [];
  for (const entry of await readdir(disk).catch(() => [] as string[])) {
    if ((await readText(join(disk, entry, 'partition'))) !== null) partitions.push(entry);
  }
  return { disk, partitions: partitions.sort() };
}

/** "0x1f" (the SCSI layer's counters are printed in hex) as a number, or null. */
const hexCount = (text: string | null) => (text && /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : null);

async function hardwareLines(disk: string): Promise<string[]> {
  const device = join(disk, 'device');
  const lines: string[] = [];
  // A virtio disk's "vendor" is its PCI vendor's number (0x1af4): no name a person knows.
  const model = [await readText(join(device, 'vendor')), await readText(join(device, 'model'))]
    .filter((part): part is string => Boolean(part) && !/^0x[0-9a-f]+$/i.test(part ?? ''))
    .join(' ');
  if (model) lines.push(format(_('Model: {model}'), { model: cleanLine(model, 120) }));
  const state = await readText(join(device, 'state'));
  if (state) lines.push(format(_('The driver says the device is “{state}”.'), { state: cleanLine(state, 40) }));
  const failed = hexCount(await readText(join(device, 'ioerr_cnt')));
  const done = hexCount(await readText(join(device, 'iodone_cnt')));
  const timedOut = hexCount(await readText(join(device, 'iotmo_cnt')));
  if (failed !== null) {
    lines.push(
      format(
        _('The SCSI layer’s counters since boot: {failed} commands failed, {done} completed, {timedOut} timed out.'),
        {
          failed,
          done: done ?? '?',
          timedOut: timedOut ?? 0,
        },
      ),
    );
  }
  return lines;
}

function mountLine(name: string, mount: Mount | null): string {
  if (!mount) return format(_('/dev/{device} is not mounted.'), { device: name });
  return format(
    mount.readOnly
      ? _('/dev/{device} is mounted read-only on {point} ({type}).')
      : _('/dev/{device} is mounted on {point} ({type}), writable.'),
    { device: name, point: cleanLine(mount.point), type: mount.type },
  );
}

/** What the kernel publishes of the block device `device` (sysfs' class/block entry `directory`). */
async function blockDeviceLines(device: string, directory: string, root: string): Promise<string[]> {
  const { disk, partitions } = await diskOf(directory);
  const sectors = Number(await readText(join(directory, 'size'))) || 0;
  const readOnly = (await readText(join(directory, 'ro'))) === '1';
  const lines = [
    format(_('/dev/{device}: {size}, {access}.'), {
      device,
      size: formatBytes(sectors * SECTOR),
      access: readOnly ? _('read-only (the kernel refuses writes to it)') : _('writable'),
    }),
    ...(await hardwareLines(disk)),
  ];
  const backing = await loopBacking(device, root);
  if (backing) {
    const mountinfo = (await readText(join(root, 'proc', 'self', 'mountinfo'))) ?? '';
    lines.push(...loopLines(device, backing, mountHolding(backing.file, mountinfo)));
  } else if (/^loop\d+$/.test(device)) {
    // The kernel keeps a loop device's loop/ directory only while a file is attached.
    lines.push(format(_('/dev/{device} is a loop device, attached to no file now.'), { device }));
  }
  const mounts = (await readText(join(root, 'proc', 'self', 'mounts'))) ?? '';
  for (const name of [device, ...partitions.filter((partition) => partition !== device)]) {
    lines.push(mountLine(name, await mountOf(name, mounts, root)));
  }
  return lines;
}

/** Disks shown for one controller or link: a machine has few, a storage server many. */
const DISKS_SHOWN = 4;

/**
 * The whole disks below the controller or link `name` ("ata1", "nvme0": what the kernel's lines name, which are no
 * block devices), by their sysfs paths (…/ata1/host0/…/block/sda, …/nvme/nvme0/nvme0n1).
 */
async function disksBelow(name: string, root: string): Promise<string[]> {
  const classBlock = join(root, 'sys', 'class', 'block');
  const found: string[] = [];
  for (const entry of (await readdir(classBlock).catch(() => [] as string[])).sort()) {
    const resolved = await realpath(join(classBlock, entry)).catch(() => '');
    const whole = (await readText(join(resolved, 'partition'))) === null;
    if (whole && resolved.split('/').includes(name)) found.push(entry);
  }
  return found;
}

/**
 * What the kernel publishes of `device`: a block device, or the disks below a controller or link of that name;
 * empty where it has neither.
 */
export async function describeBlockDevice(device: string, root = '/'): Promise<string[]> {
  const directory = join(root, 'sys', 'class', 'block', device);
  if (await stat(directory).catch(() => null)) return blockDeviceLines(device, directory, root);
  const disks = await disksBelow(device, root);
  const lines: string[] = [];
  for (const disk of disks.slice(0, DISKS_SHOWN)) {
    lines.push(
      format(_('/dev/{disk} is on {device}.'), { disk, device }),
      ...(await blockDeviceLines(disk, join(root, 'sys', 'class', 'block', disk), root)),
    );
  }
  if (disks.length > DISKS_SHOWN) {
    const count = disks.length - DISKS_SHOWN;
    lines.push(
      format(ngettext('{count} more disk is on {device}.', '{count} more disks are on {device}.', count), {
        count,
        device,
      }),
    );
  }
  return lines;
}

/** Where the kernel publishes devices' state; tests give a tree that stands for `/`. */
export interface BlockDeviceOptions {
  root?: string;
}

export function blockDeviceAction({ root = '/' }: BlockDeviceOptions = {}): ActionDefinition<BlockDeviceParams> {
  return {
    name: 'info.block_device',
    title: N_('Show what the kernel knows of a disk'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // No block device of that name nor below a controller or link of that name (a drive gone): nothing to show.
    async preview({ device }) {
      const details = await describeBlockDevice(device, root);
      return {
        summary: format(
          _(
            'Show what the kernel knows of /dev/{device}: its size, model, error counters, mounts and the file behind a loop device',
          ),
          { device },
        ),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run({ device }) {
      const details = await describeBlockDevice(device, root);
      return {
        summary: (details.length > 0
          ? [format(_('/dev/{device} as the kernel sees it:'), { device }), ...details]
          : [format(_('The kernel has no block device /dev/{device} now.'), { device })]
        ).join('\n'),
        undo: { impossible: _('reading what the kernel knows of a disk changes nothing') },
      };
    },
    async verify({ device }) {
      return { ok: true, observed: format(_('read what the kernel knows of /dev/{device}'), { device }) };
    },
  };
}
