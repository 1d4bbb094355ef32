// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Logger } from '../logging.js';
import { ensurePrivateDirectory } from '../paths.js';
import { holdsPrivateKey, isHardLinkToSecret, secretPlaceReason } from '../secretPlaces.js';

// The known-good store: a copy of each version of a watched file, kept by the file watcher
// (watch/files.ts) so that a fix can show and restore what a file held before a change.

const INDEX_FILE = 'index.json';
/** Paths the index remembers (short-lived files in a watched directory would otherwise pile up). */
const MAX_PATHS = 2_000;
const HASH = /^[0-9a-f]{64}$/;
/** Names this store writes: copies, and the temporary files they and the index are written through. */
const STORE_NAME = /^(?:[0-9a-f]{64}|index\.json)(?:\.\d+\.tmp)?$/;

/** The index of the known-good store (index.json): what each path held, and the copies kept. */
interface StoreIndex {
  version: 1;
  /** Path → sha256 of its contents, most recent first; null where the file did not exist. */
  files: Record<string, (string | null)[]>;
  /** sha256 → size, and when it was last stored (a counter), for eviction. */
  copies: Record<string, { size: number; used: number }>;
  clock: number;
  /** Path → when it last changed (milliseconds since the epoch), where the watcher saw it change. */
  changedAt?: Record<string, number>;
}

