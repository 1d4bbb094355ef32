// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The runner's side of agent.ts: calls to Steward over the user's session bus inside the system, and the
// signals Steward sent, kept in order so that a scenario waits for the ones after its own start.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { SYSTEM_PATH } from '../e2e/harness/run.js';
import type { GymSystem } from './system.js';

export interface Signal {
  /** "Findings.FindingAdded", "Proposals.JobFinished"… */
  signal: string;
  body: unknown[];
  at: number;
}

type Reply = { id: number; result: unknown[] } | { id: number; error: string };

const AGENT = '/opt/steward/dist/test/gym/agent.js';
const AGENT_START_TIMEOUT_MS = 60_000;

export class Agent {
  readonly signals: Signal[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  /** Called on every signal, so that waits re-check at once. */
  readonly #listeners = new Set<() => void>();
  #nextId = 1;
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
  }

  /** Starts the agent as the test user and resolves once it listens to Steward's signals. */
  static async start(system: GymSystem): Promise<Agent> {
    const [command = '', ...args] = system.commandLine(['node', AGENT], 'user');
    const agent = new Agent(spawn(command, args, { env: { PATH: SYSTEM_PATH }, stdio: 'pipe' }));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the agent did not start: ${agent.#stderr}`)),
        AGENT_START_TIMEOUT_MS,
      );
      agent.#child.once('exit', (code) => reject(new Error(`the agent exited (${code}): ${agent.#stderr}`)));
      agent.#onReady = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    agent.#listen();
    await ready;
    return agent;
  }

  #onReady: () => void = () => undefined;

  #listen(): void {
    this.#child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-4000)));
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as Signal | Reply | { ready: true };
      if ('ready' in message) this.#onReady();
      else if ('signal' in message) {
        this.signals.push(message);
        for (const listener of this.#listeners) listener();
      } else this.#pending.get(message.id)?.(message);
    });
    this.#child.once('exit', () => {
      for (const resolve of this.#pending.values()) resolve({ id: 0, error: `the agent exited: ${this.#stderr}` });
    });
  }

  /** Calls a method of Steward's; `body` may hold {"$v": SIGNATURE, "value": V} variants. */
  call(iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve) => this.#pending.set(id, resolve));
    this.#child.stdin.write(`${JSON.stringify({ id, interface: iface, member, signature, body })}\n`);
    return reply.then((answer) => {
      this.#pending.delete(id);
      if ('error' in answer) throw new Error(`${member}: ${answer.error}`);
      return answer.result;
    });
  }

  /**
   * The first value `check` finds, tried now and again after each signal Steward sends; fails after
   * `timeoutMs` naming `what`. Findings and proposals are made from the journal and systemd's signals, so
   * every change they show comes with a signal of Steward's.
   */
  until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let running = false;
      let again = false;
      const finish = (error: Error | null, value?: T) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        if (error) reject(error);
        else resolve(value as T);
      };
      const listener = () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        Promise.resolve(check()).then(
          (value) => {
            running = false;
            if (value !== undefined) finish(null, value);
            else if (again) {
              again = false;
              listener();
            }
          },
          (error: Error) => finish(error),
        );
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
        timeoutMs,
      );
      this.#listeners.add(listener);
      listener();
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('close', resolve));
    this.#child.stdin.end();
    if (this.#child.exitCode === null) await exited;
  }
}
