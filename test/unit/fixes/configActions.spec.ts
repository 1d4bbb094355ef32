// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { lstat, mkdir, readdir, readFile, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { restore } from '../../../service/src/fixes/actions/config.js';
import { DirectoryHandle } from '../../../service/src/fixes/actions/dirHandle.js';
import { watchedHistory } from '../../../service/src/storage/knownGoodStore.js';
import { FileWatchSource } from '../../../service/src/watch/files.js';
import { waitFor } from '../../support/service.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

describe('config.restore', () => {
  let temp: TempDir;
  let watcher: FileWatchSource;
  let file: string;
  const context = () => homeContext(temp.path);

  beforeEach(async () => {
    temp = await makeTempDir();
    file = join(temp.path, 'settings.ini');
    await writeFile(file, 'a=1\nb=2\nc=3\n', { mode: 0o640 });
    watcher = new FileWatchSource({
      paths: [file],
      knownGoodDirectory: context().knownGoodDirectory,
      secrets: { home: temp.path },
      debounceMs: 20,
      log: context().log,
    });
    await watcher.start(() => undefined);
    await writeFile(file, 'a=1\nb=broken\nc=3\n');
    await waitFor(async () => (await watchedHistory(context().knownGoodDirectory, file)).length === 2, 'the change');
  });
  afterEach(async () => {
    await watcher.stop();
    await temp.remove();
  });

  it('previews a diff, restores, verifies, and undoes', async () => {
    const preview = await restore.preview({ path: file }, context());
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual([
      `--- ${file} (now)`,
      `+++ ${file} (restored)`,
      '@@ -1,3 +1,3 @@',
      ' a=1',
      '-b=broken',
      '+b=2',
      ' c=3',
    ]);
    const outcome = await restore.run({ path: file }, context(), runOptions());
    expect(await readFile(file, 'utf8')).toBe('a=1\nb=2\nc=3\n');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect((await restore.verify({ path: file }, context())).ok).toBeTrue();
    await waitFor(async () => (await watchedHistory(context().knownGoodDirectory, file)).length === 3, 'the restore');
    expect((await restore.verify({ path: file }, context())).ok).toBeTrue();
    if (!('action' in outcome.undo)) throw new Error('expected an undo plan');
    expect(outcome.undo.action).toBe('config.restore');
    const undo = restore.params.parse(outcome.undo.params);
    expect((await restore.preview(undo, context())).details).toContain('+b=broken');
    await restore.run(undo, context(), runOptions());
    expect(await readFile(file, 'utf8')).toBe('a=1\nb=broken\nc=3\n');
    expect((await restore.verify(undo, context())).ok).toBeTrue();
  });

  it('fails verification when the file changed again after the restore', async () => {
    await restore.run({ path: file }, context(), runOptions());
    await writeFile(file, 'something else\n');
    const verification = await restore.verify({ path: file }, context());
    expect(verification.ok).toBeFalse();
    expect(verification.observed).toContain('holds other contents');
  });

  it("refuses another file's copy: one file cannot be replaced with another's content", async () => {
    // A second watched file whose copy is in the same store: ~/.pgpass, say.
    const secret = join(temp.path, 'credentials');
    await writeFile(secret, 'db:5432:app:app:Pgp4ss-Line-99\n');
    const other = new FileWatchSource({
      paths: [secret],
      knownGoodDirectory: context().knownGoodDirectory,
      secrets: { home: temp.path },
      debounceMs: 20,
      log: context().log,
    });
    await other.start(() => undefined);
    await waitFor(async () => (await watchedHistory(context().knownGoodDirectory, secret)).length === 1, 'its copy');
    const [secretCopy] = await watchedHistory(context().knownGoodDirectory, secret);
    await other.stop();
    await expectAsync(restore.preview({ path: file, copy: secretCopy! }, context())).toBeRejectedWithError(
      /is not a version of/,
    );
    await expectAsync(restore.run({ path: file, copy: secretCopy! }, context(), runOptions())).toBeRejectedWithError(
      /is not a version of/,
    );
    expect(await readFile(file, 'utf8')).toBe('a=1\nb=broken\nc=3\n');
  });

  it('refuses a path the watcher keeps no copy for', async () => {
    await expectAsync(restore.preview({ path: join(temp.path, 'other.ini') }, context())).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'InvalidArgs' }),
    );
  });

  describe('while another process swaps what it writes', () => {
    let victim: string;
    const victimFile = () => join(victim, 'settings.ini');

    beforeEach(async () => {
      victim = join(temp.path, 'Documents');
      await mkdir(victim);
      await writeFile(victimFile(), 'the victim\n');
    });

    /** Runs `swap` once, just before the first call of `method` whose first argument is `name`. */
    function swapBefore(
      method: 'openDirectory' | 'openFile',
      matches: (name: string) => boolean,
      swap: () => Promise<void>,
    ) {
      const original = DirectoryHandle.prototype[method] as (this: DirectoryHandle, ...args: unknown[]) => unknown;
      let done = false;
      spyOn(DirectoryHandle.prototype, method).and.callFake(async function (this: DirectoryHandle, ...args: unknown[]) {
        if (!done && matches(String(args[0]))) {
          done = true;
          await swap();
        }
        return original.apply(this, args);
      } as never);
      return () => done;
    }

    it('refuses when a directory on the way becomes a symlink after the path was resolved', async () => {
      const folder = temp.path;
      const aside = `${folder}.aside`;
      const swapped = swapBefore(
        'openDirectory',
        (name) => name === basename(folder),
        async () => {
          await rename(folder, aside);
          await symlink(join(aside, 'Documents'), folder);
        },
      );
      try {
        await expectAsync(restore.run({ path: file }, context(), runOptions())).toBeRejectedWith(
          jasmine.objectContaining({ errorName: 'Busy' }),
        );
        expect(swapped()).toBeTrue();
        expect(await readdir(join(aside, 'Documents'))).toEqual(['settings.ini']);
        expect(await readFile(join(aside, 'Documents', 'settings.ini'), 'utf8')).toBe('the victim\n');
      } finally {
        if ((await lstat(folder).catch(() => null))?.isSymbolicLink()) await unlink(folder);
        await rename(aside, folder).catch(() => undefined);
      }
      expect(await readFile(file, 'utf8')).toBe('a=1\nb=broken\nc=3\n');
    });

    it('refuses when the file becomes a symlink before it is read', async () => {
      const swapped = swapBefore(
        'openFile',
        (name) => name === basename(file),
        async () => {
          await unlink(file);
          await symlink(victimFile(), file);
        },
      );
      await expectAsync(restore.run({ path: file }, context(), runOptions())).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'Busy' }),
      );
      expect(swapped()).toBeTrue();
      expect(await readFile(victimFile(), 'utf8')).toBe('the victim\n');
    });

    it('replaces a symlink put in the place of the file before the rename, never what it points to', async () => {
      const swapped = swapBefore(
        'openFile',
        (name) => name.startsWith('.steward-restore.'),
        async () => {
          await unlink(file);
          await symlink(victimFile(), file);
        },
      );
      await restore.run({ path: file }, context(), runOptions());
      expect(swapped()).toBeTrue();
      expect(await readFile(victimFile(), 'utf8')).toBe('the victim\n');
      expect((await lstat(file)).isFile()).toBeTrue();
      expect(await readFile(file, 'utf8')).toBe('a=1\nb=2\nc=3\n');
      expect((await readdir(dirname(file))).filter((name) => name.includes('steward-restore'))).toEqual([]);
    });

    it('restores a config file that is a symlink where it points, resolved once', async () => {
      const dotfiles = join(temp.path, 'dotfiles');
      await mkdir(dotfiles);
      await rename(file, join(dotfiles, 'settings.ini'));
      await symlink(join(dotfiles, 'settings.ini'), file);
      await restore.run({ path: file }, context(), runOptions());
      expect((await lstat(file)).isSymbolicLink()).toBeTrue();
      expect(await readFile(join(dotfiles, 'settings.ini'), 'utf8')).toBe('a=1\nb=2\nc=3\n');
    });
  });
});
