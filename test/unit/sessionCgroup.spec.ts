// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { cgroup2Mount, findSessionCgroup, sessionCgroupOf } from '../../service/src/watch/sessionCgroup.js';
import { makeTempDir } from '../support/tempDir.js';

const mountinfo = (cgroup2: string) =>
  [
    '22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
    '25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw',
    cgroup2,
    '',
  ].join('\n');
const UNIFIED = '30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate';
const STEWARD = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/steward.service\n';

describe('the session cgroup', () => {
  it('is the user@UID.service ancestor of our cgroup2 cgroup, below the cgroup2 mount', () => {
    expect(sessionCgroupOf(STEWARD, mountinfo(UNIFIED))).toEqual({
      unit: 'user@1000.service',
      directory: '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service',
    });
  });

  it('is found on a hybrid machine’s cgroup2 mount, and on a mount of a sub-tree', () => {
    const hybrid = '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw';
    const v1 = '32 30 0:28 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory';
    expect(sessionCgroupOf(`4:memory:/user.slice\n${STEWARD}`, mountinfo(`${v1}\n${hybrid}`))?.directory).toBe(
      '/sys/fs/cgroup/unified/user.slice/user-1000.slice/user@1000.service',
    );
    const subtree = '40 25 0:26 /user.slice /mnt/cg\\040users rw - cgroup2 cgroup2 rw';
    expect(cgroup2Mount(mountinfo(subtree))).toEqual({ root: '/user.slice', point: '/mnt/cg users' });
    expect(sessionCgroupOf(STEWARD, mountinfo(subtree))?.directory).toBe(
      '/mnt/cg users/user-1000.slice/user@1000.service',
    );
    const elsewhere = '40 25 0:26 /system.slice /mnt/cg rw - cgroup2 cgroup2 rw';
    expect(sessionCgroupOf(STEWARD, mountinfo(elsewhere))).toBeNull();
  });

  it('is none for a system service, without cgroup2, or without our cgroup2 line', () => {
    expect(sessionCgroupOf('0::/system.slice/steward.service\n', mountinfo(UNIFIED))).toBeNull();
    expect(sessionCgroupOf(STEWARD, mountinfo(''))).toBeNull();
    expect(sessionCgroupOf('4:memory:/user.slice\n', mountinfo(UNIFIED))).toBeNull();
    expect(sessionCgroupOf('0::/user.slice/user-1000.slice/session-2.scope\n', mountinfo(UNIFIED))).toBeNull();
  });

  it('is read from /proc/self', async () => {
    const temp = await makeTempDir();
    try {
      await mkdir(join(temp.path, 'self'));
      await writeFile(join(temp.path, 'self', 'cgroup'), STEWARD);
      await writeFile(join(temp.path, 'self', 'mountinfo'), mountinfo(UNIFIED));
      expect((await findSessionCgroup(temp.path))?.unit).toBe('user@1000.service');
      expect(await findSessionCgroup(join(temp.path, 'nowhere'))).toBeNull();
    } finally {
      await temp.remove();
    }
  });
});
