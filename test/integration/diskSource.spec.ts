// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createLogger } from '../../service/src/logging.js';
import { DiskSource } from '../../service/src/watch/disks.js';
import type { MountUsage, WatchEvent } from '../../service/src/watch/events.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;

interface Tmpfs {
  /** Where this process sees the mounted tmpfs. */
  path: string;
  release(): Promise<void>;
}

/** Mounts an 8 MiB tmpfs on `directory`: directly as root, else in a private user and mount namespace. */
async function mountTmpfs(directory: string): Promise<Tmpfs> {
  let directly = 'not root';
  if (process.getuid?.() === 0) {
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', directory]);
      return { path: directory, release: async () => void (await run('umount', [directory])) };
    } catch (error) {
      directly = (error as Error).message;
    }
  }
  try {
    return await mountInNamespace(directory);
  } catch (error) {
    throw new Error(
      'these tests need a tmpfs: run them as root, or where `unshare --user --map-root-user --mount` works ' +
        `(mount: ${directly}; unshare: ${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * The mount lives in a namespace held open by a child process; this process reaches it through
 * /proc/<pid>/root, which resolves paths in that process's mount namespace.
 */
async function mountInNamespace(directory: string): Promise<Tmpfs> {
  const script = 'mount -t tmpfs -o size=8m tmpfs "$1" && echo mounted && exec cat';
  const holder = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', directory], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  holder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => holder.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('error', reject);
    void exited.then(() => reject(new Error(stderr.trim() || 'unshare exited')));
  });
  return {
    path: `/proc/${holder.pid}/root${directory}`,
    release: async () => {
      holder.stdin.end();
      await exited;
    },
  };
}

describe('the disk source', () => {
  let dir: TempDir;
  let tmpfs: Tmpfs | undefined;
  /** The tmpfs, as this process sees it. */
  let mnt: string;
  let source: DiskSource | undefined;
  let usages: MountUsage[];
  const emit = (event: WatchEvent) => {
    if (event.type === 'disk') usages.push(event.usage);
  };
  const log = createLogger({ level: 'error' });

  beforeEach(async () => {
    dir = await makeTempDir();
    await mkdir(join(dir.path, 'mnt'));
    usages = [];
    tmpfs = await mountTmpfs(join(dir.path, 'mnt'));
    mnt = tmpfs.path;
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await tmpfs?.release();
    tmpfs = undefined;
    await dir.remove();
  });

  it('reports each existing filesystem once', async () => {
    await mkdir(join(mnt, 'sub'));
    source = new DiskSource({ mounts: [mnt, join(mnt, 'sub'), join(dir.path, 'absent')], log });
    await source.start(emit);
    expect(source.watchedMounts).toEqual([mnt]);
    expect(usages.length).toBe(1);
    expect(usages[0]).toEqual(jasmine.objectContaining({ mount: mnt, totalBytes: 8 * MIB }));
    expect(usages[0]!.availableBytes).toBe(8 * MIB);
    expect(usages[0]!.freeInodes).toBeGreaterThan(0);
  });

  it('sees available bytes and free inodes fall as the tmpfs fills', async () => {
    source = new DiskSource({ mounts: [mnt], intervalMs: 50, log });
    await source.start(emit);
    const before = usages[0]!;
    await writeFile(join(mnt, 'big'), Buffer.alloc(5 * MIB, 1));
    for (let i = 0; i < 10; i++) await writeFile(join(mnt, `small-${i}`), 'x');
    await waitFor(() => {
      const last = usages.at(-1)!;
      return last.availableBytes <= before.availableBytes - 5 * MIB && last.freeInodes <= before.freeInodes - 11;
    }, 'a poll that sees the files');
    expect(usages.at(-1)!.totalBytes).toBe(8 * MIB);
    expect(usages.at(-1)!.availableBytes).toBeLessThanOrEqual(3 * MIB);
  });

  it('polls faster after poke()', async () => {
    source = new DiskSource({ mounts: [mnt], intervalMs: 3_600_000, fastIntervalMs: 20, log });
    await source.start(emit);
    expect(usages.length).toBe(1);
    // The next slow poll is an hour away: only the fast interval can bring these.
    source.poke();
    await waitFor(() => usages.length >= 4, 'fast polls after poke()');
  });
});
