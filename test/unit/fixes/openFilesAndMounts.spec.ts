// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describeOpenFiles, fileNr, softLimitOf } from '../../../service/src/fixes/actions/openFiles.js';
import { describeMount, mountOfPath, pathMountAction } from '../../../service/src/fixes/actions/pathMount.js';
import { makeTempDir } from '../../support/tempDir.js';
import { homeContext } from './actionContext.js';

// Two lines of a real /proc/self/mountinfo (Debian trixie in the gym), and a read-only bind mount on it.
const MOUNTINFO = [
  '1205 1204 0:120 / / rw,relatime - overlay overlay rw,lowerdir=/x,upperdir=/y,workdir=/z',
  '1300 1205 0:120 /var/lib/gym-reports /srv/gym-reports ro,relatime - overlay overlay rw,lowerdir=/x',
  '1301 1205 0:55 / /srv/with\\040space rw,nosuid - tmpfs tmpfs rw,size=1024k',
].join('\n');

describe('the mount of a path', () => {
  it('is the longest mount point above it, read-only by its mount options', async () => {
    const temp = await makeTempDir();
    try {
      const file = join(temp.path, 'mountinfo');
      await writeFile(file, MOUNTINFO);
      const mount = await mountOfPath('/srv/gym-reports/daily.csv', file);
      expect(mount).toEqual({ point: '/srv/gym-reports', type: 'overlay', source: 'overlay', readOnly: true });
      expect(describeMount('/srv/gym-reports/daily.csv', mount!)).toBe(
        '/srv/gym-reports/daily.csv is on /srv/gym-reports (overlay, from overlay), mounted read-only: nothing can be written there.',
      );
      expect((await mountOfPath('/srv/with space/x', file))?.readOnly).toBeFalse();
      expect((await mountOfPath('/srv/gym-reportsX/x', file))?.point).toBe('/');
      const action = pathMountAction({ mountinfo: file });
      const preview = await action.preview({ path: '/srv/gym-reports/daily.csv' }, homeContext(temp.path));
      expect(preview.details).toEqual([jasmine.stringContaining('mounted read-only')]);
      expect(action.readOnly).toBeTrue();
    } finally {
      await temp.remove();
    }
  });
});

describe('the open files of a service', () => {
  it('reads the process’s soft limit and the system’s open files', () => {
    // /proc/PID/limits and /proc/sys/fs/file-nr as Linux writes them.
    expect(
      softLimitOf(
        'Max processes             63450                63450                processes\nMax open files            32                   32                   files\n',
      ),
    ).toBe('32');
    expect(fileNr('2080\t0\t9223372036854775807\n')).toEqual({ open: 2080, max: Number('9223372036854775807') });
    expect(fileNr('')).toBeNull();
  });

  it('says the unit’s limit, what its process holds, and the system’s', () => {
    expect(
      describeOpenFiles('gym-fdindexer.service', {
        soft: 32n,
        hard: 32n,
        process: null,
        system: { open: 2080, max: 1000000 },
      }),
    ).toEqual([
      'gym-fdindexer.service may open 32 files at once (LimitNOFILE=32:32).',
      'No process of it runs now.',
      'The whole system has 2080 files open, of at most 1000000 (fs.file-max).',
    ]);
    expect(
      describeOpenFiles('x.service', {
        soft: 1024n,
        hard: 2n ** 64n - 1n,
        process: { pid: 812, open: 1023, limit: '1024' },
        system: null,
      }),
    ).toEqual([
      'x.service may open 1024 files at once (LimitNOFILE=1024:unlimited).',
      'Its main process (PID 812) has 1023 open now, of at most 1024.',
    ]);
  });
});
