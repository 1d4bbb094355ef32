// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { StewardError } from '../../service/src/dbus/errors.js';
import { readApiKey } from '../../service/src/engine/apiKey.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const URL = 'http://127.0.0.1:8080/v1';

describe('reading the API key from a file', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await dir.remove();
  });

  async function keyFile(content: string, mode: number): Promise<string> {
    const file = join(dir.path, 'api-key');
    await writeFile(file, content);
    // chmod, not writeFile's mode: the umask would narrow that.
    await chmod(file, mode);
    return file;
  }

  async function failureOf(promise: Promise<unknown>): Promise<StewardError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof StewardError) return error;
      throw error;
    }
    throw new Error('the key was read');
  }

  it('reads a private key file, without the line break', async () => {
    const file = await keyFile('sk-test-secret\n', 0o600);
    expect(await readApiKey({ file, url: URL })).toBe('sk-test-secret');
  });

  it('refuses a key file other users can read, naming the file and the fix', async () => {
    const file = await keyFile('sk-test-secret\n', 0o644);
    const error = await failureOf(readApiKey({ file, url: URL }));
    expect(error.errorName).toBe('NotAuthorized');
    expect(error.message).toBe(
      `the API key file ${file} can be read by other users; make it private with "chmod 600 ${file}"`,
    );
  });

  it('refuses a key file its group can read', async () => {
    const file = await keyFile('sk-test-secret', 0o640);
    expect((await failureOf(readApiKey({ file, url: URL }))).errorName).toBe('NotAuthorized');
  });

  it('names a key file that does not exist', async () => {
    const file = join(dir.path, 'missing');
    const error = await failureOf(readApiKey({ file, url: URL }));
    expect(error.errorName).toBe('NotFound');
    expect(error.message).toBe(`cannot read the API key file ${file}: no such file`);
  });

  it('refuses an empty key file', async () => {
    const file = await keyFile('\n', 0o600);
    expect((await failureOf(readApiKey({ file, url: URL }))).errorName).toBe('InvalidArgs');
  });

  it('refuses at once a key file that is a FIFO, a directory or too large, naming it', async () => {
    const fifo = join(dir.path, 'fifo');
    await promisify(execFile)('mkfifo', ['-m', '600', fifo]);
    const directory = join(dir.path, 'directory');
    await mkdir(directory, { mode: 0o700 });
    const large = await keyFile('k'.repeat(64 * 1024 + 1), 0o600);
    for (const file of [fifo, directory, large]) {
      const error = await failureOf(readApiKey({ file, url: URL }));
      expect(error.errorName).withContext(file).toBe('NotFound');
      expect(error.message).toBe(`the API key file ${file} is not a regular file of at most 64 KB`);
    }
  });

  it('has no key without a file or a session bus', async () => {
    expect(await readApiKey({ url: URL })).toBeNull();
  });
});
