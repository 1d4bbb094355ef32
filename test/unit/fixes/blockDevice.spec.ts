// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { blockDeviceAction, mountHolding } from '../../../service/src/fixes/actions/blockDevice.js';
import { writeTree } from '../../support/fileTree.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

// /proc/self/mountinfo as the gym's system has it with its FUSE file system mounted (fusepy, fsname set).
const MOUNTINFO = [
  '1187 1120 0:95 / / rw,relatime - overlay overlay rw,lowerdir=/var/cache/steward-e2e/gym,upperdir=/tmp/u',
  '1200 1187 0:97 / /srv/failing rw,nosuid,nodev,relatime - fuse gym-failing-image rw,user_id=0,group_id=0',
  '1210 1187 8:2 / /home rw,relatime - ext4 /dev/sda2 rw',
  '1211 1210 0:60 / /home/me/share\\040files rw,relatime - cifs //nas/share rw,vers=3.1.1',
].join('\n');

describe('info.block_device', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  const machine = (files: Record<string, string>) => writeTree(temp.path, files, '\n');
  /** A loop device's sysfs as 6.18 publishes it (losetup --find --read-only FILE). */
  const loop = (device: string, fields: Record<string, string>) => ({
    [`sys/class/block/${device}/size`]: '16384',
    [`sys/class/block/${device}/ro`]: '1',
    ...Object.fromEntries(
      Object.entries({ offset: '0', sizelimit: '0', autoclear: '0', ...fields }).map(([name, value]) => [
        `sys/class/block/${device}/loop/${name}`,
        value,
      ]),
    ),
  });
  const run = async (device: string) => {
    const action = blockDeviceAction({ root: temp.path });
    const preview = await action.preview({ device }, homeContext(temp.path));
    const outcome = await action.run({ device }, homeContext(temp.path), runOptions());
    return { preview, lines: outcome.summary.split('\n') };
  };

  it('names a loop device’s file and the FUSE file system it is on, and that the loop device is not mounted', async () => {
    await machine({
      ...loop('loop3', { backing_file: '/srv/failing/disk.img' }),
      'proc/self/mountinfo': MOUNTINFO,
      'proc/self/mounts': 'overlay / overlay rw 0 0',
    });
    const { preview, lines } = await run('loop3');
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual(lines.slice(1));
    expect(lines).toEqual([
      '/dev/loop3 as the kernel sees it:',
      '/dev/loop3: 8.4 MB, read-only (the kernel refuses writes to it).',
      '/dev/loop3 is a loop device: its data is the file /srv/failing/disk.img.',
      'It stays attached until someone detaches it (losetup --detach).',
      'That file is on /srv/failing, a FUSE file system (fuse, from gym-failing-image): a program answers its reads, and when that program or the storage it reads from fails, so do the loop device’s reads.',
      '/dev/loop3 is not mounted.',
    ]);
  });

  it('says a loop device’s file was deleted, the part of it used, and the network share or disk it is on', async () => {
    await machine({
      ...loop('loop0', {
        backing_file: '/home/me/share files/vm.img (deleted)',
        offset: '1048576',
        sizelimit: '2097152',
        autoclear: '1',
      }),
      ...loop('loop1', { backing_file: '/home/me/disk.img' }),
      'proc/self/mountinfo': MOUNTINFO,
      'proc/self/mounts': '/dev/loop0 /mnt/vm ext4 ro,relatime 0 0',
    });
    const deleted = await run('loop0');
    expect(deleted.lines.slice(2)).toEqual([
      '/dev/loop0 is a loop device: its data is the file /home/me/share files/vm.img.',
      'It uses 2.1 MB of that file from byte 1048576 on.',
      'That file was deleted since it was attached: the kernel still holds it open, and nothing else can reach it.',
      'It is detached when its last user closes it.',
      'That file is on /home/me/share files, a network file system (cifs, from //nas/share): a lost server or link fails the loop device’s reads.',
      '/dev/loop0 is mounted read-only on /mnt/vm (ext4).',
    ]);
    const onDisk = await run('loop1');
    expect(onDisk.lines).toContain(
      'That file is on /home (ext4, on /dev/sda2): errors of the loop device are errors reading that file; look at /dev/sda2 and its file system next.',
    );
  });

  it('shows a SCSI disk’s model, state and error counters, and the mounts of its partitions', async () => {
    const disk = 'sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda';
    await machine({
      [`${disk}/size`]: '976773168',
      [`${disk}/ro`]: '0',
      [`${disk}/device/vendor`]: 'ATA     ',
      [`${disk}/device/model`]: 'WDC WD5000AAKX-0',
      [`${disk}/device/state`]: 'running',
      [`${disk}/device/ioerr_cnt`]: '0x3',
      [`${disk}/device/iodone_cnt`]: '0x1f40',
      [`${disk}/device/iotmo_cnt`]: '0x0',
      [`${disk}/sda1/partition`]: '1',
      [`${disk}/sda1/size`]: '1048576',
      [`${disk}/sda2/partition`]: '2',
      [`${disk}/sda2/size`]: '975722496',
      'proc/self/mounts': '/dev/sda2 /home ext4 rw,relatime 0 0\n/dev/sda1 /boot/efi vfat rw 0 0',
    });
    await mkdir(join(temp.path, 'sys/class/block'), { recursive: true });
    for (const name of ['sda', 'sda1', 'sda2']) {
      const target = join(temp.path, name === 'sda' ? disk : `${disk}/${name}`);
      await symlink(target, join(temp.path, 'sys/class/block', name));
    }
    const { lines } = await run('sda');
    expect(lines).toEqual([
      '/dev/sda as the kernel sees it:',
      '/dev/sda: 500 GB, writable.',
      'Model: ATA WDC WD5000AAKX-0',
      'The driver says the device is “running”.',
      'The SCSI layer’s counters since boot: 3 commands failed, 8000 completed, 0 timed out.',
      '/dev/sda is not mounted.',
      '/dev/sda1 is mounted on /boot/efi (vfat), writable.',
      '/dev/sda2 is mounted on /home (ext4), writable.',
    ]);
    // A partition names its disk's hardware and its own mount first.
    const partition = await run('sda2');
    expect(partition.lines.slice(1, 4)).toEqual([
      '/dev/sda2: 500 GB, writable.',
      'Model: ATA WDC WD5000AAKX-0',
      'The driver says the device is “running”.',
    ]);
    expect(partition.lines[5]).toBe('/dev/sda2 is mounted on /home (ext4), writable.');
    // The link the kernel's libata lines name: the disk below it.
    const link = await run('ata1');
    expect(link.lines.slice(0, 4)).toEqual([
      '/dev/ata1 as the kernel sees it:',
      '/dev/sda is on ata1.',
      '/dev/sda: 500 GB, writable.',
      'Model: ATA WDC WD5000AAKX-0',
    ]);
    expect(link.lines).not.toContain('/dev/sda1 is on ata1.');
  });

  it('shows the namespaces below an NVMe controller, with the controller’s model and state', async () => {
    const controller = 'sys/devices/pci0000:00/0000:00:1d.0/0000:04:00.0/nvme/nvme0';
    await machine({
      [`${controller}/model`]: 'Samsung SSD 980 PRO 1TB',
      [`${controller}/state`]: 'resetting',
      [`${controller}/nvme0n1/size`]: '1953525168',
      [`${controller}/nvme0n1/ro`]: '0',
      'proc/self/mounts': '/dev/nvme0n1 /data xfs rw 0 0',
    });
    await mkdir(join(temp.path, 'sys/class/block'), { recursive: true });
    await symlink(join(temp.path, controller, 'nvme0n1'), join(temp.path, 'sys/class/block/nvme0n1'));
    await symlink(join(temp.path, controller), join(temp.path, controller, 'nvme0n1/device'));
    const { preview, lines } = await run('nvme0');
    expect(preview.changesNothing).toBeFalse();
    expect(lines).toEqual([
      '/dev/nvme0 as the kernel sees it:',
      '/dev/nvme0n1 is on nvme0.',
      '/dev/nvme0n1: 1.0 TB, writable.',
      'Model: Samsung SSD 980 PRO 1TB',
      'The driver says the device is “resetting”.',
      '/dev/nvme0n1 is mounted on /data (xfs), writable.',
    ]);
  });

  it('says a loop device is attached to no file, and names no PCI vendor’s number as a model', async () => {
    await machine({
      'sys/class/block/loop7/size': '0',
      'sys/class/block/loop7/ro': '0',
      'sys/class/block/vda/size': '536870912',
      'sys/class/block/vda/ro': '0',
      'sys/class/block/vda/device/vendor': '0x1af4',
      'proc/self/mounts': '/dev/vda1 / ext4 rw 0 0',
    });
    expect((await run('loop7')).lines).toEqual([
      '/dev/loop7 as the kernel sees it:',
      '/dev/loop7: 0 bytes, writable.',
      '/dev/loop7 is a loop device, attached to no file now.',
      '/dev/loop7 is not mounted.',
    ]);
    expect((await run('vda')).lines).toEqual([
      '/dev/vda as the kernel sees it:',
      '/dev/vda: 275 GB, writable.',
      '/dev/vda is not mounted.',
    ]);
  });

  it('offers nothing for a name the kernel has no block device, controller nor link of (a drive gone)', async () => {
    await machine({ 'proc/self/mounts': '' });
    const { preview, lines } = await run('nvme3');
    expect(preview.changesNothing).toBeTrue();
    expect(lines).toEqual(['The kernel has no block device /dev/nvme3 now.']);
  });

  it('rejects what is not a block device name', () => {
    const action = blockDeviceAction({ root: temp.path });
    for (const device of ['../sda', 'sda/..', '/dev/sda', 'Sda', ''])
      expect(action.params.safeParse({ device }).success).withContext(device).toBeFalse();
  });

  it('finds the deepest mount holding a path, unescaping its point', () => {
    expect(mountHolding('/home/me/share files/a', MOUNTINFO)?.type).toBe('cifs');
    expect(mountHolding('/home/me/other', MOUNTINFO)).toEqual({
      point: '/home',
      type: 'ext4',
      source: '/dev/sda2',
      readOnly: false,
    });
    expect(mountHolding('/srv/failing2/x', MOUNTINFO)?.point).toBe('/');
  });
});