async function readIndex(directory: string): Promise<StoreIndex | undefined> {
  const text = await readFile(join(directory, INDEX_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const index = JSON.parse(text) as StoreIndex;
  if (index.version !== 1) throw new Error(`unknown index version ${String(index.version)}`);
  return index;
}

/** The name of a copy in the store. */
export const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** What the secret-places policy needs to judge a watched file: the home, and Steward's own secret paths. */
export interface SecretPolicy {
  home: string;
  stewardSecrets?: readonly string[];
}

/**
 * Whether `path` holding `content` is a file the secret-places policy covers: by its place or name (where it
 * points too, for a symlink), a private key in it, or a hard link into a key store. The store keeps no copy of
 * it, so that no restore preview, tool or backup of the state directory can show its contents.
 */
export async function isSecretFile(path: string, content: Buffer, policy: SecretPolicy): Promise<boolean> {
  const real = await realpath(path).catch(() => path);
  const placed = [path, real].some((place) => secretPlaceReason(place, policy.home, policy.stewardSecrets) !== null);
  return placed || holdsPrivateKey(content.toString('utf8')) || (await isHardLinkToSecret(real, policy.home));
}

/**
 * The version of `path` before its latest change, as kept by a FileWatchSource using
 * `knownGoodDirectory`; null when there was none (the file was new) or its copy is not kept. A file whose
 * latest change put back the version it had before the one it undid ([A, B, A]: restored, or mended by hand)
 * holds the known-good version itself: once the watcher has recorded a restore, the one before is the bad one.
 */
export async function knownGoodCopy(
  knownGoodDirectory: string,
  path: string,
): Promise<{ hash: string; content: Buffer } | null> {
  const [now, before, earlier] = await watchedHistory(knownGoodDirectory, path);
  const hash = now && now === earlier ? now : before;
  return hash ? readCopy(knownGoodDirectory, hash) : null;
}

/** The watched paths that changed between `from` and `to`, as the watcher recorded them, the latest first. */
export async function changedBetween(knownGoodDirectory: string, from: Date, to: Date): Promise<string[]> {
  const changedAt = (await readIndex(knownGoodDirectory).catch(() => undefined))?.changedAt ?? {};
  return Object.entries(changedAt)
    .filter(([, at]) => at >= from.getTime() && at <= to.getTime())
    .sort(([, a], [, b]) => b - a)
    .map(([path]) => path);
}

/** The hashes `path` held, most recent first (null: it did not exist); [] for a path the watcher never saw. */
export async function watchedHistory(knownGoodDirectory: string, path: string): Promise<(string | null)[]> {
  return (await readIndex(knownGoodDirectory))?.files[resolve(path)] ?? [];
}

/** The copy named `hash` in the store; null when it is not kept. */
export async function readCopy(
  knownGoodDirectory: string,
  hash: string,
): Promise<{ hash: string; content: Buffer } | null> {
  if (!HASH.test(hash)) return null;
  const content = await readFile(join(knownGoodDirectory, hash)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  // A copy that does not match its name is no known-good version.
  return content && sha256(content) === hash ? { hash, content } : null;
}

/**
 * Keeps `content` as a copy in the store (a restore saves what it replaces this way) and returns its
 * hash. The index does not list it until the watcher records that content for a path.
 */
export async function keepCopy(knownGoodDirectory: string, content: Buffer): Promise<string> {
  const hash = sha256(content);
  if (!(await readCopy(knownGoodDirectory, hash))) await writeAtomically(knownGoodDirectory, hash, content);
  return hash;
}

// Readers (knownGoodCopy) never see a half-written file.
async function writeAtomically(directory: string, name: string, content: string | Buffer): Promise<void> {
  const temporary = join(directory, `${name}.${process.pid}.tmp`);
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, join(directory, name));
}

/** Content-addressed copies `<directory>/<sha256>` (0600) and an index of each path's recent hashes. */
export class KnownGoodStore {
  private files = new Map<string, (string | null)[]>();
  private copies = new Map<string, { size: number; used: number }>();
  private clock = 0;
  private changedAt = new Map<string, number>();

  constructor(
    private readonly directory: string,
    private readonly secrets: SecretPolicy,
    private readonly maxStoreBytes: number,
    private readonly maxHistory: number,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    await ensurePrivateDirectory(this.directory);
    const index = await readIndex(this.directory).catch((error: Error) => {
      this.log.warning('the known-good index is unreadable; starting a new one', { reason: error.message });
      return undefined;
    });
    this.files = new Map(Object.entries(index?.files ?? {}));
    this.copies = new Map(Object.entries(index?.copies ?? {}));
    this.clock = index?.clock ?? 0;
    this.changedAt = new Map(Object.entries(index?.changedAt ?? {}));
    // Reconcile with the directory: a crash may leave a copy the index does not list, or the reverse.
    const names = new Set(await readdir(this.directory));
    for (const hash of this.copies.keys()) if (!names.has(hash)) this.copies.delete(hash);
    for (const name of names) {
      const stray = STORE_NAME.test(name) && name !== INDEX_FILE && !this.copies.has(name);
      if (stray) await unlink(join(this.directory, name));
    }
    await this.forgetSecretCopies();
  }

  /** Deletes the copies an older Steward kept of secret files; their hashes stay, so changes are still seen. */
  private async forgetSecretCopies(): Promise<void> {
    const secret = new Set<string>();
    for (const [path, history] of this.files) {
      for (const hash of history) {
        if (hash === null || !this.copies.has(hash)) continue;
        const copy = await readCopy(this.directory, hash);
        if (copy && (await isSecretFile(path, copy.content, this.secrets))) secret.add(hash);
      }
    }
    for (const hash of secret) await this.forget(hash);
    if (secret.size > 0) {
      this.log.info('deleted known-good copies of files that hold passwords or keys', { copies: secret.size });
      await this.writeIndex();
    }
  }

  history(path: string): (string | null)[] {
    return this.files.get(path) ?? [];
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * Records that `path` now holds `hash` (null: deleted), keeping `content` as its copy when given, unless it is
   * a secret file: then only its hash is recorded.
   */
  async record(path: string, hash: string | null, content?: Buffer, changedAt?: Date): Promise<void> {
    const history = [hash, ...this.history(path)].slice(0, this.maxHistory);
    // Most recently changed last, so that the paths forgotten first are those quiet the longest.
    this.files.delete(path);
    this.files.set(path, history);
    if (changedAt) this.changedAt.set(path, changedAt.getTime());
    for (const oldest of this.files.keys()) {
      if (this.files.size <= MAX_PATHS) break;
      this.files.delete(oldest);
      this.changedAt.delete(oldest);
    }
    if (hash && content && !(await isSecretFile(path, content, this.secrets))) await this.keep(hash, content);
    await this.evict(hash);
    await this.writeIndex();
  }

  private async writeIndex(): Promise<void> {
    const index: StoreIndex = {
      version: 1,
      files: Object.fromEntries(this.files),
      copies: Object.fromEntries(this.copies),
      clock: this.clock,
      changedAt: Object.fromEntries(this.changedAt),
    };
    await writeAtomically(this.directory, INDEX_FILE, JSON.stringify(index));
  }

  private async keep(hash: string, content: Buffer): Promise<void> {
    const used = ++this.clock;
    const known = this.copies.get(hash);
    if (known) {
      known.used = used;
      return;
    }
    await writeAtomically(this.directory, hash, content);
    this.copies.set(hash, { size: content.length, used });
  }

  private async evict(keep: string | null): Promise<void> {
    const copies = [...this.copies].sort(([, a], [, b]) => a.used - b.used);
    let total = copies.reduce((sum, [, copy]) => sum + copy.size, 0);
    for (const [hash, copy] of copies) {
      if (total <= this.maxStoreBytes) break;
      if (hash === keep) continue;
      await this.forget(hash);
      total -= copy.size;
    }
  }

  private async forget(hash: string): Promise<void> {
    await unlink(join(this.directory, hash)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.copies.delete(hash);
  }
}
