// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A wait on a peer's later work, told by its signals after a call returned (a PackageKit transaction's Finished,
// a systemd job's JobRemoved, a NetworkManager activation's state): it has a deadline, past which the peer is
// recorded as stuck (GetStatus "stuck-peers"), and it ends as soon as the peer's name changes hands, since the
// connection that was doing the work is gone (crashed, restarted) and will never signal its end.
import type { SignalRouter } from './client.js';
import { peerWaits } from './peerWaits.js';

export interface PeerWaitOptions {
  /** What is waited for, in the stuck peers' words: "SearchFiles", "the job to restart cups.service". */
  what: string;
  deadlineMs: number;
  /** The error once the peer left the bus (or handed its name on) before the wait ended. */
  left: () => Error;
  /** The error past the deadline. */
  late: () => Error;
  /** Told at the deadline, before the wait fails: a PackageKit transaction is asked to cancel. */
  onDeadline?: () => void;
  /** A person's answer is waited for (a dialog the peer shows): past the deadline, the peer is not stuck. */
  person?: boolean;
}

/** Seconds or minutes, as the stuck peers' words say a deadline. */
const deadlineWords = (ms: number) => (ms >= 600_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

export class PeerWait {
  /** Rejects once the peer leaves the bus or the deadline passes; never resolves. */
  readonly failed: Promise<never>;
  #fail: (error: Error) => void = () => undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #end: (answered: boolean) => void;
  #stopWatching: () => Promise<void> = async () => undefined;

  private constructor(
    readonly peer: string,
    options: PeerWaitOptions,
  ) {
    this.failed = new Promise<never>((_resolve, reject) => (this.#fail = reject));
    // Raced by its users; a failure before they race it is no unhandled rejection meanwhile.
    this.failed.catch(() => undefined);
    this.#end = peerWaits.begin(peer, options.what);
    this.#timer = setTimeout(() => {
      if (!options.person)
        peerWaits.stuck(peer, `did not finish ${options.what} within ${deadlineWords(options.deadlineMs)}`);
      options.onDeadline?.();
      this.#fail(options.late());
    }, options.deadlineMs);
  }

  /**
   * Starts waiting on `peer` (a well-known name), followed through `router`: resolves once its owner is watched.
   * A peer with no owner now has left already.
   */
  static async begin(router: SignalRouter, peer: string, options: PeerWaitOptions): Promise<PeerWait> {
    const wait = new PeerWait(peer, options);
    try {
      const watch = await router.watchOwner(peer, () => wait.#fail(options.left()));
      wait.#stopWatching = watch.stop;
      if (watch.owner === null) wait.#fail(options.left());
    } catch (error) {
      await wait.end(false);
      throw error;
    }
    return wait;
  }

  /** `work`, or the wait's failure if that comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.failed]);
  }

  /**
   * Ends the wait: no deadline, no watching (in the background: a peer that is gone, or a bus that does not answer,
   * may be why it ends). `answered`: the peer did what was waited for, so it is not stuck.
   */
  end(answered: boolean): Promise<void> {
    clearTimeout(this.#timer);
    this.#end(answered);
    return this.#stopWatching().catch(() => undefined);
  }
}
