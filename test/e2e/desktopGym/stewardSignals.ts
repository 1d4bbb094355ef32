// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Steward's findings and proposals as a client sees them on the session bus: every signal of its Findings and
// Proposals interfaces, recorded in order from the moment of subscribing, with its arguments as plain values;
// and the calls a person's Apply and Undo make.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../../service/src/dbus/client.js';
import {
  BUS_NAME,
  FINDINGS_INTERFACE,
  OBJECT_PATH,
  PROPOSALS_INTERFACE,
} from '../../../service/src/dbus/interfaces.js';
import { waitFor } from '../../support/service.js';

export interface Signal {
  /** "Findings.FindingAdded", "Proposals.JobFinished"… */
  name: string;
  body: unknown[];
  at: number;
}

export type Finding = Record<string, unknown> & { id: string; kind: string; subject: string; title: string };
export type ProposalAction = Record<string, unknown> & { name: string; 'read-only': boolean; preview?: string };
export type Proposal = Record<string, unknown> & {
  id: string;
  'finding-id': string;
  subject: string;
  title: string;
  actions: ProposalAction[];
};
export interface JobResult {
  id: string;
  state: string;
  summary: string;
}

/** A D-Bus value as plain data: variants unwrapped, 64-bit integers as numbers. */
export function plain(value: unknown): unknown {
  if (value instanceof Variant) return plain(value.value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && !(value instanceof Buffer))
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, plain(entry)]));
  return value;
}

/** How long a job (an Apply, an Undo) may take to finish: the shell answers at once, a busy machine slowly. */
const JOB_TIMEOUT_MS = 60_000;

export class StewardSignals {
  readonly signals: Signal[] = [];
  #unsubscribe: (() => Promise<void>)[] = [];

  private constructor(private readonly bus: MessageBus) {}

  static async subscribe(bus: MessageBus): Promise<StewardSignals> {
    const recorder = new StewardSignals(bus);
    const router = new SignalRouter(bus);
    for (const iface of [FINDINGS_INTERFACE, PROPOSALS_INTERFACE]) {
      const short = iface.slice(iface.lastIndexOf('.') + 1);
      recorder.#unsubscribe.push(
        await router.subscribe({ path: OBJECT_PATH, interface: iface }, (body, message) =>
          recorder.signals.push({
            name: `${short}.${message.member ?? ''}`,
            body: plain(body) as unknown[],
            at: Date.now(),
          }),
        ),
      );
    }
    return recorder;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#unsubscribe.map((unsubscribe) => unsubscribe()));
  }

  /** The last argument of each signal named one of `names` since `mark` (an index into `signals`), with its signal. */
  since<T>(mark: number, ...names: string[]): [Signal, T][] {
    return this.signals
      .slice(mark)
      .filter((signal) => names.includes(signal.name))
      .map((signal) => [signal, signal.body.at(-1) as T]);
  }

  /** Waits until `find` returns something, and resolves with it. */
  async until<T>(find: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
    let found: T | undefined;
    await waitFor(async () => (found = await find()) !== undefined, what, timeoutMs);
    return found as T;
  }

  call(iface: string, member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return callMethod(this.bus, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: iface,
      member,
      signature,
      body,
    });
  }

  /** Every finding or proposal there is, in any state (a page of 500 holds all a run makes). */
  async list<T>(iface: typeof FINDINGS_INTERFACE | typeof PROPOSALS_INTERFACE): Promise<T[]> {
    const filter = { state: new Variant('s', 'all'), limit: new Variant('u', 500) };
    const [items] = await this.call(iface, 'List', 'a{sv}', [filter]);
    return plain(items) as T[];
  }

  /** Every job there is, newest first. */
  async jobs(): Promise<(Record<string, unknown> & { id: string })[]> {
    const [items] = await this.call(PROPOSALS_INTERFACE, 'ListJobs', 'a{sv}', [{ limit: new Variant('u', 500) }]);
    return plain(items) as (Record<string, unknown> & { id: string })[];
  }

  /** Proposals.Apply, as a person's Apply does; resolves once its job finished. */
  apply(proposal: string, action: string): Promise<JobResult> {
    return this.#job(() => this.call(PROPOSALS_INTERFACE, 'Apply', 'ss', [proposal, action]));
  }

  /** Proposals.Undo of `job`; resolves once the undo's job finished. */
  undo(job: string): Promise<JobResult> {
    return this.#job(() => this.call(PROPOSALS_INTERFACE, 'Undo', 's', [job]));
  }

  async #job(start: () => Promise<unknown[]>): Promise<JobResult> {
    const mark = this.signals.length;
    const [id] = (await start()) as [string];
    const [, result] = await this.until(
      () => this.since<Record<string, string>>(mark, 'Proposals.JobFinished').find(([signal]) => signal.body[0] === id),
      `job ${id} to finish`,
      JOB_TIMEOUT_MS,
    );
    return { id, state: result.state ?? '', summary: result.summary ?? '' };
  }
}
