// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { countEntries, inodeUsageAction, outOfInodesOnly } from '../../../service/src/fixes/actions/inodeUsage.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

async function files(directory: string, count: number) {
  await mkdir(directory, { recursive: true });
  for (let index = 0; index < count; index += 1) await writeFile(join(directory, `f${index}`), '');
}

describe('info.inode_usage', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  it('counts any mount, the root included, by an absolute path without ".."', () => {
    const { params } = inodeUsageAction();
    for (const path of ['/', '/home', '/var/spool/postfix'])
      expect(params.safeParse({ path }).success).withContext(path).toBeTrue();
    for (const path of ['', 'var', '/var/../etc', '/tmp/\0x'])
      expect(params.safeParse({ path }).success).withContext(JSON.stringify(path)).toBeFalse();
  });

  it('names the directories holding the most entries, most first, and never follows a symbolic link', async () => {
    await files(join(temp.path, 'cache', 'thumbnails', 'normal'), 30);
    await files(join(temp.path, 'spool'), 12);
    await files(join(temp.path, 'elsewhere'), 50);
    await symlink(join(temp.path, 'elsewhere'), join(temp.path, 'cache', 'link'));
    const report = await countEntries(join(temp.path, 'cache'));
    expect(report.top).toEqual([
      { path: join(temp.path, 'cache', 'thumbnails', 'normal'), entries: 30 },
      { path: join(temp.path, 'cache'), entries: 2 },
      { path: join(temp.path, 'cache', 'thumbnails'), entries: 1 },
    ]);
    expect(report.entries).toBe(33);
    expect(report.complete).toBeTrue();
    expect(report.inodes.total).toBeGreaterThanOrEqual(report.inodes.free);
  });

  it('stops at its bound of entries and says the rest was not counted', async () => {
    await files(join(temp.path, 'many'), 40);
    const action = inodeUsageAction({ timeMs: 10_000, entries: 10 });
    const result = await action.run({ path: temp.path }, homeContext(temp.path), runOptions());
    expect(result.summary).toContain(`Inodes of ${temp.path}`);
    expect(result.summary).toMatch(/inodes used, [\d,]+ free/);
    expect(result.summary).toContain('counted the first 10 entries only');
  });

  it('refuses what is not a directory, and sees a file system with inodes left as not out of them', async () => {
    await writeFile(join(temp.path, 'file'), '');
    await expectAsync(countEntries(join(temp.path, 'file'))).toBeRejectedWithError(/is not a directory/);
    expect(await outOfInodesOnly(temp.path)).toBeFalse();
    expect(await outOfInodesOnly(join(temp.path, 'missing'))).toBeFalse();
  });
});
