// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';

import {
  PrefixCache,
  type PrefixCacheKey,
  PrefixStateInvalid,
  type StateSequence,
} from '../../service/src/engine/prefixCache.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const KEY: PrefixCacheKey = {
  model: { path: '/models/a.gguf', size: 1000, mtimeMs: 1_700_000_000_000 },
  llamaCpp: 'ggml-org/llama.cpp@b1 prebuilt',
  backend: 'cpu',
  gpuLayers: 0,
  contextSize: 8192,
  batchSize: 512,
  flashAttention: false,
  threads: 2,
};

/**
 * A sequence that writes and reads files as llama.cpp lays out a sequence's
 * state ('ggsq', version, token count, tokens, then the cells), with a few
 * bytes standing for the cells; `refuse` makes loading fail as llama.cpp
 * does for cells that do not fit the context.
 */
class FakeSequence implements StateSequence {
  contextTokens: number[] = [];
  refuse = false;
  failSaveAfter: number | null = null;

  async saveStateToFile(path: string): Promise<{ fileSize: number }> {
    const header = Buffer.alloc(12 + this.contextTokens.length * 4);
    header.writeUInt32LE(0x67677371, 0);
    header.writeUInt32LE(3, 4);
    header.writeUInt32LE(this.contextTokens.length, 8);
    this.contextTokens.forEach((token, i) => header.writeUInt32LE(token, 12 + i * 4));
    const data = Buffer.concat([header, Buffer.from('the key and value cells')]);
    if (this.failSaveAfter !== null) {
      await writeFile(path, data.subarray(0, this.failSaveAfter));
      throw new Error('No space left on device');
    }
    await writeFile(path, data);
    return { fileSize: data.length };
  }

  async loadStateFromFile(path: string): Promise<void> {
    if (this.refuse) throw new Error('Failed to load state from file');
    const data = await readFile(path);
    const count = data.readUInt32LE(8);
    this.contextTokens = Array.from({ length: count }, (_, i) => data.readUInt32LE(12 + i * 4));
  }

  clearHistory(): Promise<void> {
    this.contextTokens = [];
    return Promise.resolve();
  }
}

