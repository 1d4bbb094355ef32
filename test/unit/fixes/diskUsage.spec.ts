// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { diskUsageAction } from '../../../service/src/fixes/actions/diskUsage.js';

describe('info.disk_usage', () => {
  it('measures any mount, the root included, by an absolute path without ".."', () => {
    const { params } = diskUsageAction();
    for (const path of ['/', '/home', '/var/lib/docker'])
      expect(params.safeParse({ path }).success).withContext(path).toBeTrue();
    for (const path of ['', 'home', '/home/../etc', '/tmp/\0x'])
      expect(params.safeParse({ path }).success).withContext(JSON.stringify(path)).toBeFalse();
  });
});
