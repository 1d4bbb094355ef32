// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// NetworkManager's active connections and devices, as reconnecting needs them: which connection
// to take down, bringing it (or a device) back up, and whether the internet is reachable after.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../dbus/client.js';
import { remoteErrorName, StewardError } from '../../dbus/errors.js';
import { _, format } from '../../i18n.js';
import { abortable } from './abortable.js';
import { AUTHORIZED_CALL, systemCall } from './polkit.js';

export const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const ACTIVE = `${NM}.Connection.Active`;
const DEVICE = `${NM}.Device`;
const PROPERTIES = 'org.freedesktop.DBus.Properties';
export const NO_OBJECT = '/';
const UNKNOWN_DEVICE = `${NM}.UnknownDevice`;
/** The connection type NetworkManager gives the loopback link. */
const LOOPBACK = 'loopback';
/** NMActiveConnectionState. */
export const ACTIVATED = 2;
const DEACTIVATED = 4;
/** NMDeviceState: the device is connected. */
export const DEVICE_ACTIVATED = 100;
/**
 * NMConnectivityState: no network at all; a network that answers the check with a page of its own (a captive
 * portal); a network without the internet; the internet.
 */
export const CONNECTIVITY_NONE = 1;
export const CONNECTIVITY_PORTAL = 2;
export const CONNECTIVITY_LIMITED = 3;
export const CONNECTIVITY_FULL = 4;

export interface ActiveConnection {
  /** The active connection object, which lasts as long as this activation. */
  path: string;
  /** The saved connection (settings) it activates. */
  settings: string;
  id: string;
  uuid: string;
  type: string;
  state: number;
  devices: string[];
}

/** Properties by name: those named are there (NetworkManager always sends them), others may be. */
export type Properties<Name extends string = never> = Record<Name, Variant> & Partial<Record<string, Variant>>;

export class NetworkConnections {
  constructor(private readonly bus: MessageBus) {}

