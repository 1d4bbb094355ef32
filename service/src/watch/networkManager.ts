// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The NetworkManager source: NM's connectivity check (Connectivity) and its
// global State, read at start and followed through their change signals; a
// `connectivity` event goes out whenever what they say together changes. Only NetworkManager's own signals count
// (the match rules carry its owner's unique name, made again when it restarts), and only of its interface's types:
// anything else is an unexpected answer that changes nothing.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod, nameHasOwner, SignalRouter } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
import { checkedAnswer, reportUnexpected, UnexpectedAnswer } from '../dbus/unexpected.js';
import { variantOf } from '../dbus/variants.js';
import type { Logger } from '../logging.js';
import type { EventSource, WatchEvent } from './events.js';

export interface NetworkManagerSourceOptions {
  name: string;
  /** The system bus. */
  bus: MessageBus;
  log: Logger;
}

type Connectivity = Extract<WatchEvent, { type: 'connectivity' }>['state'];

const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
/** The properties read, as NetworkManager's interface types them. */
const nmProperties = z.object({
  Connectivity: variantOf('u', z.number()).optional(),
  State: variantOf('u', z.number()).optional(),
});
type NmProperties = z.output<typeof nmProperties>;
/** NMConnectivityState, by value. */
const CONNECTIVITY: readonly Connectivity[] = ['unknown', 'none', 'portal', 'limited', 'full'];
/** NMState: networking is disabled, by the user or because the machine sleeps. */
const NM_STATE_ASLEEP = 10;

export class NetworkManagerSource implements EventSource {
  readonly name: string;
  readonly #options: NetworkManagerSourceOptions;
  readonly #router: SignalRouter;
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribes: (() => Promise<void>)[] = [];
  /** Reads are made one after the other, so an older one never lands after a newer one. */
  #queue: Promise<void> = Promise.resolve();
  #properties: { Connectivity?: number; State?: number } = {};
  /** Properties a signal set while a read was under way: that read's values for them may be older. */
  #signalled: Set<string> | null = null;
  #last: Connectivity | null = null;

  constructor(options: NetworkManagerSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#router = new SignalRouter(options.bus, {
      dropped: (filter, message) =>
        this.#unexpected(new UnexpectedAnswer(NM, filter.member ?? '', `a signal of type "${message.signature}"`)),
    });
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    if (!(await nameHasOwner(this.#options.bus, NM)))
      throw new StewardError('Unavailable', `NetworkManager (${NM}) is not on the bus`);
    // Subscribed before the first read, so a change meanwhile is not missed.
    this.#unsubscribes = await Promise.all([
      this.#router.subscribe(
        { sender: NM, path: NM_PATH, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, changed]) => {
          if (iface === NM)
            this.#checked(() => this.#changed(checkedAnswer(nmProperties, changed, NM, 'PropertiesChanged')));
        },
      ),
      this.#router.subscribe(
        { sender: NM, path: NM_PATH, interface: NM, member: 'StateChanged', signature: 'u' },
        ([state]) => this.#changed({ State: state as number }),
      ),
      this.#router.watchOwner(NM, (owner) => this.#ownerChanged(owner)).then((watch) => watch.stop),
    ]);
    this.#properties = {};
    this.#last = null;
    // A first answer of the wrong type is no reason to stop watching: the next signal or restart is read.
    const first = this.#read().catch((error: Error) => {
      if (!(error instanceof UnexpectedAnswer)) throw error;
      this.#unexpected(error);
    });
    this.#queue = first.catch(() => undefined);
    await first;
  }

  async stop(): Promise<void> {
    const unsubscribes = this.#unsubscribes;
    this.#unsubscribes = [];
    this.#emit = null;
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    await this.#queue;
  }

  #unexpected(answer: UnexpectedAnswer): void {
    reportUnexpected(this.#options.log, answer);
  }

  #checked(use: () => void): void {
    try {
      use();
    } catch (error) {
      if (!(error instanceof UnexpectedAnswer)) throw error;
      this.#unexpected(error);
    }
  }

  #ownerChanged(owner: string | null): void {
    if (owner !== null) {
      // A restarted NetworkManager signals nothing about the state it starts in.
      this.#enqueueRead();
      return;
    }
    // Without NetworkManager nothing is known; an open finding stays open until it is back.
    this.#properties = {};
    this.#report();
  }

  #enqueueRead(): void {
    this.#queue = this.#queue
      .then(() => this.#read())
      .catch((error: Error) => {
        if (error instanceof UnexpectedAnswer) this.#unexpected(error);
        else
          this.#options.log.warning('could not read NetworkManager’s state', {
            source: this.name,
            error: error.message,
          });
      });
  }

  async #read(): Promise<void> {
    const signalled = (this.#signalled = new Set<string>());
    const [all] = await callMethod(
      this.#options.bus,
      {
        destination: NM,
        path: NM_PATH,
        interface: PROPERTIES,
        member: 'GetAll',
        signature: 's',
        body: [NM],
        reply: 'a{sv}',
      },
      // Never activate: a NetworkManager the user stopped stays stopped.
      { autoStart: false },
    ).finally(() => (this.#signalled = null));
    this.#update(checkedAnswer(nmProperties, all, NM, 'GetAll'), signalled);
  }

  #changed(changed: NmProperties): void {
    for (const key of Object.keys(changed)) this.#signalled?.add(key);
    this.#update(changed, new Set());
  }

  #update(values: NmProperties, skip: Set<string>): void {
    for (const key of ['Connectivity', 'State'] as const) {
      const value = values[key];
      if (value !== undefined && !skip.has(key)) this.#properties[key] = value;
    }
    this.#report();
  }

  #report(): void {
    const { Connectivity: connectivity, State: state } = this.#properties;
    // Networking switched off (NM_STATE_ASLEEP) makes Connectivity 'none', but
    // that is the user's choice, not a fault: say nothing either way.
    const current = state === NM_STATE_ASLEEP ? 'unknown' : (CONNECTIVITY[connectivity ?? 0] ?? 'unknown');
    if (current === this.#last) return;
    this.#last = current;
    this.#emit?.({ type: 'connectivity', at: new Date(), state: current });
  }
}
