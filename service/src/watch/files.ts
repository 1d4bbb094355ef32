// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { createReadStream, type FSWatcher, watch } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { _, format } from '../i18n.js';
import type { Logger } from '../logging.js';
import { KnownGoodStore, type SecretPolicy, sha256 } from '../storage/knownGoodStore.js';
import type { EventSource, WatchEvent } from './events.js';

const MIB = 1024 * 1024;
/** Processes looked at for a changed file's holders: a desktop runs a few hundred. */
const MAX_PROCESSES = 4096;
/** How long one reading of the processes' open files answers for. */
const HOLDERS_FRESH_MS = 2_000;

export interface FileWatchOptions {
  /** Files and directories to watch; directories at their top level only. */
  paths: string[];
  /**
   * Directories among `paths` whose folders are watched too, down to `nestDepth` levels, as they come and go:
   * ~/.config, where each application keeps its settings in a folder of its own (~/.config/APP/, and folders in it:
   * ~/.config/APP/profiles/).
   */
  nested?: string[];
  /** How many levels of folders below a nesting directory are watched (default 3). */
  nestDepth?: number;
  /**
   * The most directories watched at once, nested ones included (default 256, and at most an eighth of the kernel's
   * fs.inotify.max_user_watches, which every program of the user shares).
   */
  maxDirectories?: number;
  /** Told what is left unwatched for a limit (null once nothing is), for the service's status. */
  onNote?: (note: string | null) => void;
  /** Where the proc file system is (tests). */
  proc?: string;
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

/** What one fs.watch on a directory is for: all its entries, or some named files in it. */
interface DirectoryWatch {
  directory: string;
  all: boolean;
  files: Set<string>;
  /** Its folders are watched too, as they come (below a nesting directory, above the depth limit). */
  nests?: boolean;
  /** Levels below the nesting directory it is in (0: that directory itself). */
  depth?: number;
  watcher?: FSWatcher;
}

/** Why some folders are not watched: Steward's own bound, the kernel's, or the depth. */
type Limit = 'directories' | 'kernel' | 'depth';

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
  private readonly nested: Set<string>;
  private readonly nestDepth: number;
  private readonly configuredMaxDirectories: number;
  private maxDirectories: number;
  private readonly onNote?: (note: string | null) => void;
  private readonly proc: string;
  private readonly limits = new Set<Limit>();
  /** The files the user's processes held at the last look, and when it was. */
  private holders?: { at: number; index: Promise<Map<string, Set<string>>> };
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
    this.nested = new Set((options.nested ?? []).map((path) => resolve(path)));
    this.nestDepth = options.nestDepth ?? 3;
    this.configuredMaxDirectories = options.maxDirectories ?? 256;
    this.maxDirectories = this.configuredMaxDirectories;
    this.onNote = options.onNote;
    this.proc = options.proc ?? '/proc';
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
    this.maxDirectories = Math.min(this.configuredMaxDirectories, await this.kernelShare());
    this.watches = await this.planWatches();
    for (const target of this.watches) this.watchDirectory(target);
    for (const target of this.watches.filter((watch) => watch.watcher)) {
      for (const path of await this.candidates(target)) this.enqueue(path, true);
    }
    await this.queue;
  }

  async stop(): Promise<void> {
    this.emit = undefined;
    this.limits.clear();
    this.onNote?.(null);
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
    for (const path of this.nested) {
      const parent = byDirectory.get(path);
      if (!parent?.all) continue;
      Object.assign(parent, { nests: true, depth: 0 });
      // Breadth first: the folders nearest the top are the applications' own, and are watched before deeper ones.
      const level: DirectoryWatch[] = [parent];
      while (level.length > 0) {
        const above = level.shift() as DirectoryWatch;
        for (const folder of await folders(above.directory)) {
          if (byDirectory.has(folder)) continue;
          if (byDirectory.size >= this.maxDirectories) {
            this.reached('directories');
            break;
          }
          const depth = (above.depth ?? 0) + 1;
          const below = entry(folder);
          Object.assign(below, { all: true, depth, nests: depth < this.nestDepth });
          if (below.nests) level.push(below);
          else if ((await folders(folder)).length > 0) this.reached('depth');
        }
      }
    }
    return [...byDirectory.values()];
  }

  private watchDirectory(target: DirectoryWatch): void {
    try {
      // Watching the directory, not the file, sees editors that replace a file by renaming over it.
      target.watcher = watch(target.directory, { persistent: false }, (_event, name) => this.changed(target, name));
    } catch (error) {
      // The kernel's limit of inotify watches for this user is reached: no more folders can be watched now.
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') this.reached('kernel');
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
    const baseline = startup && history.length === 0;
    const at = new Date();
    // Read before the index records the change: whoever waits for the index to list it finds the event sent. A file
    // changed while Steward was not running was held, if at all, by processes long gone.
    const openedBy = hash === null || startup ? [] : await this.openedBy(path);
    await this.store
      .record(path, hash, reading?.content, baseline ? undefined : at)
      .catch((error: Error) => this.log.warning('cannot keep a known-good copy', { path, reason: error.message }));
    if (baseline) return;
    this.emit?.({
      type: 'fileChanged',
      at,
      path,
      previousHash,
      hash,
      ...(openedBy.length > 0 && { openedBy }),
    });
  }

  /**
   * Starts watching a directory that appeared: a configured one that did not exist at start, or an application's
   * new folder in a nesting one.
   */
  private async appearedDirectory(path: string): Promise<boolean> {
    const parent = this.watches.find((watch) => watch.nests && watch.directory === dirname(path));
    const nestedFolder = parent !== undefined;
    if (!this.paths.includes(path) && !nestedFolder) return false;
    if (this.watches.some((watch) => watch.all && watch.directory === path)) return false;
    // A configured path may be a link to its directory; a folder found in a nesting one is followed only as itself.
    const info = await (nestedFolder ? lstat : stat)(path).catch(() => undefined);
    if (!info?.isDirectory()) return false;
    if (this.watches.length >= this.maxDirectories) {
      this.reached('directories');
      this.log.info('not watching another directory: enough are watched', { directory: path });
      return true;
    }
    const depth = parent ? (parent.depth ?? 0) + 1 : undefined;
    const target: DirectoryWatch = {
      directory: path,
      all: true,
      files: new Set(),
      ...(depth !== undefined && { depth, nests: depth < this.nestDepth }),
    };
    this.watches.push(target);
    this.watchDirectory(target);
    this.log.info('watching a directory that appeared', { directory: path });
    // Read once now that it is watched: what was written there before the watch existed is seen too. What a
    // configured directory already holds is new: report it. An application's new folder holds its first settings
    // (and its folders, made with it): their baseline.
    for (const file of await this.candidates(target)) this.enqueue(file, nestedFolder);
    return true;
  }

  /** How many directories Steward takes of the kernel's inotify watches for this user: an eighth, at least 16. */
  private async kernelShare(): Promise<number> {
    const text = await readFile(`${this.proc}/sys/fs/inotify/max_user_watches`, 'utf8').catch(() => '');
    const max = Number.parseInt(text, 10);
    return Number.isFinite(max) && max > 0 ? Math.max(16, Math.floor(max / 8)) : Number.POSITIVE_INFINITY;
  }

  /** Notes a limit reached, in the log once and in the service's status. */
  private reached(limit: Limit): void {
    if (this.limits.has(limit)) return;
    this.limits.add(limit);
    const note = this.note();
    this.log.warning('some folders are not watched', { limit, note });
    this.onNote?.(note);
  }

  /** What is not watched and why, in words. */
  private note(): string {
    const parts: string[] = [];
    if (this.limits.has('directories')) {
      parts.push(
        format(_('{count} folders are watched, the most Steward watches at once; changes in others are not seen.'), {
          count: this.maxDirectories,
        }),
      );
    }
    if (this.limits.has('kernel')) {
      parts.push(
        _(
          'The kernel’s limit of watched folders for this user (fs.inotify.max_user_watches) is reached: changes in ' +
            'the folders past it are not seen.',
        ),
      );
    }
    if (this.limits.has('depth')) {
      parts.push(
        format(_('Settings folders are watched {depth} levels deep; changes in deeper folders are not seen.'), {
          depth: this.nestDepth,
        }),
      );
    }
    return parts.join(' ');
  }

  /**
   * The units whose processes of this user have `path` open now (from /proc/PID/fd and /proc/PID/cgroup): a link
   * between a changed file and a unit that fails after it. Processes of other users are not readable, and skipped.
   * One reading of /proc serves the changes of a moment (an editor's burst, a folder written at once).
   */
  private async openedBy(path: string): Promise<string[]> {
    const now = Date.now();
    if (!this.holders || now - this.holders.at > HOLDERS_FRESH_MS) {
      this.holders = { at: now, index: this.readHolders() };
    }
    return [...((await this.holders.index).get(path) ?? [])];
  }

  /** Every file the user's processes have open now, with the units of the processes that hold it. */
  private async readHolders(): Promise<Map<string, Set<string>>> {
    const uid = process.getuid?.();
    const pids = (await readdir(this.proc).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
    const index = new Map<string, Set<string>>();
    for (const pid of pids.slice(0, MAX_PROCESSES)) {
      const owner = await stat(`${this.proc}/${pid}`).catch(() => null);
      if (!owner || (uid !== undefined && owner.uid !== uid)) continue;
      const unit = cgroupUnit(await readFile(`${this.proc}/${pid}/cgroup`, 'utf8').catch(() => ''));
      if (!unit) continue;
      const fds = await readdir(`${this.proc}/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const target = await readlink(`${this.proc}/${pid}/fd/${fd}`).catch(() => '');
        if (!target.startsWith('/')) continue;
        const units = index.get(target) ?? new Set<string>();
        units.add(unit);
        index.set(target, units);
      }
    }
    return index;
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

/** The folders directly in `directory`, not following links (a link can lead anywhere, or in a circle). */
async function folders(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => join(directory, entry.name));
}

/** The unit a process runs in, from its cgroup2 line ("0::/user.slice/…/app.slice/x.service"): the deepest unit. */
export function cgroupUnit(cgroup: string): string | null {
  const path = /^0::(\S*)$/m.exec(cgroup)?.[1] ?? '';
  const unit = path
    .split('/')
    .reverse()
    .find((part) => /\.(?:service|socket|scope)$/.test(part) && !/^user@\d+\.service$/.test(part));
  return unit ?? null;
}
