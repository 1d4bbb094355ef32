// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The NetworkManager source: NM's connectivity check (Connectivity) and its
// global State, read at start and followed through their change signals; a
// `connectivity` event goes out whenever what they say together changes. What every D-Bus state source shares
// (only the owner's own signals, of its interface's types; read again when it comes back) is BusStateSource's.
import { z } from 'zod';

import { callMethod, nameHasOwner } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
import { checkedAnswer } from '../dbus/unexpected.js';
import { variantOf } from '../dbus/variants.js';
import { type BusSignal, BusStateSource, type BusStateSourceOptions } from './busStateSource.js';
import type { WatchEvent } from './events.js';

/** `bus` is the system bus. */
export type NetworkManagerSourceOptions = BusStateSourceOptions;

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

export class NetworkManagerSource extends BusStateSource {
  #properties: { Connectivity?: number; State?: number } = {};
  /** Properties a signal set while a read was under way: that read's values for them may be older. */
  #signalled: Set<string> | null = null;
  #last: Connectivity | null = null;

  constructor(options: NetworkManagerSourceOptions) {
    super(options, NM);
  }

  override async start(emit: (event: WatchEvent) => void): Promise<void> {
    if (!(await nameHasOwner(this.bus, NM)))
      throw new StewardError('Unavailable', `NetworkManager (${NM}) is not on the bus`);
    this.#properties = {};
    this.#last = null;
    await super.start(emit);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: NM_PATH, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, changed]) => {
          if (iface === NM) this.#changed(checkedAnswer(nmProperties, changed, NM, 'PropertiesChanged'));
        },
      ],
      [
        { path: NM_PATH, interface: NM, member: 'StateChanged', signature: 'u' },
        ([state]) => this.#changed({ State: state as number }),
      ],
    ];
  }

  protected async read(): Promise<void> {
    const signalled = (this.#signalled = new Set<string>());
    const [all] = await callMethod(
      this.bus,
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

  protected readFailed(error: Error): void {
    this.log.warning('could not read NetworkManager’s state', { source: this.name, error: error.message });
  }

  /** Without NetworkManager nothing is known; an open finding stays open until it is back. */
  protected override ownerGone(): void {
    this.#properties = {};
    this.#report();
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
    this.emit({ type: 'connectivity', at: new Date(), state: current });
  }
}
