// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Keeps the evaluated system prompt and tools on disk, so the first question
// after the model was unloaded does not evaluate them again: llama.cpp's state
// of a sequence holding only that prefix, saved under a key of everything that
// makes the state valid (the model file, the llama.cpp build, the backend and
// the context's settings) and restored when the worker loads the model.
// The prompt is not part of the key: the file holds its tokens, node-llama-cpp
// reuses only the tokens a request has in common with them, and a request
// with a new prefix saves that one instead.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

/** Everything that, if changed, makes a saved state wrong for the context it would be restored into. */
export interface PrefixCacheKey {
  model: { path: string; size: number; mtimeMs: number };
  /** The llama.cpp release node-llama-cpp was built from, and how (prebuilt or local). */
  llamaCpp: string;
  backend: string;
  gpuLayers: number;
  contextSize: number;
  batchSize: number;
  flashAttention: boolean | string;
  /** The thread count changes the order of floating-point sums, so the state's values. */
  threads: number;
}

/** What the cache needs of a llama.cpp context sequence (node-llama-cpp's LlamaContextSequence). */
export interface StateSequence {
  readonly contextTokens: readonly number[];
  saveStateToFile(path: string): Promise<{ fileSize: number }>;
  loadStateFromFile(path: string, acceptRisk: { acceptRisk: true }): Promise<void>;
  clearHistory(): Promise<void>;
}

export interface Restored {
  tokens: number;
  bytes: number;
  ms: number;
}

/** Bumped when what is written changes, so older files are not read. */
const FORMAT = 1;
/** llama.cpp's sequence state file: 'ggsq', little-endian, then its version and the token count. */
const SEQUENCE_STATE_MAGIC = 0x67677371;
/** Entries of other keys (another model, other settings) kept before the oldest goes. */
const KEPT_ENTRIES = 4;

const metaSchema = z.object({
  format: z.literal(FORMAT),
  key: z.string(),
  tokens: z.number().int().positive(),
  tokensDigest: z.string(),
  bytes: z.number().int().positive(),
  sha256: z.string(),
});
type Meta = z.infer<typeof metaSchema>;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const tokensDigest = (tokens: readonly number[]) => sha256(Buffer.from(Uint32Array.from(tokens).buffer));

/** The key of a model file as it is now: a replaced or re-downloaded file gets a new one. */
export async function modelIdentity(path: string): Promise<PrefixCacheKey['model']> {
  const resolved = await realpath(path);
  const { size, mtimeMs } = await stat(resolved);
  return { path: resolved, size, mtimeMs };
}

/** Why a file is not used; the worker then evaluates the prefix and saves it again. */
export class PrefixStateInvalid extends Error {}

export class PrefixCache {
  private readonly keyText: string;
  private readonly base: string;
  /** The tokens of the saved prefix, as this worker last saved or restored them. */
  private savedDigest: string | null = null;

  constructor(
    private readonly directory: string,
    key: PrefixCacheKey,
  ) {
    this.keyText = JSON.stringify(key);
    this.base = join(directory, `prefix-${sha256(this.keyText).slice(0, 32)}`);
  }

  get statePath(): string {
    return `${this.base}.state`;
  }

  get metaPath(): string {
    return `${this.base}.json`;
  }

  /** Whether these tokens are what the file holds, so saving them again would change nothing. */
  holds(tokens: readonly number[]): boolean {
    return this.savedDigest === tokensDigest(tokens);
  }

  /**
   * Loads the saved prefix into `sequence`, which must be empty. Returns null
   * when there is none; throws PrefixStateInvalid (leaving the sequence empty
   * and the file removed) when the file does not match its description.
   */
  async restore(sequence: StateSequence): Promise<Restored | null> {
    const started = performance.now();
    const meta = await this.readMeta();
    if (!meta) return null;
    try {
      const data = await readFile(this.statePath).catch(() => {
        throw new PrefixStateInvalid('the state file is missing');
      });
      checkState(data, meta);
      // llama.cpp checks the layer and cell counts again as it reads the file.
      await sequence.loadStateFromFile(this.statePath, { acceptRisk: true });
      if (tokensDigest(sequence.contextTokens) !== meta.tokensDigest) {
        throw new PrefixStateInvalid('llama.cpp restored other tokens than the file lists');
      }
    } catch (error) {
      await sequence.clearHistory();
      await this.remove();
      throw error instanceof PrefixStateInvalid ? error : new PrefixStateInvalid((error as Error).message);
    }
    this.savedDigest = meta.tokensDigest;
    return { tokens: meta.tokens, bytes: meta.bytes, ms: performance.now() - started };
  }

