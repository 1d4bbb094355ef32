// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the D-Bus state sources (NetworkManager; BlueZ, GNOME Shell's extensions, timedated) share: the owner's signals
// subscribed before the first read, so that no change falls between the two, and heard only from the name's owner
// (the match rules carry its unique name, made again when the name changes hands); the whole state read again
// whenever the owner comes back onto the bus (a daemon activated again, the shell restarted), once however often
// it came and went meanwhile; one read at a time; a stop that waits for the read under way. What the owner sends
// is checked against its interface before use: a reply or a signal of another type, or a value no schema allows,
// is logged (rate-limited) as an unexpected answer and changes nothing. Each source says which signals it follows
// and how it reads its state.
import type { Message, MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import { reportUnexpected, UnexpectedAnswer } from '../dbus/unexpected.js';
import type { Logger } from '../logging.js';
import type { EventSource, WatchEvent } from './events.js';

export interface BusStateSourceOptions {
  name: string;
  bus: MessageBus;
  log: Logger;
}

/** A signal to follow: its filter (the owner's name as sender, and the signature) and its handler. */
export type BusSignal = Parameters<SignalRouter['subscribe']>;

export abstract class BusStateSource implements EventSource {
  readonly name: string;
  protected readonly bus: MessageBus;
  protected readonly log: Logger;
  readonly #owner: string;
  readonly #router: SignalRouter;
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribes: (() => Promise<void>)[] = [];
  #queue: Promise<void> = Promise.resolve();
  /** A read waits in the queue that has not begun: another request is answered by it. */
  #readWaiting = false;

  /** `owner`: the bus name whose state this is. */
  constructor(options: BusStateSourceOptions, owner: string) {
    this.name = options.name;
    this.bus = options.bus;
    this.log = options.log;
    this.#owner = owner;
    this.#router = new SignalRouter(options.bus, {
      dropped: (filter, message) =>
        this.unexpected(
          new UnexpectedAnswer(owner, filter.member ?? filter.interface, `a signal of type "${message.signature}"`),
        ),
    });
  }

  /** The owner's signals this source follows, each with its handler; a handler may throw UnexpectedAnswer. */
  protected abstract signals(): BusSignal[];

  /** Reads the whole state and reports what changed; throws UnexpectedAnswer for an answer its interface does not allow. */
  protected abstract read(): Promise<void>;

  /** Says that a read failed; the next signal or the owner's return tries again. */
  protected abstract readFailed(error: Error): void;

  /** The owner left the bus: by default nothing is said, and its return is read. */
  protected ownerGone(): void {}

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    const subscribed = await Promise.all(
      this.signals().map(([filter, handler]) =>
        this.#router.subscribe({ sender: this.#owner, ...filter }, (body, message) =>
          this.#handle(handler, body, message),
        ),
      ),
    );
    const watch = await this.#router.watchOwner(this.#owner, (owner) => {
      if (owner === null) this.ownerGone();
      else this.enqueueRead();
    });
    this.#unsubscribes = [...subscribed, watch.stop];
    this.enqueueRead();
    await this.#queue;
  }

  async stop(): Promise<void> {
    const unsubscribes = this.#unsubscribes;
    this.#unsubscribes = [];
    this.#emit = null;
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    await this.#queue;
  }

  protected emit(event: WatchEvent): void {
    this.#emit?.(event);
  }

  protected enqueueRead(): void {
    if (this.#readWaiting) return;
    this.#readWaiting = true;
    this.#queue = this.#queue
      .then(() => {
        this.#readWaiting = false;
        if (this.#emit === null) return;
        return this.read();
      })
      .catch((error: Error) => {
        if (error instanceof UnexpectedAnswer) this.unexpected(error);
        else this.readFailed(error);
      });
  }

  protected unexpected(answer: UnexpectedAnswer): void {
    reportUnexpected(this.log, answer);
  }

  #handle(handler: BusSignal[1], body: unknown[], message: Message): void {
    try {
      handler(body, message);
    } catch (error) {
      if (!(error instanceof UnexpectedAnswer)) throw error;
      this.unexpected(error);
    }
  }
}
