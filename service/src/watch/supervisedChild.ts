// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A long-running child that a source reads (journalctl --follow, ip monitor, pw-dump --monitor): spawned tied to
// the service, the tail of its stderr kept for the log, started again with back-off when it ends unasked (the
// back-off begins anew once the child shows it works: its owner says so, or it ran a healthy while), ended for good
// by stop().
import type { Logger } from '../logging.js';
import { backoffDelay, type BackoffOptions, RestartBackoff } from '../restartBackoff.js';
import { spawnTied } from './tiedSpawn.js';

export type TiedChild = ReturnType<typeof spawnTied>;

export interface ChildCommand {
  program: string;
  args: string[];
  /** The child's environment (the service's own when not given). */
  env?: NodeJS.ProcessEnv;
}

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last of what the child wrote to stderr, and of what went wrong reading its output. */
  stderr: string;
  /** The program is not installed (ENOENT, or status 127 from setpriv's exec). */
  missing: boolean;
}

export interface SupervisedChildOptions {
  /** The program as the log names it ("journalctl", "ip monitor"). */
  label: string;
  /** The source it serves, for the log. */
  source: string;
  log: Logger;
  /** Back-off between restarts; a run of `healthyRunMs` (default a minute) starts it again from the first delay. */
  restart: BackoffOptions & { healthyRunMs?: number };
  /** The next run's command line, made at each start (a journal resumes after its cursor); null: none now. */
  command(): ChildCommand | null | Promise<ChildCommand | null>;
  /** Reads a run's output; `fail` ends the run as a failure, saying why (output that cannot be read). */
  attach(child: TiedChild, fail: (why: string) => void): void;
  /** Once each run's program is exec'd: a monitor's snapshot, read after it listens so no change falls between. */
  spawned?(): Promise<void>;
  /** A run ended unasked: 'hold' leaves it ended (its owner starts it again, or never); by default it restarts. */
  ended?(end: ChildEnd): 'restart' | 'hold';
  /** What the restart's log line says besides the end (the journal's cursor). */
  restartDetails?(): Record<string, unknown>;
  /** 'once': only the first restart of a run of failures is said at info, the rest at debug (a session without the
   *  program's daemon would fill the log); by default each is a warning. */
  sayRestarts?: 'each' | 'once';
}

const STDERR_KEPT = 2048;
const HEALTHY_RUN_MS = 60_000;
/** The status of a program that was not found (the shell's, and setpriv's through util-linux's errexec). */
const NOT_FOUND = 127;

export class SupervisedChild {
  readonly #options: SupervisedChildOptions;
  readonly #backoff: RestartBackoff;
  #child: TiedChild | null = null;
  #exited: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #spawnedAt = 0;
  #stopped = true;

  constructor(options: SupervisedChildOptions) {
    this.#options = options;
    this.#backoff = new RestartBackoff(options.restart);
  }

  /** The running child's process id, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts a run; resolves once the program is exec'd (or could not be). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#spawn();
  }

  /** The child works: its next failure waits the first delay again. */
  healthy(): void {
    this.#backoff.reset();
  }

  /** Ends the running child as if it had failed: it starts again, with back-off, as after any unasked end. */
  restart(): void {
    // SIGKILL: the child is one that stopped doing its work, and may not heed a polite request either.
    this.#child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#child?.kill('SIGTERM');
    await this.#exited;
  }

  async #spawn(): Promise<void> {
    const command = await this.#options.command();
    if (this.#stopped || command === null) return;
    const child = spawnTied(command.program, command.args, command.env);
    this.#child = child;
    this.#spawnedAt = Date.now();
    let stderr = '';
    let missing = false;
    const note = (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', note);
    child.on('error', (error: NodeJS.ErrnoException) => {
      missing ||= error.code === 'ENOENT';
      note(`${error.message}\n`);
    });
    this.#options.attach(child, (why) => {
      note(`${why}\n`);
      child.kill('SIGTERM');
    });
    this.#exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        this.#child = null;
        resolve();
        if (!this.#stopped)
          this.#ended({ code, signal, stderr: stderr.trim(), missing: missing || code === NOT_FOUND });
      }),
    );
    await new Promise((resolve) => child.once('spawn', resolve).once('error', resolve));
    this.#options.log.debug(`${this.#options.label} started`, { source: this.#options.source, pid: child.pid });
    await this.#options.spawned?.();
  }

  #ended(end: ChildEnd): void {
    const options = this.#options;
    if (options.ended?.(end) === 'hold') return;
    // A child that ran well for a while and then ended is a new trouble, not the old one going on.
    if (Date.now() - this.#spawnedAt >= (options.restart.healthyRunMs ?? HEALTHY_RUN_MS)) this.#backoff.reset();
    const delayMs = this.#backoff.failed();
    const first = delayMs === backoffDelay(1, options.restart);
    const say = options.sayRestarts !== 'once' ? 'warning' : first ? 'info' : 'debug';
    options.log[say](`${options.label} exited; restarting`, {
      source: options.source,
      code: end.code ?? undefined,
      signal: end.signal ?? undefined,
      stderr: end.stderr || undefined,
      delayMs,
      ...options.restartDetails?.(),
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#stopped) void this.#spawn();
    }, delayMs);
  }
}
