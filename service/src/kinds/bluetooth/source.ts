// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The BlueZ source: every org.bluez.Adapter1 on the system bus, read once through BlueZ's ObjectManager and then
// followed through its signals (InterfacesAdded/Removed, PropertiesChanged); a desktop event goes out whenever an
// adapter's state changes. Without bluetoothd the source waits for it quietly. While BlueZ switches
// an adapter on or off (PowerState off-enabling, on-disabling) nothing is reported: the settled state follows at once.
// bluetoothd leaving says nothing of its adapters (it is often restarting): the read when it is back does, so a
// daemon that comes and goes counts no occurrence of a problem. What BlueZ sends is read through its interface's
// types: an adapter whose Powered is not a boolean changes nothing.
import { z } from 'zod';

import { callMethod, nameHasOwner } from '../../dbus/client.js';
import { checkedAnswer } from '../../dbus/unexpected.js';
import { boundedText, variantDict, variantOf } from '../../dbus/variants.js';
import { type BusSignal, BusStateSource, type BusStateSourceOptions } from '../../watch/busStateSource.js';
import type { BluetoothState } from './state.js';

export const BLUEZ = 'org.bluez';
export const ADAPTER = 'org.bluez.Adapter1';
const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
/** BlueZ's PowerState while it switches an adapter on or off: the settled state follows at once. */
const SWITCHING = new Set(['off-enabling', 'on-disabling']);

/** The adapters' properties Steward reads; others are not looked at. */
const adapterProperties = z.object({
  Powered: variantOf('b', z.boolean()).optional(),
  PowerState: variantOf('s', boundedText(32)).optional(),
});
type AdapterProperties = z.output<typeof adapterProperties>;
/** An object path as BlueZ names adapters ("/org/bluez/hci0"). */
const objectPath = boundedText(255);
const interfaces = z.record(z.string(), variantDict);
/** More adapters than any machine has is not an answer to trust. */
const MAX_ADAPTERS = 64;
const managedObjects = z
  .record(objectPath, interfaces)
  .refine((objects) => Object.values(objects).filter((i) => ADAPTER in i).length <= MAX_ADAPTERS, 'too many adapters');

export class BluezSource extends BusStateSource {
  /** Each adapter's state as BlueZ last said it, by object path. */
  readonly #adapters = new Map<string, BluetoothState>();
  /** Each adapter's last reported state: a switching adapter's is reported once BlueZ has settled it. */
  readonly #reported = new Map<string, BluetoothState>();
  /** The adapters BlueZ is switching on or off just now. */
  readonly #switching = new Set<string>();
  /** The adapters BlueZ signalled about while a read was under way: what that read answers of them may be older. */
  #signalled: Set<string> | null = null;

  /** `bus`: the system bus. */
  constructor(options: BusStateSourceOptions) {
    super(options, BLUEZ);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { interface: OBJECT_MANAGER, member: 'InterfacesAdded', signature: 'oa{sa{sv}}' },
        ([path, added]) => {
          const adapter = (added as Record<string, unknown>)[ADAPTER];
          if (adapter) this.#signal(checkedAnswer(objectPath, path, BLUEZ, 'InterfacesAdded'), properties(adapter));
        },
      ],
      [
        { interface: OBJECT_MANAGER, member: 'InterfacesRemoved', signature: 'oas' },
        ([path, removed]) => {
          if (!(removed as string[]).includes(ADAPTER)) return;
          this.#signalled?.add(path as string);
          this.#gone(path as string);
        },
      ],
      [
        { interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, changed], message) => {
          if (iface === ADAPTER && message.path) this.#signal(message.path, properties(changed, 'PropertiesChanged'));
        },
      ],
    ];
  }

  protected async read(): Promise<void> {
    if (!(await nameHasOwner(this.bus, BLUEZ))) return;
    const signalled = (this.#signalled = new Set());
    const [answer] = await callMethod(
      this.bus,
      {
        destination: BLUEZ,
        path: '/',
        interface: OBJECT_MANAGER,
        member: 'GetManagedObjects',
        reply: 'a{oa{sa{sv}}}',
      },
      // Never activate: a bluetoothd the user stopped stays stopped.
      { autoStart: false },
    ).finally(() => (this.#signalled = null));
    const objects = checkedAnswer(managedObjects, answer, BLUEZ, 'GetManagedObjects');
    // Every adapter checked before any is used: one answer is taken whole or not at all.
    const adapters = Object.entries(objects).flatMap(([path, all]) =>
      all[ADAPTER] ? [[path, properties(all[ADAPTER], 'GetManagedObjects')] as const] : [],
    );
    for (const [path, values] of adapters) if (!signalled.has(path)) this.#update(path, values);
    // Removed while bluetoothd was away.
    const listed = new Set(adapters.map(([path]) => path));
    for (const path of [...this.#adapters.keys()]) if (!listed.has(path) && !signalled.has(path)) this.#gone(path);
  }

  protected readFailed(error: Error): void {
    this.log.warning('could not read BlueZ’s adapters', { source: this.name, error: error.message });
  }

  #signal(path: string, values: AdapterProperties): void {
    this.#signalled?.add(path);
    this.#update(path, values);
  }

  #update(path: string, values: AdapterProperties): void {
    const known = this.#adapters.get(path);
    const powered = values.Powered;
    const powerState = values.PowerState;
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

/** An adapter's properties as BlueZ's interface types them; anything else is an UnexpectedAnswer. */
function properties(values: unknown, member = 'InterfacesAdded'): AdapterProperties {
  return checkedAnswer(adapterProperties, values, BLUEZ, member);
}
