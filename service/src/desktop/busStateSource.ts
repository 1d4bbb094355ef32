// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the desktop's D-Bus state sources (BlueZ, GNOME Shell's extensions, timedated) share: the owner's signals
// subscribed before the first read, so that no change falls between the two; the whole state read again whenever
// the owner comes back onto the bus (a daemon activated again, the shell restarted); one read at a time; and a stop
// that waits for the read under way. Each source says which signals it follows and how it reads its state.
import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import type { Logger } from '../logging.js';
import type { EventSource, WatchEvent } from '../watch/events.js';

const DBUS = 'org.freedesktop.DBus';

export interface BusStateSourceOptions {
  name: string;
  bus: MessageBus;
  log: Logger;
}

/** A signal to follow: its filter and its handler. */
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

  /** `owner`: the bus name whose state this is. */
  constructor(options: BusStateSourceOptions, owner: string) {
    this.name = options.name;
    this.bus = options.bus;
    this.log = options.log;
    this.#owner = owner;
    this.#router = new SignalRouter(options.bus);
  }

  /** The owner's signals this source follows, each with its handler. */
  protected abstract signals(): BusSignal[];

  /** Reads the whole state and reports what changed. */
  protected abstract read(): Promise<void>;

  /** Says that a read failed; the next signal or the owner's return tries again. */
  protected abstract readFailed(error: Error): void;

  /** The owner left the bus: by default nothing is said, and its return is read. */
  protected ownerGone(): void {}

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    this.#unsubscribes = await Promise.all([
      ...this.signals().map(([filter, handler]) => this.#router.subscribe(filter, handler)),
      this.#router.subscribe({ sender: DBUS, interface: DBUS, member: 'NameOwnerChanged' }, ([name, , owner]) => {
        if (name !== this.#owner) return;
        if (owner === '') this.ownerGone();
        else this.enqueueRead();
      }),
    ]);
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
    this.#queue = this.#queue.then(() => this.read()).catch((error: Error) => this.readFailed(error));
  }
}
