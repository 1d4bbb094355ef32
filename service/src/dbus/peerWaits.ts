// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which services Steward waits on now, and which left it waiting past a deadline: a call that timed out, a
// transaction that never finished, a fix that could not be worked out in time because of them. The status names
// the stuck ones (GetStatus "stuck-peers", and the degraded state's reason) until each answers again.
import { EventEmitter } from 'node:events';

import { bounded } from './errors.js';

interface Waiting {
  what: string;
  since: number;
}

/** What a stuck peer left waiting, in a few words ("did not finish SearchFiles within 120 s"). */
const MAX_WHAT = 200;
/** More peers than any session has: past it, the oldest stuck one is forgotten. */
const MAX_STUCK = 32;

export class PeerWaits extends EventEmitter<{ changed: [] }> {
  readonly #waiting = new Map<string, Set<Waiting>>();
  readonly #stuck = new Map<string, string>();

  /** Marks a call or transaction to `peer` under way; returns what marks its end (answered, or failed). */
  begin(peer: string, what: string): (answered: boolean) => void {
    const waiting: Waiting = { what, since: Date.now() };
    let set = this.#waiting.get(peer);
    if (!set) this.#waiting.set(peer, (set = new Set()));
    set.add(waiting);
    return (answered) => {
      set.delete(waiting);
      if (set.size === 0 && this.#waiting.get(peer) === set) this.#waiting.delete(peer);
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

  /** The peers waited on for longer than `ms` now, with what waits on each the longest. */
  waitingLongerThan(ms: number, now = Date.now()): Map<string, string> {
    const found = new Map<string, string>();
    for (const [peer, set] of this.#waiting) {
      const oldest = [...set].reduce<Waiting | null>((a, b) => (a && a.since <= b.since ? a : b), null);
      if (oldest && now - oldest.since > ms) found.set(peer, oldest.what);
    }
    return found;
  }

  /** The stuck peers, each with what it left waiting. */
  get stuckPeers(): Record<string, string> {
    return Object.fromEntries(this.#stuck);
  }
}

/** The service's one record of the peers it waits on. */
export const peerWaits = new PeerWaits();
