// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which services Steward waits on now, and which left it waiting past a deadline: a call that timed out, a
// transaction that never finished, a fix that could not be worked out in time because of them. The status names
// the stuck ones (GetStatus "stuck-peers", and the degraded state's reason) until each answers again.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

import { bounded } from './errors.js';

interface Waiting {
  peer: string;
  what: string;
  since: number;
}

/** The calls that one piece of work (a proposal's draft) has under way now: which peers it waits on. */
export class WaitScope {
  readonly open = new Set<Waiting>();

  /** Each peer this work waits on now, with what it waits for the longest. */
  waitingOn(): Map<string, string> {
    const found = new Map<string, string>();
    for (const { peer, what } of [...this.open].sort((a, b) => a.since - b.since))
      if (!found.has(peer)) found.set(peer, what);
    return found;
  }
}

/** What a stuck peer left waiting, in a few words ("did not finish SearchFiles within 120 s"). */
const MAX_WHAT = 200;
/** More peers than any session has: past it, the oldest stuck one is forgotten. */
const MAX_STUCK = 32;

export class PeerWaits extends EventEmitter<{ changed: [] }> {
  readonly #stuck = new Map<string, string>();
  readonly #scopes = new AsyncLocalStorage<WaitScope>();

  /** Runs `work` in `scope`: the calls it makes, however deep, are listed there while under way. */
  within<T>(scope: WaitScope, work: () => Promise<T>): Promise<T> {
    return this.#scopes.run(scope, work);
  }

  /** Marks a call or transaction to `peer` under way; returns what marks its end (answered, or failed). */
  begin(peer: string, what: string): (answered: boolean) => void {
    const waiting: Waiting = { peer, what, since: Date.now() };
    const scope = this.#scopes.getStore();
    scope?.open.add(waiting);
    return (answered) => {
      scope?.open.delete(waiting);
      if (answered) this.answered(peer);
    };
  }

  /** `peer` left `what` waiting past its deadline. */
  stuck(peer: string, what: string): void {
    const text = bounded(what, MAX_WHAT);
    if (this.#stuck.get(peer) === text) return;
    this.#stuck.delete(peer);
    this.#stuck.set(peer, text);
    for (const oldest of this.#stuck.keys()) {
      if (this.#stuck.size <= MAX_STUCK) break;
      this.#stuck.delete(oldest);
    }
    this.emit('changed');
  }

  /** `peer` answered: it is not stuck (any more). */
  answered(peer: string): void {
    if (this.#stuck.delete(peer)) this.emit('changed');
  }

  /** The stuck peers, each with what it left waiting. */
  get stuckPeers(): Record<string, string> {
    return Object.fromEntries(this.#stuck);
  }
}

/** The service's one record of the peers it waits on. */
export const peerWaits = new PeerWaits();
