import { createHash } from 'node:crypto';
import { createReadStream, watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from '../logging.js';
import { ensurePrivateDirectory } from '../paths.js';
import { holdsPrivateKey, isHardLinkToSecret, secretPlaceReason } from '../secretPlaces.js';
import type { EventSource, WatchEvent } from './events.js';

const MIB = 1024 * 1024;
const INDEX_FILE = 'index.json';
/** Paths the index remembers (short-lived files in a watched directory would otherwise pile up). */
const MAX_PATHS = 2_000;
const HASH = /^[0-9a-f]{64}$/;
/** Names this store writes: copies, and the temporary files they and the index are written through. */
const STORE_NAME = /^(?:[0-9a-f]{64}|index\.json)(?:\.\d+\.tmp)?$/;

export interface FileWatchOptions {
  /** Files and directories to watch; directories at their top level only. */
  paths: string[];
  /** Where the content-addressed copies and their index live (under the state directory). */
  knownGoodDirectory: string;
  /** The secret-places policy's view: copies of what it covers are never kept. */
  secrets: SecretPolicy;
  /** Larger files are hashed but not copied. */
  maxCopyBytes?: number;
  /** The oldest copies go once all copies together exceed this. */
  maxStoreBytes?: number;
  /** Hashes remembered per path, most recent first. */
  maxHistory?: number;
  /** Quiet time after the last change to a path before it is read. */
  debounceMs?: number;
  /** A path that keeps changing is still read this long after its first change. */
  maxDelayMs?: number;
  log: Logger;
}

/** The index of the known-good store (index.json): what each path held, and the copies kept. */
interface StoreIndex {
  version: 1;
  /** Path → sha256 of its contents, most recent first; null where the file did not exist. */
  files: Record<string, (string | null)[]>;
  /** sha256 → size, and when it was last stored (a counter), for eviction. */
  copies: Record<string, { size: number; used: number }>;
  clock: number;
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

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

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
 * `knownGoodDirectory`; null when there was none (the file was new) or its copy is not kept.
 */
export async function knownGoodCopy(
  knownGoodDirectory: string,
  path: string,
): Promise<{ hash: string; content: Buffer } | null> {
  const hash = (await watchedHistory(knownGoodDirectory, path))[1];
  return hash ? readCopy(knownGoodDirectory, hash) : null;
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
class KnownGoodStore {
  private files = new Map<string, (string | null)[]>();
  private copies = new Map<string, { size: number; used: number }>();
  private clock = 0;

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
  async record(path: string, hash: string | null, content?: Buffer): Promise<void> {
    const history = [hash, ...this.history(path)].slice(0, this.maxHistory);
    // Most recently changed last, so that the paths forgotten first are those quiet the longest.
    this.files.delete(path);
    this.files.set(path, history);
    for (const oldest of this.files.keys()) {
      if (this.files.size <= MAX_PATHS) break;
      this.files.delete(oldest);
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

/** What one fs.watch on a directory is for: all its entries, or some named files in it. */
interface DirectoryWatch {
  directory: string;
  all: boolean;
  files: Set<string>;
  watcher?: FSWatcher;
}

/** A file's current contents: hash, and the contents themselves when small enough to keep. */
type Reading = { hash: string; content?: Buffer } | null;

/**
 * Watches files and directories with inotify (fs.watch on each directory) and emits `fileChanged`
 * with the hashes before and after, keeping a copy of each version for a later restore.
 */
export class FileWatchSource implements EventSource {
  readonly name = 'files';
  private readonly store: KnownGoodStore;
  private readonly maxCopyBytes: number;
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private readonly log: Logger;
  private readonly paths: string[];
  private watches: DirectoryWatch[] = [];
  private readonly pending = new Map<string, { first: number; timer: NodeJS.Timeout }>();
  /** Changes are handled one at a time, in order, so the index has a single writer. */
  private queue: Promise<void> = Promise.resolve();
  private emit?: (event: WatchEvent) => void;

  constructor(options: FileWatchOptions) {
    this.maxCopyBytes = options.maxCopyBytes ?? MIB;
    this.debounceMs = options.debounceMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
    this.log = options.log;
    this.store = new KnownGoodStore(
      options.knownGoodDirectory,
      options.secrets,
      options.maxStoreBytes ?? 50 * MIB,
      options.maxHistory ?? 10,
      options.log,
    );
    this.paths = options.paths.map((path) => resolve(path));
  }

  /** Directories being watched, once started. */
  get watchedDirectories(): string[] {
    return this.watches.filter((watch) => watch.watcher).map((watch) => watch.directory);
  }

  /**
   * Starts watching, then compares each watched file with the index: files changed while Steward
   * was not running are reported; files seen for the first time are only recorded.
   */
  async start(emit: (event: WatchEvent) => void): Promise<void> {
    await this.store.load();
    this.emit = emit;
    this.watches = await this.planWatches();
    for (const target of this.watches) this.watchDirectory(target);
    for (const target of this.watches.filter((watch) => watch.watcher)) {
      for (const path of await this.candidates(target)) this.enqueue(path, true);
    }
    await this.queue;
  }

  async stop(): Promise<void> {
    this.emit = undefined;
    for (const target of this.watches) target.watcher?.close();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await this.queue;
  }

  /** One watch per directory: a directory watches itself, a file (existing or not) its parent. */
  private async planWatches(): Promise<DirectoryWatch[]> {
    const byDirectory = new Map<string, DirectoryWatch>();
    const entry = (directory: string) => {
      let target = byDirectory.get(directory);
      if (!target) byDirectory.set(directory, (target = { directory, all: false, files: new Set() }));
      return target;
    };
    for (const path of this.paths) {
      const info = await stat(path).catch(() => undefined);
      if (!info) this.log.info('a watched path does not exist (yet)', { path });
      if (info?.isDirectory()) entry(path).all = true;
      else entry(dirname(path)).files.add(basename(path));
    }
    return [...byDirectory.values()];
  }

  private watchDirectory(target: DirectoryWatch): void {
    try {
      // Watching the directory, not the file, sees editors that replace a file by renaming over it.
      target.watcher = watch(target.directory, { persistent: false }, (_event, name) => this.changed(target, name));
    } catch (error) {
      this.log.info('not watching a directory that cannot be watched', {
        directory: target.directory,
        reason: (error as Error).message,
      });
      return;
    }
    target.watcher.on('error', (error) => {
      this.log.warning('stopped watching a directory', { directory: target.directory, reason: error.message });
      target.watcher?.close();
      target.watcher = undefined;
    });
  }

  private changed(target: DirectoryWatch, name: string | null): void {
    if (!this.emit) return;
    if (name === null) {
      // The kernel did not say which entry changed: look at all of them.
      void this.candidates(target).then((paths) => paths.forEach((path) => this.debounce(path)));
      return;
    }
    if (target.all || target.files.has(name)) this.debounce(join(target.directory, name));
  }

  /** The paths a watch covers: its named files, or the directory's entries and those the index knows there. */
  private async candidates(target: DirectoryWatch): Promise<string[]> {
    if (!target.all) return [...target.files].map((name) => join(target.directory, name));
    const entries = await readdir(target.directory).catch(() => []);
    const known = this.store.paths().filter((path) => dirname(path) === target.directory);
    return [...new Set([...entries.map((name) => join(target.directory, name)), ...known])];
  }

  // Editors write in bursts (truncate, write, rename): read a path once it has been quiet a moment.
  private debounce(path: string): void {
    const now = Date.now();
    const pending = this.pending.get(path);
    const first = pending?.first ?? now;
    clearTimeout(pending?.timer);
    const delay = Math.max(0, Math.min(this.debounceMs, first + this.maxDelayMs - now));
    const timer = setTimeout(() => {
      this.pending.delete(path);
      this.enqueue(path, false);
    }, delay);
    this.pending.set(path, { first, timer });
  }

  private enqueue(path: string, startup: boolean): void {
    this.queue = this.queue
      .then(() => this.check(path, startup))
      .catch((error: Error) => this.log.warning('cannot check a watched file', { path, reason: error.message }));
  }

  private async check(path: string, startup: boolean): Promise<void> {
    if (await this.appearedDirectory(path)) return;
    const reading = await this.read(path);
    if (reading === undefined || !this.emit) return;
    const hash = reading?.hash ?? null;
    const history = this.store.history(path);
    // First sight of a file at startup: its baseline, not a change.
    if (startup && history.length === 0 && hash === null) return;
    const previousHash = history[0] ?? null;
    if (hash === previousHash) return;
    await this.store
      .record(path, hash, reading?.content)
      .catch((error: Error) => this.log.warning('cannot keep a known-good copy', { path, reason: error.message }));
    if (startup && history.length === 0) return;
    this.emit({ type: 'fileChanged', at: new Date(), path, previousHash, hash });
  }

  /** Starts watching a configured directory that did not exist at start, now that it does. */
  private async appearedDirectory(path: string): Promise<boolean> {
    if (!this.paths.includes(path) || this.watches.some((watch) => watch.all && watch.directory === path)) return false;
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) return false;
    const target: DirectoryWatch = { directory: path, all: true, files: new Set() };
    this.watches.push(target);
    this.watchDirectory(target);
    this.log.info('watching a directory that appeared', { directory: path });
    // What it already holds is new: report it.
    for (const file of await this.candidates(target)) this.enqueue(file, false);
    return true;
  }

  /** The file's hash (null: it does not exist); undefined for what is no regular file or cannot be read. */
  private async read(path: string): Promise<Reading | undefined> {
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      if (info.size <= this.maxCopyBytes) {
        const content = await readFile(path);
        return { hash: sha256(content), content: content.length <= this.maxCopyBytes ? content : undefined };
      }
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      return { hash: hash.digest('hex') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      this.log.warning('cannot read a watched file', { path, reason: (error as Error).message });
      return undefined;
    }
  }
}