  /**
   * The connection with `uuid`, or the one active on the link `device` (its interface name), or by default the
   * primary one (the default route's), else the first active one that is not the loopback link.
   */
  async find({ uuid, device }: { uuid?: string; device?: string } = {}): Promise<ActiveConnection | null> {
    const manager = await this.properties<'ActiveConnections'>(NM_PATH, NM);
    const paths = manager.ActiveConnections.value as string[];
    const connections = await Promise.all(paths.map((path) => this.#active(path)));
    if (uuid !== undefined) return connections.find((connection) => connection.uuid === uuid) ?? null;
    if (device !== undefined) {
      const devicePath = await this.devicePath(device);
      return connections.find((connection) => devicePath !== null && connection.devices.includes(devicePath)) ?? null;
    }
    const primary = manager.PrimaryConnection?.value as string | undefined;
    // NetworkManager 1.42 and later list the loopback link as a connection of its own: never the one to reconnect.
    return (
      connections.find((connection) => connection.path === primary) ??
      connections.find((connection) => connection.type !== LOOPBACK) ??
      null
    );
  }

  async connectivity(): Promise<number> {
    return (await this.properties<'Connectivity'>(NM_PATH, NM)).Connectivity.value as number;
  }

  /** Has NetworkManager check now, resolving with what the check found; polkit's network-control, never asked for. */
  async checkConnectivity(): Promise<number> {
    const [state] = await systemCall(
      callMethod(
        this.bus,
        { destination: NM, path: NM_PATH, interface: NM, member: 'CheckConnectivity' },
        { autoStart: false },
      ),
      'NetworkManager',
    );
    return state as number;
  }

  /** The address NetworkManager's connectivity check fetches: '' when the check is off, absent before 1.20. */
  async connectivityCheckUri(): Promise<unknown> {
    return (await this.properties(NM_PATH, NM)).ConnectivityCheckUri?.value;
  }

  /** Takes the connection down and up again on the same device; resolves with the new activation once it is up. */
  async reconnect(connection: ActiveConnection, signal: AbortSignal): Promise<ActiveConnection> {
    await this.#change('DeactivateConnection', 'o', [connection.path]);
    const active = await this.#activate(connection.settings, connection.devices[0] ?? NO_OBJECT, signal);
    if (active.state !== ACTIVATED) {
      throw new StewardError(
        'Unavailable',
        format(_('NetworkManager could not bring "{name}" back up'), { name: connection.id }),
      );
    }
    return active;
  }

  /** The device NetworkManager has for the interface `name` and its NMDeviceState, or null when it has none. */
  async device(name: string): Promise<{ path: string; state: number } | null> {
    const path = await this.devicePath(name);
    if (path === null) return null;
    return { path, state: (await this.properties<'State'>(path, DEVICE)).State.value as number };
  }

  /**
   * Activates the device with the connection NetworkManager picks for it (for Wi-Fi, its secret agent asks for
   * a password it lacks); resolves with the activation once it is up or given up.
   */
  connectDevice(devicePath: string, signal: AbortSignal): Promise<ActiveConnection> {
    return this.#activate(NO_OBJECT, devicePath, signal);
  }

  /** Activates `settings` (NO_OBJECT: NetworkManager's pick) on `device`; resolves once activated or deactivated. */
  async #activate(settings: string, device: string, signal: AbortSignal): Promise<ActiveConnection> {
    // A state change may come before the reply that names the new activation, so every one is kept until then.
    const states = new Map<string, number>();
    let activation: string | undefined;
    let settled: (state: number) => void = () => undefined;
    const settledState = new Promise<number>((resolve) => (settled = resolve));
    const check = () => {
      const state = activation === undefined ? undefined : states.get(activation);
      if (state === ACTIVATED || state === DEACTIVATED) settled(state);
    };
    // The new activation's path is not known before the call, so the rule takes every active connection's changes.
    const unsubscribe = await new SignalRouter(this.bus).subscribe(
      { sender: NM, interface: PROPERTIES, member: 'PropertiesChanged' },
      ([iface, changed], message) => {
        const state = (changed as Properties).State?.value as number | undefined;
        if (iface !== ACTIVE || state === undefined) return;
        states.set(message.path, state);
        check();
      },
    );
    try {
      [activation] = (await this.#change('ActivateConnection', 'ooo', [settings, device, NO_OBJECT])) as [string];
      const active = await this.#active(activation);
      states.set(activation, states.get(activation) ?? active.state);
      check();
      return { ...active, state: await abortable(settledState, signal) };
    } finally {
      await unsubscribe();
    }
  }

  /** NetworkManager's device for the interface `name`, or null when it has none by that name. */
  /** NetworkManager's device for the interface `name`, or null when it has none by that name. */
  async devicePath(name: string): Promise<string | null> {
    const call = callMethod(
      this.bus,
      { destination: NM, path: NM_PATH, interface: NM, member: 'GetDeviceByIpIface', signature: 's', body: [name] },
      { autoStart: false },
    );
    try {
      const [path] = await systemCall(call, 'NetworkManager');
      return path as string;
    } catch (error) {
      if (remoteErrorName(error) === UNKNOWN_DEVICE) return null;
      throw error;
    }
  }

  async #active(path: string): Promise<ActiveConnection> {
    const properties = await this.properties<'Connection' | 'Id' | 'Uuid' | 'Type' | 'State' | 'Devices'>(path, ACTIVE);
    return {
      path,
      settings: properties.Connection.value as string,
      id: properties.Id.value as string,
      uuid: properties.Uuid.value as string,
      type: properties.Type.value as string,
      state: properties.State.value as number,
      devices: properties.Devices.value as string[],
    };
  }

  #change(member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return systemCall(
      callMethod(this.bus, { destination: NM, path: NM_PATH, interface: NM, member, signature, body }, AUTHORIZED_CALL),
      'NetworkManager',
    );
  }

  /** The properties of NetworkManager's object `path` on `iface` (GetAll). */
  async properties<Name extends string = never>(path: string, iface: string): Promise<Properties<Name>> {
    const [properties] = await systemCall(
      callMethod(
        this.bus,
        { destination: NM, path, interface: PROPERTIES, member: 'GetAll', signature: 's', body: [iface] },
        { autoStart: false },
      ),
      'NetworkManager',
    );
    return properties as Properties<Name>;
  }
}
