// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { StewardError } from '../../service/src/dbus/errors.js';
import { updateConfigFile } from '../../service/src/settings/configFile.js';
import { writeError, writeFileAtomically } from '../../service/src/smallFile.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);

async function refusal(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    return error as StewardError;
  }
  throw new Error('it succeeded');
}

// The configuration and the active-model file (Models.SetActive) on a small tmpfs that the tests fill and make
// read-only: the caller is told Unavailable with the path, the old file stays, and no temporary file is left.
describe('a write of the configuration or the active model on a full or read-only disk', () => {
  let dir: TempDir;
  let disk: string;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('these tests mount a tmpfs: run them as root');
    dir = await makeTempDir();
    disk = join(dir.path, 'disk');
    await mkdir(disk);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', disk]);
  });
  afterAll(async () => {
    await run('umount', [disk]).catch(() => run('umount', ['--lazy', disk]));
    await dir.remove();
  });

  it('is Unavailable naming the full disk and the path, keeps the old file, and leaves no temporary file', async () => {
    const file = join(disk, 'config.json');
    await writeFile(file, '{"logLevel": "info"}\n');
    const filler = join(disk, 'filler');
    const fill = await writeFile(filler, Buffer.alloc(1024 * 1024)).catch((error: unknown) => error);
    expect((fill as NodeJS.ErrnoException).code).toBe('ENOSPC');
    try {
      const error = await refusal(
        updateConfigFile(file, { logLevel: 'debug', assistant: { redactPatterns: ['x'.repeat(8000)] } }),
      );
      expect(error.errorName).toBe('Unavailable');
      expect(error.message).toBe(`${file} cannot be written: the disk is full (ENOSPC)`);
      expect(await readFile(file, 'utf8')).toBe('{"logLevel": "info"}\n');
      expect((await readdir(disk)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await run('rm', ['-f', filler]);
    }
  });

  it('is Unavailable naming the read-only disk and the path, for the active model as for the configuration', async () => {
    const file = join(disk, 'active-model.json');
    await writeFile(file, '{"id": "old"}\n');
    await run('mount', ['-o', 'remount,ro', disk]);
    try {
      const error = await refusal(writeFileAtomically(file, '{"id": "new"}\n'));
      expect(error.errorName).toBe('Unavailable');
      expect(error.message).toBe(`${file} cannot be written: the file system is read-only (EROFS)`);
      expect(await readFile(file, 'utf8')).toBe('{"id": "old"}\n');
    } finally {
      await run('mount', ['-o', 'remount,rw', disk]);
    }
  });

  it('is Unavailable naming a permission refused, which root is never told here', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const error = writeError('/home/u/.config/steward/config.json', denied) as StewardError;
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toBe('/home/u/.config/steward/config.json cannot be written: permission is denied (EACCES)');
    const other = new Error('something else');
    expect(writeError('/x', other)).toBe(other);
  });
});
