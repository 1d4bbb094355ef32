// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one supervisor of the sources' long-lived children (journalctl --follow, ip monitor, pw-dump --monitor): each
// start tied to the service (tiedSpawn.ts), its output read as it comes, the end of its stderr kept for the log, and
// an end nobody asked for answered by a restart with back-off (restartBackoff.ts: doubling up to the cap, from the
// first delay again once the child works or after a healthy run); stop() ends it for good.
import type { ChildProcess } from 'node:child_process';

import type { Logger } from '../logging.js';
import { backoffDelay, type BackoffOptions, RestartBackoff } from '../restartBackoff.js';
import { forEachLine } from './lines.js';
import { spawnTied } from './tiedSpawn.js';

export interface ChildCommand {
  program: string;
  args: string[];
  /** The child's environment (the service's own when not given). */
  env?: NodeJS.ProcessEnv;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it wrote to stderr, with why it could not start or was ended. */
  stderr: string;
  /** The program was not found: ENOENT, or status 127 from setpriv's exec. */
  missing: boolean;
}

export interface SupervisedChildOptions {
  /** The child's name in the log ("journalctl"), and the source it serves. */
  label: string;
  source: string;
  log: Logger;
  /** What to run, asked at each start (the journal resumes from its latest cursor). */
  command: () => ChildCommand;
  /** Back-off between restarts; a run of `healthyRunMs` (default a minute) starts it again from the first delay. */
  restart: BackoffOptions & { healthyRunMs?: number };
  /** Each line of its output, without its "\n"; or `onData`, each chunk of text as it comes. */
  onLine?: (line: string) => void;
  onData?: (chunk: string) => void;
  /** Runs before each start (the journal's tail); a stop meanwhile skips the start. */
  beforeStart?: () => Promise<void>;
  /** Runs once each start is exec'd (or failed to be); start() resolves after it. */
  afterStart?: () => Promise<void>;
  /** An end nobody asked for: 'restart' with back-off (the default), or 'wait' (for startAgain(), or for good). */
  ended?: (exit: ChildExit) => 'restart' | 'wait';
  /** Fields of the source's own in the start and restart log lines (the journal's cursor). */
  logFields?: () => Record<string, unknown>;
  /** The first restart of a run of failures said at info and the rest at debug, not each as a warning. */
  quiet?: boolean;
}

const STDERR_KEPT = 2048;
const HEALTHY_RUN_MS = 60_000;
/** The status of a program that was not found (the shell's, and setpriv's through util-linux's errexec). */
const NOT_FOUND = 127;

export class SupervisedChild {
  readonly #options: SupervisedChildOptions;
  readonly #backoff: RestartBackoff;
  #child: ChildProcess | null = null;
  #stderr = '';
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

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#run();
  }

  /** Ends the child for good and resolves once it has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#child?.kill('SIGTERM');
    await this.#exited;
  }

  /** The child works (it wrote what was expected): the next failure waits the first delay again. */
  working(): void {
    this.#backoff.reset();
  }

  /** Ends the running child as a failure (its output cannot be read), said in the restart's log line. */
  fail(reason: string): void {
    this.#stderr += `${reason}\n`;
    this.#child?.kill('SIGTERM');
  }

  /** Starts the child now, from the first delay again: what it waited for is there. */
  startAgain(): void {
    this.#backoff.reset();
    if (!this.#stopped && !this.#child && !this.#timer) void this.#run();
  }

  async #run(): Promise<void> {
    await this.#options.beforeStart?.();
    if (this.#stopped) return;
    const child = this.#spawn();
    await new Promise((resolve) => child.once('spawn', resolve).once('error', resolve));
    await this.#options.afterStart?.();
  }

  #spawn(): ChildProcess {
    const { label, source, log, command, onLine, onData, logFields } = this.#options;
    const { program, args, env } = command();
    const child = spawnTied(program, args, env);
    this.#child = child;
    this.#spawnedAt = Date.now();
    this.#stderr = '';
    let missing = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEPT)));
    if (onLine) forEachLine(child.stdout, onLine);
    else if (onData) child.stdout.setEncoding('utf8').on('data', onData);
    else child.stdout.resume();
    child.on('error', (error: NodeJS.ErrnoException) => {
      missing ||= error.code === 'ENOENT';
      this.#stderr += `${error.message}\n`;
    });
    this.#exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        this.#child = null;
        resolve();
        if (this.#stopped) return;
        this.#ended({ code, signal, stderr: this.#stderr.trim(), missing: missing || code === NOT_FOUND });
      }),
    );
    log.debug(`${label} started`, { source, pid: child.pid, ...logFields?.() });
    return child;
  }

  #ended(exit: ChildExit): void {
    const { label, source, log, restart, ended, logFields, quiet } = this.#options;
    if ((ended?.(exit) ?? 'restart') === 'wait') return;
    // A child that ran well for a while and then ended is a new trouble, not the old one going on.
    if (Date.now() - this.#spawnedAt >= (restart.healthyRunMs ?? HEALTHY_RUN_MS)) this.#backoff.reset();
    const delayMs = this.#backoff.failed();
    // Quiet: where the child cannot run for a long time (no PipeWire in a PulseAudio session) retries fill the log.
    const level = !quiet ? 'warning' : delayMs === backoffDelay(1, restart) ? 'info' : 'debug';
    log[level](`${label} exited; restarting`, {
      source,
      code: exit.code ?? undefined,
      signal: exit.signal ?? undefined,
      stderr: exit.stderr || undefined,
      delayMs,
      ...logFields?.(),
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, delayMs);
  }
}