  /**
   * Saves the state of `sequence`, which holds exactly the prefix. Written
   * beside the entry and renamed into place, the state before its description,
   * so a reader never takes a partial file for a whole one.
   */
  async save(sequence: StateSequence): Promise<{ bytes: number; ms: number }> {
    const started = performance.now();
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const partial = `${this.base}.${process.pid}.partial`;
    try {
      const { fileSize } = await sequence.saveStateToFile(partial);
      const meta: Meta = {
        format: FORMAT,
        key: this.keyText,
        tokens: sequence.contextTokens.length,
        tokensDigest: tokensDigest(sequence.contextTokens),
        bytes: fileSize,
        sha256: sha256(await readFile(partial)),
      };
      await writeFile(`${partial}.json`, JSON.stringify(meta), { mode: 0o600 });
      await rename(partial, this.statePath);
      await rename(`${partial}.json`, this.metaPath);
      this.savedDigest = meta.tokensDigest;
      await this.prune();
      return { bytes: fileSize, ms: performance.now() - started };
    } finally {
      await rm(partial, { force: true });
      await rm(`${partial}.json`, { force: true });
    }
  }

  async remove(): Promise<void> {
    this.savedDigest = null;
    await rm(this.metaPath, { force: true });
    await rm(this.statePath, { force: true });
  }

  private async readMeta(): Promise<Meta | null> {
    let text: string;
    try {
      text = await readFile(this.metaPath, 'utf8');
    } catch {
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      await this.remove();
      throw new PrefixStateInvalid('the description of the saved state is not JSON');
    }
    const meta = metaSchema.safeParse(parsed);
    // Another format, or (if the short name collided) another key: not this entry's.
    if (!meta.success || meta.data.key !== this.keyText) {
      await this.remove();
      throw new PrefixStateInvalid('the saved state was made for other settings or by another version');
    }
    return meta.data;
  }

  /** Keeps the newest few entries (other models, other settings), so the directory does not grow without end. */
  private async prune(): Promise<void> {
    const names = await readdir(this.directory);
    const entries = await Promise.all(
      names
        .filter((name) => name.startsWith('prefix-') && name.endsWith('.json') && !name.includes('.partial'))
        .map(async (name) => ({
          base: join(this.directory, name.slice(0, -'.json'.length)),
          mtimeMs: (await stat(join(this.directory, name)).catch(() => ({ mtimeMs: 0 }))).mtimeMs,
        })),
    );
    entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const entry of entries.slice(KEPT_ENTRIES)) {
      if (entry.base === this.base) continue;
      await rm(`${entry.base}.json`, { force: true });
      await rm(`${entry.base}.state`, { force: true });
    }
  }
}

/** The file is whole, unchanged, and lists the tokens its description names. */
function checkState(data: Buffer, meta: Meta): void {
  if (data.length !== meta.bytes)
    throw new PrefixStateInvalid(`the state file has ${data.length} bytes, not ${meta.bytes}`);
  if (sha256(data) !== meta.sha256) throw new PrefixStateInvalid('the state file changed since it was saved');
  if (data.length < 12 || data.readUInt32LE(0) !== SEQUENCE_STATE_MAGIC) {
    throw new PrefixStateInvalid('the state file is not a llama.cpp sequence state');
  }
  const count = data.readUInt32LE(8);
  if (count !== meta.tokens || data.length < 12 + count * 4) {
    throw new PrefixStateInvalid('the state file lists another number of tokens');
  }
  const tokens = new Uint32Array(data.buffer.slice(data.byteOffset + 12, data.byteOffset + 12 + count * 4));
  if (tokensDigest(Array.from(tokens)) !== meta.tokensDigest) {
    throw new PrefixStateInvalid('the state file lists other tokens');
  }
}
