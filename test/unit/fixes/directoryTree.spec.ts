// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { lstat, mkdir, readdir, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DirectoryHandle } from '../../../service/src/fixes/actions/dirHandle.js';
import { diskUsage, emptyDirectory, openConfined } from '../../../service/src/fixes/actions/tree.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

// The walk that empties caches and the trash, with another process's swaps played at the worst
// moments: after a directory was listed, after a child was opened, before a file is unlinked.
describe('emptying a directory tree by descriptor', () => {
  let temp: TempDir;
  let root: string;
  let victim: string;

  const victimFiles = async () => (await readdir(victim, { recursive: true })).sort();

  beforeEach(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'cache');
    victim = join(temp.path, 'Documents');
    await mkdir(join(root, 'thumbnails', 'sub', 'deeper'), { recursive: true });
    await writeFile(join(root, 'thumbnails', 'a.png'), 'a');
    await writeFile(join(root, 'thumbnails', 'sub', 'b.png'), 'b');
    await writeFile(join(root, 'thumbnails', 'sub', 'deeper', 'c.png'), 'c');
    await mkdir(join(victim, 'taxes'), { recursive: true });
    await writeFile(join(victim, 'letter.txt'), 'keep me');
    await writeFile(join(victim, 'taxes', '2025.pdf'), 'keep me too');
  });
  afterEach(() => temp.remove());

  /** Empties root/thumbnails as files.clear_cache does: opened once, then emptied through the descriptor. */
  async function emptyThumbnails(): Promise<void> {
    const directory = await openConfined(root, 'thumbnails');
    try {
      await emptyDirectory(directory);
    } finally {
      await directory?.close();
    }
  }

  it('refuses a symlink at the root, even one that stays inside, and leaves its target alone', async () => {
    await symlink(victim, join(root, 'escape'));
    await symlink(join(root, 'thumbnails'), join(root, 'inside'));
    for (const name of ['escape', 'inside'])
      await expectAsync(openConfined(root, name))
        .withContext(name)
        .toBeRejectedWith(
          jasmine.objectContaining({ errorName: 'InvalidArgs', message: jasmine.stringContaining('symbolic link') }),
        );
    await writeFile(join(root, 'file'), 'x');
    await expectAsync(openConfined(root, 'file')).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'InvalidArgs', message: jasmine.stringContaining('not a directory') }),
    );
    expect(await openConfined(root, 'absent')).toBeNull();
    expect(await victimFiles()).toEqual(['letter.txt', 'taxes', 'taxes/2025.pdf']);
  });

  it('keeps working in the directory it opened when the root is swapped for a symlink afterwards', async () => {
    const directory = await openConfined(root, 'thumbnails');
    await rename(join(root, 'thumbnails'), join(root, 'moved'));
    await symlink(victim, join(root, 'thumbnails'));
    try {
      await emptyDirectory(directory);
    } finally {
      await directory?.close();
    }
    expect(await readdir(join(root, 'moved'))).toEqual([]);
    expect(await victimFiles()).toEqual(['letter.txt', 'taxes', 'taxes/2025.pdf']);
  });

  it('removes a symlink inside as a link', async () => {
    await symlink(victim, join(root, 'thumbnails', 'link'));
    await symlink(join(victim, 'letter.txt'), join(root, 'thumbnails', 'file-link'));
    await emptyThumbnails();
    expect(await readdir(join(root, 'thumbnails'))).toEqual([]);
    expect(await victimFiles()).toEqual(['letter.txt', 'taxes', 'taxes/2025.pdf']);
  });

  it('does not descend into a directory swapped for a symlink between listing and descent', async () => {
    const entries = DirectoryHandle.prototype.entries;
    let swapped = false;
    spyOn(DirectoryHandle.prototype, 'entries').and.callFake(async function (this: DirectoryHandle) {
      const listed = await entries.call(this);
      if (!swapped && listed.some((entry) => entry.name === 'sub')) {
        swapped = true;
        await rename(join(root, 'thumbnails', 'sub'), join(temp.path, 'aside'));
        await symlink(victim, join(root, 'thumbnails', 'sub'));
      }
      return listed;
    });
    await emptyThumbnails();
    expect(swapped).toBeTrue();
    expect(await readdir(join(root, 'thumbnails'))).toEqual([]);
    expect(await victimFiles()).toEqual(['letter.txt', 'taxes', 'taxes/2025.pdf']);
    // What was moved out of the tree before it was opened is out of reach, so left alone.
    expect(await readdir(join(temp.path, 'aside'), { recursive: true })).toEqual(
      jasmine.arrayWithExactContents(['b.png', 'deeper', 'deeper/c.png']),
    );
  });

  it('empties the directory it opened when that is moved away and a symlink put in its place, then removes the link', async () => {
    const openDirectory = DirectoryHandle.prototype.openDirectory;
    spyOn(DirectoryHandle.prototype, 'openDirectory').and.callFake(async function (this: DirectoryHandle, name) {
      const opened = await openDirectory.call(this, name);
      if (name === 'sub' && opened) {
        await rename(join(root, 'thumbnails', 'sub'), join(root, 'thumbnails', 'aside'));
        await symlink(victim, join(root, 'thumbnails', 'sub'));
      }
      return opened;
    });
    await emptyThumbnails();
    expect(await readdir(join(root, 'thumbnails'))).toEqual([]);
    expect(await victimFiles()).toEqual(['letter.txt', 'taxes', 'taxes/2025.pdf']);
  });

  it('unlinks a symlink swapped in for a file before the unlink, never its target', async () => {
    const entries = DirectoryHandle.prototype.entries;
    spyOn(DirectoryHandle.prototype, 'entries').and.callFake(async function (this: DirectoryHandle) {
      const listed = await entries.call(this);
      if (listed.some((entry) => entry.name === 'a.png')) {
        await unlink(join(root, 'thumbnails', 'a.png'));
        await symlink(join(victim, 'letter.txt'), join(root, 'thumbnails', 'a.png'));
      }
      return listed;
    });
    await emptyThumbnails();
    expect(await readdir(join(root, 'thumbnails'))).toEqual([]);
    expect(await readFile(join(victim, 'letter.txt'), 'utf8')).toBe('keep me');
  });

  it('measures without following a symlink swapped in for a directory', async () => {
    const before = await withThumbnails(diskUsage);
    await rename(join(root, 'thumbnails', 'sub'), join(temp.path, 'aside'));
    await symlink(victim, join(root, 'thumbnails', 'sub'));
    const after = await withThumbnails(diskUsage);
    expect(after).toBeLessThan(before);
    expect(after).toBe(
      (await lstat(join(root, 'thumbnails', 'a.png'))).blocks * 512 +
        (await lstat(join(root, 'thumbnails', 'sub'))).blocks * 512,
    );
  });

  async function withThumbnails<T>(use: (directory: DirectoryHandle | null) => Promise<T>): Promise<T> {
    const directory = await openConfined(root, 'thumbnails');
    try {
      return await use(directory);
    } finally {
      await directory?.close();
    }
  }

  it('opens a path step by step and refuses a symlink anywhere on it', async () => {
    const direct = await DirectoryHandle.openEachStep(join(root, 'thumbnails', 'sub'));
    expect(direct).not.toBeNull();
    await direct?.close();
    await symlink(join(root, 'thumbnails'), join(temp.path, 'link'));
    await expectAsync(DirectoryHandle.openEachStep(join(temp.path, 'link', 'sub'))).toBeRejectedWith(
      jasmine.objectContaining({ code: jasmine.stringMatching(/^(ENOTDIR|ELOOP)$/) }),
    );
    expect(await DirectoryHandle.openEachStep(join(temp.path, 'absent', 'sub'))).toBeNull();
  });

  it('stops once the signal is aborted, deleting nothing more', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const directory = await openConfined(root, 'thumbnails');
    try {
      await expectAsync(emptyDirectory(directory, controller.signal)).toBeRejectedWithError('cancelled');
    } finally {
      await directory?.close();
    }
    expect(await readdir(join(root, 'thumbnails'), { recursive: true })).toEqual(
      jasmine.arrayWithExactContents(['a.png', 'sub', 'sub/b.png', 'sub/deeper', 'sub/deeper/c.png']),
    );
  });

  it('refuses names that are not a single entry', async () => {
    const directory = await openConfined(root, 'thumbnails');
    try {
      for (const name of ['..', '.', '', 'sub/deeper', '../cache'])
        expect(() => directory!.at(name))
          .withContext(name)
          .toThrowError(/not a single directory entry name/);
    } finally {
      await directory?.close();
    }
  });
});
