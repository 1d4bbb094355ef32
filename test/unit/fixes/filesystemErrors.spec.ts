// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { filesystemErrorsAction, isReadOnly, mountOf } from '../../../service/src/fixes/actions/filesystemErrors.js';
import { formatClock } from '../../../service/src/i18n.js';
import { writeTree } from '../../support/fileTree.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

// What a 6.18 kernel published after ls read a directory block whose checksum failed (seen in the gym):
// "EXT4-fs error (device loop0): htree_dirblock_to_tree:1051: inode #12: block 1: comm ls: Directory block failed checksum".
const EXT4_AFTER_ONE_ERROR = {
  errors_count: '1',
  first_error_time: '1795482354',
  first_error_func: 'htree_dirblock_to_tree',
  first_error_line: '1051',
  first_error_ino: '12',
  first_error_block: '1',
  first_error_errcode: '4',
  last_error_time: '1795482354',
  last_error_func: 'htree_dirblock_to_tree',
  last_error_line: '1051',
  last_error_ino: '12',
  last_error_block: '1',
  last_error_errcode: '4',
};
const NO_ERROR = {
  errors_count: '0',
  first_error_time: '0',
  first_error_func: '',
  last_error_time: '0',
  last_error_func: '',
};

describe('info.filesystem_errors', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  const machine = (files: Record<string, string>) => writeTree(temp.path, files, '\n');
  const ext4 = (device: string, fields: Record<string, string>) =>
    Object.fromEntries(Object.entries(fields).map(([name, value]) => [`sys/fs/ext4/${device}/${name}`, value]));
  const run = async (device: string) => {
    const action = filesystemErrorsAction({ root: temp.path });
    const preview = await action.preview({ device }, homeContext(temp.path));
    const outcome = await action.run({ device }, homeContext(temp.path), runOptions());
    return { preview, summary: outcome.summary };
  };

  it('says which file system, where, that it went read-only, its errors and the commands that check it', async () => {
    await machine({
      ...ext4('loop0', EXT4_AFTER_ONE_ERROR),
      'proc/self/mounts':
        'overlay / overlay rw,relatime 0 0\n/dev/loop0 /srv/data ext4 rw,relatime,errors=remount-ro,emergency_ro 0 0',
    });
    const { preview, summary } = await run('loop0');
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual(summary.split('\n'));
    expect(summary.split('\n')).toEqual([
      '/dev/loop0 (ext4) is mounted on /srv/data and is read-only now: the kernel stopped writing to it to protect it.',
      'The kernel recorded 1 error on it since its last check (fsck).',
      `First error: in htree_dirblock_to_tree (line 1051), inode 12, block 1, at ${formatClock(new Date(Date.UTC(2026, 10, 24, 1, 5, 54)))}: a metadata checksum did not match`,
      'Back up what matters from /srv/data now, before anything else: reading still works.',
      'A mounted file system cannot be repaired: unmount it (“umount /srv/data”) and run “e2fsck -f /dev/loop0” as root; or restart once with “fsck.mode=force” on the kernel command line, and systemd-fsck checks it at boot if /etc/fstab lists it.',
    ]);
  });

  it('shows the last error apart from the first, and the root file system’s check at the next boot', async () => {
    await machine({
      ...ext4('nvme0n1p2', {
        ...EXT4_AFTER_ONE_ERROR,
        errors_count: '7',
        last_error_time: '1795490000',
        last_error_func: 'ext4_lookup',
        last_error_line: '1855',
        last_error_ino: '2',
        last_error_block: '0',
        last_error_errcode: '5',
      }),
      'proc/self/mounts': '/dev/nvme0n1p2 / ext4 ro,relatime 0 0',
    });
    const lines = (await run('nvme0n1p2')).summary.split('\n');
    expect(lines[0]).toContain('mounted on / and is read-only now');
    expect(lines[1]).toBe('The kernel recorded 7 errors on it since its last check (fsck).');
    expect(lines[3]).toBe(
      `Last error: in ext4_lookup (line 1855), inode 2, block 0, at ${formatClock(new Date(Date.UTC(2026, 10, 24, 3, 13, 20)))}: its metadata is corrupted`,
    );
    expect(lines.at(-1)).toContain('This is the root file system: restart once with “fsck.mode=force”');
  });

  it('says a writable file system with no error recorded is so, and finds a mapper device by its kernel name', async () => {
    await machine({ ...ext4('dm-0', NO_ERROR), ...ext4('sdb2', NO_ERROR), 'dev/dm-0': '' });
    await mkdir(join(temp.path, 'dev', 'mapper'));
    await symlink('../dm-0', join(temp.path, 'dev', 'mapper', 'vg-home'));
    await machine({
      'proc/self/mounts': '/dev/mapper/vg-home /home\\040two ext4 rw,relatime 0 0\n/dev/sdb2 /backup ext4 ro 0 0',
    });
    const lines = (await run('dm-0')).summary.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '/dev/dm-0 (ext4) is mounted on /home two, still writable.',
      'The kernel recorded 0 errors on it since its last check (fsck).',
    ]);
    // Mounted read-only by choice, with no error recorded: nothing says the kernel made it so.
    expect((await run('sdb2')).summary.split('\n')[0]).toBe('/dev/sdb2 (ext4) is mounted read-only on /backup.');
  });

  it('reads Btrfs’s counters of the file system a device belongs to', async () => {
    const fs = 'sys/fs/btrfs/0b7c8a2e-1111-2222-3333-444455556666';
    await machine({
      [`${fs}/devinfo/1/error_stats`]: 'write_errs 0\nread_errs 3\nflush_errs 0\ncorruption_errs 12\ngeneration_errs 0',
      'proc/self/mounts': '/dev/sdb1 /data btrfs rw,relatime 0 0',
    });
    await mkdir(join(temp.path, fs, 'devices'), { recursive: true });
    await symlink('../../../../devices/pci/block/sdb/sdb1', join(temp.path, fs, 'devices', 'sdb1'));
    const lines = (await run('sdb1')).summary.split('\n');
    expect(lines[0]).toBe('/dev/sdb1 (btrfs) is mounted on /data, still writable.');
    expect(lines[1]).toBe(
      'Btrfs’s error counters of member 1 (since they were last reset): write_errs 0, read_errs 3, flush_errs 0, corruption_errs 12, generation_errs 0.',
    );
    expect(lines.at(-1)).toContain('btrfs scrub start -B');
  });

  it('says the kernel keeps no count for a mounted XFS, and offers nothing for a device it knows nothing of', async () => {
    await machine({ 'proc/self/mounts': '/dev/sdc1 /srv xfs rw,relatime 0 0' });
    const lines = (await run('sdc1')).summary.split('\n');
    expect(lines[1]).toContain('The kernel keeps no error count for xfs');
    expect(lines.at(-1)).toContain('xfs_repair /dev/sdc1');
    const { preview, summary } = await run('sdd1');
    expect(preview.changesNothing).toBeTrue();
    expect(summary).toBe('No file system of /dev/sdd1 is mounted now, and the kernel keeps nothing of it.');
  });

  it('refuses what is not a block device name, and cleans what the kernel’s files say', async () => {
    const action = filesystemErrorsAction({ root: temp.path });
    for (const device of ['../sda1', 'sda1/../../etc', '', 'A']) {
      expect(action.params.safeParse({ device }).success).withContext(device).toBeFalse();
    }
    await machine(ext4('sda1', { ...EXT4_AFTER_ONE_ERROR, first_error_func: 'ext4_lookup\u001b[31m' }));
    const { summary } = await run('sda1');
    expect(summary).toContain('First error: in ext4_lookup (line 1051)');
    expect(summary).not.toContain('\u001b');
    expect(summary).toContain('It is not mounted: “e2fsck -f /dev/sda1” as root checks and repairs it.');
  });

  it('knows a read-only mount by “ro” and by ext4’s “emergency_ro”', async () => {
    expect(isReadOnly(['ro', 'relatime'])).toBeTrue();
    expect(isReadOnly(['rw', 'errors=remount-ro', 'emergency_ro'])).toBeTrue();
    expect(isReadOnly(['rw', 'errors=remount-ro'])).toBeFalse();
    expect(await mountOf('sda1', '/dev/sda10 /a ext4 ro 0 0\n/dev/sda1 /b ext4 rw 0 0', temp.path)).toEqual({
      point: '/b',
      type: 'ext4',
      readOnly: false,
    });
  });
});
