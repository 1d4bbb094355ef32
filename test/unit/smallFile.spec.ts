// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readSmallFile } from '../../service/src/smallFile.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('readSmallFile', () => {
  let dir: TempDir;
  let file: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'config.json');
  });
  afterEach(() => dir.remove());

  it('reads a regular file, also through a link', async () => {
    await writeFile(file, '{"logLevel":"debug"}');
    await symlink(file, join(dir.path, 'link.json'));
    expect(await readSmallFile(join(dir.path, 'link.json'), 100)).toBe('{"logLevel":"debug"}');
  });

  it('fails with ENOENT for a missing file', async () => {
    await expectAsync(readSmallFile(file, 100)).toBeRejectedWith(jasmine.objectContaining({ code: 'ENOENT' }));
  });

  it('refuses at once what is not a regular file: a link to /dev/zero, a FIFO with no writer, a directory', async () => {
    await symlink('/dev/zero', file);
    await promisify(execFile)('mkfifo', [join(dir.path, 'fifo')]);
    for (const path of [file, join(dir.path, 'fifo'), dir.path]) {
      await expectAsync(readSmallFile(path, 100)).withContext(path).toBeRejectedWithError('it is not a regular file');
    }
  });

  it('refuses a file larger than the limit', async () => {
    await writeFile(file, ' '.repeat(101));
    await expectAsync(readSmallFile(file, 100)).toBeRejectedWithError('it is larger than 100 bytes');
  });
});
