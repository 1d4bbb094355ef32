// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The PipeWire source: a long-lived `pw-dump --monitor` child, whose JSON updates (one array per change, of the
// objects that changed) keep a small graph of the audio nodes and the `default` metadata; a 'sound' desktop event
// goes out when what that graph says changes. PipeWire does the waiting: an idle session writes nothing. The
// child is restarted with back-off when it ends while PipeWire's socket is there (PipeWire restarted); without the
// socket (PipeWire not running yet, or a PulseAudio session) it waits for the socket to appear (inotify).
//
// pw-dump --monitor lists only the metadata entries that changed, says nothing of one removed, and (0.3.x) writes a
// metadata change only with the graph's next change: a `pw-metadata --monitor` child (metadataWatch.ts) says when
// the `default` metadata changes, and each change is followed by one read of that object alone.
//
// pw-dump --monitor 0.3.65 was seen to miss WirePlumber's return: the new `default` metadata never came, while a
// one-off pw-dump had it, and the source said "WirePlumber is not running" for good. While the graph has no session
// manager, a `pw-metadata --monitor --name default` waits for one: once it finds the metadata and pw-dump has not
// written it within CATCH_UP_MS, pw-dump is started again, and its first array is the whole graph.
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../../logging.js';
import { type BackoffOptions, RestartBackoff } from '../../restartBackoff.js';
import type { EventSource, WatchEvent } from '../../watch/events.js';
import { type ChildEnd, SupervisedChild } from '../../watch/supervisedChild.js';
import { mayMatter, SoundGraph } from './graph.js';
import { JsonArrayStream } from './jsonStream.js';
import { type MetadataWatch, watchDefaultMetadata } from './metadataWatch.js';
import { applyDump, dumpObjects } from './pipewire.js';
import type { SoundState } from './state.js';

export interface PipeWireSourceOptions {
  name: string;
  log: Logger;
  /** The environment pw-dump reaches PipeWire with (the service's own by default). */
  env?: NodeJS.ProcessEnv;
  /**
   * How long the graph must stay unchanged before its state goes out, so that PipeWire and WirePlumber starting
   * (devices appearing one by one) make one event, not a false "no output" first; `maxWaitMs` caps it.
   */
  settleMs?: number;
  maxWaitMs?: number;
  /**
   * How long the session manager must stay gone before that goes out: WirePlumber's unit starts it again within a
   * second or two after a crash, and PipeWire restarted takes WirePlumber with it and back.
   */
  managerGoneMs?: number;
  restart?: BackoffOptions & { healthyRunMs?: number };
}

/** How long pw-dump may take to write the `default` metadata that pw-metadata found, before it is taken as missed. */
const CATCH_UP_MS = 3000;

export class PipeWireSource implements EventSource {
  readonly name: string;
  readonly #options: PipeWireSourceOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #pwDump: SupervisedChild;
  #emit: ((event: WatchEvent) => void) | null = null;
  #settleTimer: NodeJS.Timeout | null = null;
  /** Since when the graph has had no session manager after one was reported, while that is not reported yet. */
  #managerGoneSince: number | null = null;
  #managerGoneTimer: NodeJS.Timeout | null = null;
  /** When the changes not yet reported began. */
  #pendingSince = 0;
  #graph = new SoundGraph();
  /** Arrays read from the running child: its first is the whole graph. */
  #arrays = 0;
  #metadataChanged = false;
  #rereading: Promise<void> = Promise.resolve();
  #last = '';
  #stopped = true;
  /** The watch of the `default` metadata, and the object it follows. */
  #metadata: MetadataWatch | null = null;
  #watchedId: number | undefined;
  readonly #metadataBackoff: RestartBackoff;
  #metadataRetryAt = 0;
  #metadataTimer: NodeJS.Timeout | null = null;
  /** Watches the runtime directory for PipeWire's socket while it is not there. */
  #socketWatch: FSWatcher | null = null;
  /** While the graph has no session manager: waits for its `default` metadata to appear in PipeWire. */
  #returnWatch: MetadataWatch | null = null;
  #returnTimer: NodeJS.Timeout | null = null;