describe('the saved prompt state', () => {
  let dir: TempDir;
  const tokens = [1, 17, 42, 42, 9, 300];

  beforeEach(async () => {
    dir = await makeTempDir('steward-prefix-');
  });
  afterEach(() => dir.remove());

  async function saved(key = KEY, prefix = tokens): Promise<PrefixCache> {
    const cache = new PrefixCache(dir.path, key);
    const sequence = new FakeSequence();
    sequence.contextTokens = [...prefix];
    await cache.save(sequence);
    return cache;
  }

  it('restores what was saved into an empty sequence, in a later worker with the same key', async () => {
    await saved();
    const cache = new PrefixCache(dir.path, KEY);
    expect(cache.holds(tokens)).toBeFalse();
    const sequence = new FakeSequence();

    const restored = await cache.restore(sequence);

    expect(restored).toEqual(jasmine.objectContaining({ tokens: tokens.length }));
    expect(restored!.bytes).toBeGreaterThan(tokens.length * 4);
    expect(sequence.contextTokens).toEqual(tokens);
    expect(cache.holds(tokens)).toBeTrue();
    expect(cache.holds([...tokens, 5])).toBeFalse();
  });

  it('finds nothing when there is nothing saved', async () => {
    expect(await new PrefixCache(dir.path, KEY).restore(new FakeSequence())).toBeNull();
  });

  const changes: [string, Partial<PrefixCacheKey>][] = [
    ['the model file was replaced (size)', { model: { ...KEY.model, size: 1001 } }],
    ['the model file was rewritten (time)', { model: { ...KEY.model, mtimeMs: KEY.model.mtimeMs + 1 } }],
    ['another model', { model: { ...KEY.model, path: '/models/b.gguf' } }],
    ['another llama.cpp', { llamaCpp: 'ggml-org/llama.cpp@b2 prebuilt' }],
    ['another backend', { backend: 'vulkan', gpuLayers: 25 }],
    ['another context size', { contextSize: 4096 }],
    ['another batch size', { batchSize: 256 }],
    ['flash attention', { flashAttention: true }],
    ['another thread count', { threads: 1 }],
  ];
  for (const [what, change] of changes) {
    it(`is not used when ${what}`, async () => {
      await saved();
      const sequence = new FakeSequence();
      expect(await new PrefixCache(dir.path, { ...KEY, ...change }).restore(sequence)).toBeNull();
      expect(sequence.contextTokens).toEqual([]);
      // The old entry stays for the old settings: switching back finds it.
      expect(await new PrefixCache(dir.path, KEY).restore(new FakeSequence())).not.toBeNull();
    });
  }

  it('saves a new prefix over the old one', async () => {
    const cache = await saved();
    const sequence = new FakeSequence();
    sequence.contextTokens = [1, 17, 99];
    await cache.save(sequence);

    const later = new FakeSequence();
    await new PrefixCache(dir.path, KEY).restore(later);
    expect(later.contextTokens).toEqual([1, 17, 99]);
  });

  const damages: [string, (cache: PrefixCache) => Promise<void>][] = [
    ['cut short', (cache) => truncate(cache.statePath, 20)],
    [
      'with a changed byte',
      async (cache) => {
        const data = await readFile(cache.statePath);
        data.writeUInt8(data.readUInt8(data.length - 3) ^ 0xff, data.length - 3);
        await writeFile(cache.statePath, data);
      },
    ],
    ['missing', (cache) => rm(cache.statePath)],
    ['described by a file that is not JSON', (cache) => writeFile(cache.metaPath, '{"format": 1, "ke')],
    [
      'described for another format',
      async (cache) => {
        const meta = JSON.parse(await readFile(cache.metaPath, 'utf8')) as Record<string, unknown>;
        await writeFile(cache.metaPath, JSON.stringify({ ...meta, format: 99 }));
      },
    ],
    [
      'of another kind of file',
      async (cache) => {
        const data = await readFile(cache.statePath);
        data.write('GGUF', 0);
        const meta = JSON.parse(await readFile(cache.metaPath, 'utf8')) as Record<string, unknown>;
        await writeFile(cache.statePath, data);
        await writeFile(
          cache.metaPath,
          JSON.stringify({ ...meta, sha256: createHash('sha256').update(data).digest('hex') }),
        );
      },
    ],
  ];
  for (const [what, damage] of damages) {
    it(`is set aside when the file is ${what}, leaving the sequence empty to evaluate`, async () => {
      const cache = await saved();
      await damage(cache);
      const sequence = new FakeSequence();

      const later = new PrefixCache(dir.path, KEY);
      await expectAsync(later.restore(sequence)).toBeRejectedWithError(PrefixStateInvalid);

      expect(sequence.contextTokens).toEqual([]);
      expect(later.holds(tokens)).toBeFalse();
      expect(await readdir(dir.path)).toEqual([]);
      expect(await later.restore(new FakeSequence())).toBeNull();
    });
  }

  it('is set aside when llama.cpp refuses the file', async () => {
    await saved();
    const sequence = new FakeSequence();
    sequence.refuse = true;
    await expectAsync(new PrefixCache(dir.path, KEY).restore(sequence)).toBeRejectedWithError(
      PrefixStateInvalid,
      /Failed to load state/,
    );
    expect(sequence.contextTokens).toEqual([]);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('keeps the last whole file when a save is interrupted, and leaves no partial file', async () => {
    const cache = await saved();
    const sequence = new FakeSequence();
    sequence.contextTokens = [1, 2, 3];
    sequence.failSaveAfter = 10;
    await expectAsync(cache.save(sequence)).toBeRejectedWithError(/No space left/);

    expect((await readdir(dir.path)).sort()).toEqual([cache.metaPath, cache.statePath].map(baseName).sort());
    const later = new FakeSequence();
    await new PrefixCache(dir.path, KEY).restore(later);
    expect(later.contextTokens).toEqual(tokens);
  });

  it('keeps the newest four entries of other models and settings', async () => {
    for (let threads = 1; threads <= 6; threads += 1) {
      await saved({ ...KEY, threads });
      // Each entry a little newer than the last, whatever the file system's time resolution.
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const names = await readdir(dir.path);
    expect(names.filter((name) => name.endsWith('.json')).length).toBe(4);
    expect(names.filter((name) => name.endsWith('.state')).length).toBe(4);
    expect(await new PrefixCache(dir.path, { ...KEY, threads: 6 }).restore(new FakeSequence())).not.toBeNull();
    expect(await new PrefixCache(dir.path, { ...KEY, threads: 1 }).restore(new FakeSequence())).toBeNull();
  });
});

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
