// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clock's source: timedated's properties, read at start and whenever timedated comes onto the bus (someone
// asked it something), and followed through its PropertiesChanged signal (it signals NTP when it is switched).
// A desktop event goes out when the state changes. Without timedated (a system without systemd) it stays quiet.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../dbus/client.js';
import type { Logger } from '../../logging.js';
import type { EventSource, WatchEvent } from '../../watch/events.js';
import type { ClockState } from './state.js';
import { clockFrom, PROPERTIES, readClock, TIMEDATED, TIMEDATED_PATH } from './timedated.js';

const DBUS = 'org.freedesktop.DBus';

export interface TimedatedSourceOptions {
  name: string;
  /** The system bus. */
  bus: MessageBus;
  log: Logger;
}

export class TimedatedSource implements EventSource {
  readonly name: string;
  readonly #options: TimedatedSourceOptions;
  readonly #router: SignalRouter;
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribes: (() => Promise<void>)[] = [];
  #queue: Promise<void> = Promise.resolve();
  #last: ClockState | undefined;

  constructor(options: TimedatedSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#router = new SignalRouter(options.bus);
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    // Subscribed before the first read, so a change meanwhile is not missed.
    this.#unsubscribes = await Promise.all([
      this.#router.subscribe(
        { path: TIMEDATED_PATH, interface: PROPERTIES, member: 'PropertiesChanged' },
        ([iface, changed]) => {
          if (iface === TIMEDATED) this.#report(clockFrom(changed as Record<string, Variant>, this.#last));
        },
      ),
      // timedated exits when idle; when it comes back, what changed meanwhile is read again.
      this.#router.subscribe({ sender: DBUS, interface: DBUS, member: 'NameOwnerChanged' }, ([name, , owner]) => {
        if (name === TIMEDATED && owner !== '') this.#enqueueRead();
      }),
    ]);
    this.#enqueueRead();
    await this.#queue;
  }

  async stop(): Promise<void> {
    const unsubscribes = this.#unsubscribes;
    this.#unsubscribes = [];
    this.#emit = null;
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    await this.#queue;
  }

  #enqueueRead(): void {
    this.#queue = this.#queue
      .then(async () => this.#report(await readClock(this.#options.bus)))
      .catch((error: Error) =>
        this.#options.log.debug('could not read the clock from timedated', { source: this.name, error: error.message }),
      );
  }

  #report(next: ClockState): void {
    const previous = this.#last;
    this.#last = next;
    if (previous && previous.ntp === next.ntp && previous.canNtp === next.canNtp) return;
    this.#emit?.({ type: 'desktop', at: new Date(), desktop: { kind: 'clock', clock: next } });
  }
}