  constructor(options: PipeWireSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#env = options.env ?? process.env;
    const restart = options.restart ?? { initialDelayMs: 1000, maxDelayMs: 30_000 };
    this.#metadataBackoff = new RestartBackoff(restart);
    this.#pwDump = new SupervisedChild({
      label: 'pw-dump',
      source: options.name,
      log: options.log,
      restart,
      command: () => {
        // A manager seen before stays seen: WirePlumber gone is still told once this pw-dump started again.
        this.#graph = new SoundGraph(this.#graph.managerSeen);
        this.#arrays = 0;
        return { program: 'pw-dump', args: ['--monitor', '--no-colors'], env: this.#env };
      },
      attach: (child, fail) => this.#read(child.stdout, fail),
      ended: (end) => this.#ended(end),
      // Said once: where PipeWire does not run (a PulseAudio session) the retries would fill the log.
      sayRestarts: 'once',
    });
  }

  /** The running pw-dump's process id, if one runs (for tests). */
  get pid(): number | undefined {
    return this.#pwDump.pid;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    this.#stopped = false;
    await this.#pwDump.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#emit = null;
    for (const timer of [this.#settleTimer, this.#metadataTimer, this.#managerGoneTimer, this.#returnTimer])
      if (timer) clearTimeout(timer);
    this.#settleTimer = this.#metadataTimer = this.#managerGoneTimer = this.#returnTimer = null;
    const returnWatch = this.#returnWatch;
    this.#returnWatch = null;
    returnWatch?.stop();
    this.#socketWatch?.close();
    this.#socketWatch = null;
    const stopped = this.#pwDump.stop();
    const metadata = this.#metadata;
    this.#metadata = null;
    metadata?.stop();
    await Promise.all([stopped, this.#rereading, metadata?.ended, returnWatch?.ended]);
  }

  /** Reads pw-dump's output: one JSON array per change; output that is no JSON ends the run. */
  #read(stdout: NodeJS.ReadableStream, fail: (why: string) => void): void {
    const stream = new JsonArrayStream(
      (element) => this.#element(element),
      () => this.#array(),
    );
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      try {
        stream.push(chunk);
      } catch (error) {
        fail((error as Error).message);
      }
    });
  }

  #element(element: string): void {
    if (!mayMatter(element)) return;
    if (this.#graph.apply(JSON.parse(element) as unknown, this.#arrays === 0) && this.#arrays > 0)
      this.#metadataChanged = true;
  }

  #array(): void {
    this.#arrays++;
    this.#pwDump.healthy();
    if (this.#metadataChanged) {
      this.#metadataChanged = false;
      this.#reread();
    }
    this.#followMetadata();
    this.#awaitManager();
    this.#schedule();
  }

  /** While the graph has no session manager after it had one, watches for the manager's return (see the top). */
  #awaitManager(): void {
    if (!this.#graph.managerGone || this.#stopped) {
      this.#returnWatch?.stop();
      this.#returnWatch = null;
      return;
    }
    if (this.#returnWatch) return;
    const found = () => this.#managerFound();
    const watch = watchDefaultMetadata(this.#env, found, found);
    this.#returnWatch = watch;
    void watch.ended.then(() => {
      if (this.#returnWatch === watch) this.#returnWatch = null;
    });
  }

  /** PipeWire has a `default` metadata: pw-dump is started again if it has not written it in time. */
  #managerFound(): void {
    this.#returnTimer ??= setTimeout(() => {
      this.#returnTimer = null;
      if (this.#stopped || this.#graph.metadataId !== undefined) return;
      this.#options.log.info('pw-dump missed the session manager’s return; reading PipeWire’s graph again', {
        source: this.name,
      });
      this.#returnWatch?.stop();
      this.#returnWatch = null;
      this.#pwDump.restart();
    }, CATCH_UP_MS);
  }

  /** Reports the state once the graph has settled. */
  #schedule(): void {
    const now = Date.now();
    if (!this.#settleTimer) this.#pendingSince = now;
    else clearTimeout(this.#settleTimer);
    const maxWait = this.#options.maxWaitMs ?? 5000;
    const delay = Math.max(0, Math.min(this.#options.settleMs ?? 1000, this.#pendingSince + maxWait - now));
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      void this.#rereading.then(() => this.#report());
    }, delay);
  }

  /** Watches the `default` metadata the graph has now; a watch that ended is started again with back-off. */
  #followMetadata(): void {
    const id = this.#graph.metadataId;
    if (this.#stopped || (id === this.#watchedId && this.#metadata)) return;
    const wait = this.#metadataRetryAt - Date.now();
    if (wait > 0) {
      this.#metadataTimer ??= setTimeout(() => {
        this.#metadataTimer = null;
        this.#followMetadata();
      }, wait);
      return;
    }
    this.#metadata?.stop();
    this.#metadata = null;
    this.#watchedId = id;
    if (id === undefined) return;
    const watch = watchDefaultMetadata(this.#env, () => {
      this.#metadataBackoff.reset();
      this.#reread();
      this.#schedule();
    });
    this.#metadata = watch;
    void watch.ended.then(() => {
      // Replaced by a watch of a newer object, or stopped: nothing to do.
      if (this.#metadata !== watch) return;
      this.#metadata = null;
      this.#metadataRetryAt = Date.now() + this.#metadataBackoff.failed();
      this.#followMetadata();
    });
  }

  /** Reads the `default` metadata whole, once the updates are in order behind it. */
  #reread(): void {
    const graph = this.#graph;
    const id = graph.metadataId;
    if (id === undefined) return;
    this.#rereading = this.#rereading
      .then(async () => {
        const objects = await dumpObjects(this.#env, id);
        // Removed while it was read (WirePlumber ended): what was read is the past, and would bring it back.
        if (graph.metadataId === id) applyDump(graph, objects);
      })
      .catch((error: Error) =>
        this.#options.log.warning('could not read PipeWire’s default metadata', {
          source: this.name,
          error: error.message,
        }),
      );
  }

  #report(): void {
    if (this.#stopped) return;
    const state: SoundState = this.#graph.state();
    if (this.#managerStillComing(state.managerGone)) return;
    const text = JSON.stringify(state);
    if (text === this.#last) return;
    this.#last = text;
    this.#emit?.({ type: 'desktop', at: new Date(), desktop: { kind: 'sound', sound: state } });
  }

  /**
   * Whether the session manager is gone for less than managerGoneMs: the state waits, and is looked at again once
   * that time is up.
   */
  #managerStillComing(gone: boolean): boolean {
    if (!gone) {
      this.#managerGoneSince = null;
      return false;
    }
    const since = (this.#managerGoneSince ??= Date.now());
    const left = since + (this.#options.managerGoneMs ?? 10_000) - Date.now();
    if (left <= 0) return false;
    this.#managerGoneTimer ??= setTimeout(() => {
      this.#managerGoneTimer = null;
      this.#report();
    }, left);
    return true;
  }

  /** PipeWire's socket, as its clients find it (PIPEWIRE_RUNTIME_DIR, else XDG_RUNTIME_DIR; PIPEWIRE_REMOTE). */
  #socket(): string | null {
    const dir = this.#env.PIPEWIRE_RUNTIME_DIR ?? this.#env.XDG_RUNTIME_DIR;
    const remote = this.#env.PIPEWIRE_REMOTE ?? 'pipewire-0';
    return dir && !remote.includes('/') ? join(dir, remote) : null;
  }

  /** Starts pw-dump again once PipeWire's socket appears; false where it cannot be watched for. */
  #awaitSocket(socket: string): boolean {
    const [dir, name] = [join(socket, '..'), socket.slice(socket.lastIndexOf('/') + 1)];
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file === name && existsSync(socket)) appeared();
      });
    } catch {
      return false;
    }
    watcher.on('error', () => watcher.close());
    this.#socketWatch = watcher;
    const appeared = () => {
      if (this.#socketWatch !== watcher) return;
      watcher.close();
      this.#socketWatch = null;
      this.#pwDump.healthy();
      if (!this.#stopped) void this.#pwDump.start();
    };
    // It may have come between pw-dump's end and the watch.
    if (existsSync(socket)) appeared();
    return true;
  }

  #ended({ missing }: ChildEnd): 'restart' | 'hold' {
    // Without pw-dump (no PipeWire tools installed) there is nothing to wait for.
    if (missing) {
      this.#options.log.info('pw-dump is not installed: sound is read from the journal only');
      return 'hold';
    }
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
    const socket = this.#socket();
    if (socket && !existsSync(socket) && this.#awaitSocket(socket)) {
      this.#options.log.debug('PipeWire is not running; waiting for its socket', { source: this.name, socket });
      return 'hold';
    }
    return 'restart';
  }
}
