// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ChatSessionStore, type StoredMessage } from '../../service/src/chat/sessionStore.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { updateConfigFile } from '../../service/src/settings/configFile.js';
import { writeError, writeFileAtomically } from '../../service/src/smallFile.js';
import { StorageHealth } from '../../service/src/storage/storageHealth.js';
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
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', disk]);
  });
  afterAll(async () => {
    await run('umount', [disk]).catch(() => run('umount', ['--lazy', disk]));
    await dir.remove();
  });

  it('is Unavailable naming the full disk and the path, keeps the old file, and leaves no temporary file', async () => {
    const file = join(disk, 'config.json');
    await writeFile(file, '{"logLevel": "info"}\n');
    const filler = join(disk, 'filler');
    const fill = await writeFile(filler, Buffer.alloc(8 * 1024 * 1024)).catch((error: unknown) => error);
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

  it('keeps a chat exchange that ends while the disk is full in memory, and stores it when room returns', async () => {
    const directory = join(disk, 'state');
    await mkdir(directory);
    const health = new StorageHealth({ directory, firstRetryMs: 20, maxRetryMs: 50 });
    const store = new ChatSessionStore(join(directory, 'chat.db'), {}, health);
    const filler = join(disk, 'filler');
    try {
      const session = store.create();
      const message = (role: 'user' | 'assistant', text: string): StoredMessage => ({
        role,
        text,
        time: new Date(),
        toolCalls: [],
        proposalIds: [],
      });
      await writeFile(filler, Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
      const long = 'the answer, at length. '.repeat(4000);
      store.append(session.id, message('user', 'Why is my disk full?'), message('assistant', long));
      expect(store.waitingMessages).toBe(2);
      expect(store.messages(session.id).map((kept) => kept.text)).toEqual(['Why is my disk full?', long]);

      await run('rm', ['-f', filler]);
      const stored = new Promise<void>((resolve) => {
        health.waitFor(() => {
          if (store.waitingMessages > 0) return false;
          resolve();
          return true;
        });
      });
      await stored;
      store.close();
      const reopened = new ChatSessionStore(join(directory, 'chat.db'), {}, new StorageHealth({ directory }));
      expect(reopened.messages(session.id).map((kept) => kept.text)).toEqual(['Why is my disk full?', long]);
      reopened.close();
    } finally {
      health.stop();
      await run('rm', ['-f', filler]);
    }
  });
});
