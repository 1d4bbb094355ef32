// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The BlueZ source: every org.bluez.Adapter1 on the system bus, read once through BlueZ's ObjectManager and then
// followed through its signals (InterfacesAdded/Removed, PropertiesChanged); a desktop event goes out whenever an
// adapter's state changes. Without bluetoothd the source waits for it quietly. While BlueZ switches
// an adapter on or off (PowerState off-enabling, on-disabling) nothing is reported: the settled state follows at once.
import type { Variant } from '@jellybrick/dbus-next';

import { callMethod, nameHasOwner } from '../../dbus/client.js';
import { type BusSignal, BusStateSource, type BusStateSourceOptions } from '../busStateSource.js';
import type { BluetoothState } from './state.js';

export const BLUEZ = 'org.bluez';
export const ADAPTER = 'org.bluez.Adapter1';
const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
/** BlueZ's PowerState while it switches an adapter on or off: the settled state follows at once. */
const SWITCHING = new Set(['off-enabling', 'on-disabling']);

type Interfaces = Record<string, Record<string, Variant>>;

export class BluezSource extends BusStateSource {
  /** Each adapter's state as BlueZ last said it, by object path. */
  readonly #adapters = new Map<string, BluetoothState>();
  /** Each adapter's last reported state: a switching adapter's is reported once BlueZ has settled it. */
  readonly #reported = new Map<string, BluetoothState>();
  /** The adapters BlueZ is switching on or off just now. */
  readonly #switching = new Set<string>();

  /** `bus`: the system bus. */
  constructor(options: BusStateSourceOptions) {
    super(options, BLUEZ);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { sender: BLUEZ, interface: OBJECT_MANAGER, member: 'InterfacesAdded' },
        ([path, added]) => this.#update(path as string, (added as Interfaces)[ADAPTER]),
      ],
      [
        { sender: BLUEZ, interface: OBJECT_MANAGER, member: 'InterfacesRemoved' },
        ([path, removed]) => {
          if ((removed as string[]).includes(ADAPTER)) this.#gone(path as string);
        },
      ],
      [
        { sender: BLUEZ, interface: PROPERTIES, member: 'PropertiesChanged' },
        ([iface, changed], message) => {
          if (iface === ADAPTER && message.path) this.#update(message.path, changed as Record<string, Variant>);
        },
      ],
    ];
  }

  /** bluetoothd gone: its adapters are. */
  protected override ownerGone(): void {
    for (const path of [...this.#adapters.keys()]) this.#gone(path);
  }

  protected async read(): Promise<void> {
    if (!(await nameHasOwner(this.bus, BLUEZ))) return;
    const [objects] = (await callMethod(
      this.bus,
      { destination: BLUEZ, path: '/', interface: OBJECT_MANAGER, member: 'GetManagedObjects' },
      // Never activate: a bluetoothd the user stopped stays stopped.
      { autoStart: false },
    )) as [Record<string, Interfaces>];
    for (const [path, interfaces] of Object.entries(objects)) this.#update(path, interfaces[ADAPTER]);
  }

  protected readFailed(error: Error): void {
    this.log.warning('could not read BlueZ’s adapters', { source: this.name, error: error.message });
  }

  #update(path: string, values: Record<string, Variant> | undefined): void {
    if (!values) return;
    const known = this.#adapters.get(path);
    const powered = values.Powered?.value as boolean | undefined;
    const powerState = values.PowerState?.value as string | undefined;
    const next: BluetoothState = {
      adapter: path,
      present: true,
      powered: powered ?? known?.powered ?? false,
      blocked: powerState === undefined ? (known?.blocked ?? false) : powerState === 'off-blocked',
    };
    this.#adapters.set(path, next);
    if (powerState !== undefined) {
      if (SWITCHING.has(powerState)) this.#switching.add(path);
      else this.#switching.delete(path);
    }
    if (!this.#switching.has(path)) this.#report(next);
  }

  #gone(path: string): void {
    this.#adapters.delete(path);
    this.#switching.delete(path);
    const reported = this.#reported.get(path);
    if (reported) this.#report({ ...reported, present: false });
  }

  #report(next: BluetoothState): void {
    const previous = this.#reported.get(next.adapter);
    if (next.present) this.#reported.set(next.adapter, next);
    else this.#reported.delete(next.adapter);
    if (
      previous &&
      previous.present === next.present &&
      previous.powered === next.powered &&
      previous.blocked === next.blocked
    )
      return;
    this.emit({ type: 'desktop', at: new Date(), desktop: { kind: 'bluetooth', bluetooth: next } });
  }
}
