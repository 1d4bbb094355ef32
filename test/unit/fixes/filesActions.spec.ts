// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ActionContext } from '../../../service/src/fixes/action.js';
import { clearCache, emptyTrash, largestCacheDirectories } from '../../../service/src/fixes/actions/files.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

/** What du counts below `directory`, leaving out the directory itself (which is kept). */
async function duBelow(directory: string): Promise<number> {
  const total = Number(execFileSync('du', ['-s', '-B1', directory], { encoding: 'utf8' }).split('\t')[0]);
  return total - (await stat(directory)).blocks * 512;
}

describe('files actions', () => {
  let temp: TempDir;
  let context: ActionContext;

  beforeEach(async () => {
    temp = await makeTempDir();
    context = homeContext(join(temp.path, 'home'));
    await mkdir(join(context.cacheHome, 'thumbnails', 'large'), { recursive: true });
    await writeFile(join(context.cacheHome, 'thumbnails', 'a.png'), Buffer.alloc(10_000, 1));
    await writeFile(join(context.cacheHome, 'thumbnails', 'large', 'b.png'), Buffer.alloc(70_000, 2));
    await mkdir(join(context.cacheHome, 'fontconfig'));
    await writeFile(join(context.cacheHome, 'fontconfig', 'x'), 'abc');
  });
  afterEach(() => temp.remove());

  describe('files.clear_cache', () => {
    it('refuses names that are not single components', () => {
      for (const name of ['..', '../x', '/etc', 'a/b', '.'])
        expect(clearCache.params.safeParse({ directories: [name] }).success)
          .withContext(name)
          .toBeFalse();
      expect(clearCache.params.safeParse({ directories: [] }).success).toBeFalse();
    });

    it('refuses a directory that is a symlink out of the cache, and leaves its target alone', async () => {
      const outside = join(temp.path, 'outside');
      await mkdir(outside);
      await writeFile(join(outside, 'precious'), 'keep me');
      await symlink(outside, join(context.cacheHome, 'escape'));
      await expectAsync(clearCache.preview({ directories: ['escape'] }, context)).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'InvalidArgs' }),
      );
      await expectAsync(clearCache.run({ directories: ['escape'] }, context, runOptions())).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'InvalidArgs' }),
      );
      expect(await readdir(outside)).toEqual(['precious']);
    });

    it('counts exactly the bytes du sees, per directory and in total', async () => {
      const preview = await clearCache.preview({ directories: ['thumbnails', 'fontconfig', 'absent'] }, context);
      const thumbnails = await duBelow(join(context.cacheHome, 'thumbnails'));
      const fontconfig = await duBelow(join(context.cacheHome, 'fontconfig'));
      expect(preview.bytes).toBe(thumbnails + fontconfig);
      expect(preview.changesNothing).toBeFalse();
      expect(preview.details.length).toBe(3);
      expect(preview.details[2]).toContain('not there');
    });

    it('empties the directories, removes symlinks inside as links, and verifies', async () => {
      const outside = join(temp.path, 'outside');
      await mkdir(outside);
      await writeFile(join(outside, 'precious'), 'keep me');
      await symlink(outside, join(context.cacheHome, 'thumbnails', 'link'));
      const progress: string[] = [];
      const outcome = await clearCache.run(
        { directories: ['thumbnails', 'fontconfig'] },
        context,
        runOptions(progress),
      );
      expect(progress).toContain('Clearing ~/.cache/thumbnails');
      expect('impossible' in outcome.undo).toBeTrue();
      expect(await readdir(join(context.cacheHome, 'thumbnails'))).toEqual([]);
      expect(await readdir(join(context.cacheHome, 'fontconfig'))).toEqual([]);
      expect(await readdir(outside)).toEqual(['precious']);
      expect((await clearCache.verify({ directories: ['thumbnails', 'fontconfig'] }, context)).ok).toBeTrue();
      const again = await clearCache.preview({ directories: ['thumbnails', 'fontconfig'] }, context);
      expect(again.changesNothing).toBeTrue();
      expect(again.bytes).toBe(0);
    });

    it('fails verification when files came back, saying how many bytes', async () => {
      await clearCache.run({ directories: ['thumbnails'] }, context, runOptions());
      await writeFile(join(context.cacheHome, 'thumbnails', 'new.png'), Buffer.alloc(5_000, 3));
      const verification = await clearCache.verify({ directories: ['thumbnails'] }, context);
      expect(verification.ok).toBeFalse();
      expect(verification.observed).toContain(`${await duBelow(join(context.cacheHome, 'thumbnails'))} bytes`);
    });

    it('lists the biggest cache directories first, one level deep', async () => {
      await symlink(temp.path, join(context.cacheHome, 'link'));
      const biggest = await largestCacheDirectories(context.cacheHome);
      expect(biggest.map((entry) => entry.name)).toEqual(['thumbnails', 'fontconfig']);
      expect(biggest[0]!.bytes).toBe(await duBelow(join(context.cacheHome, 'thumbnails')));
    });
  });

  describe('files.empty_trash', () => {
    const trash = () => join(context.dataHome, 'Trash');

    beforeEach(async () => {
      await mkdir(join(trash(), 'files', 'folder'), { recursive: true });
      await mkdir(join(trash(), 'info'));
      await writeFile(join(trash(), 'files', 'doc.txt'), Buffer.alloc(9_000, 4));
      await writeFile(join(trash(), 'files', 'folder', 'inner'), Buffer.alloc(20_000, 5));
      for (const name of ['doc.txt', 'folder'])
        await writeFile(join(trash(), 'info', `${name}.trashinfo`), `[Trash Info]\nPath=/tmp/${name}\n`);
      await writeFile(join(trash(), 'directorysizes'), '20000 1700000000000 folder\n');
    });

    it('previews the items and their bytes, empties the trash and verifies', async () => {
      const preview = await emptyTrash.preview({}, context);
      const expected =
        (await duBelow(join(trash(), 'files'))) +
        (await duBelow(join(trash(), 'info'))) +
        (await stat(join(trash(), 'directorysizes'))).blocks * 512;
      expect(preview.summary).toContain('2 items');
      expect(preview.bytes).toBe(expected);
      expect(preview.changesNothing).toBeFalse();
      await emptyTrash.run({}, context, runOptions());
      expect(await readdir(join(trash(), 'files'))).toEqual([]);
      expect(await readdir(join(trash(), 'info'))).toEqual([]);
      expect(existsSync(join(trash(), 'directorysizes'))).toBeFalse();
      expect(await emptyTrash.verify({}, context)).toEqual({ ok: true, observed: 'the trash is empty' });
      expect((await emptyTrash.preview({}, context)).changesNothing).toBeTrue();
    });

    it('changes nothing where there is no trash', async () => {
      const fresh = homeContext(join(temp.path, 'other'));
      await mkdir(fresh.dataHome, { recursive: true });
      expect((await emptyTrash.preview({}, fresh)).changesNothing).toBeTrue();
    });
  });
});
