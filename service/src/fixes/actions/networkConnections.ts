// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// NetworkManager's active connections and devices, as reconnecting needs them: which connection
// to take down, bringing it (or a device) back up, and whether the internet is reachable after.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { type CallOptions, SignalRouter } from '../../dbus/client.js';
import { remoteErrorName, StewardError } from '../../dbus/errors.js';
import { PeerWait } from '../../dbus/peerWait.js';
import { boundedList, getAllProperties, objectPath, typedCall } from '../../dbus/typedCalls.js';
import { checkedAnswer, reportingUnexpected, reportUnexpected, UnexpectedAnswer } from '../../dbus/unexpected.js';
import { boundedText, variantOf } from '../../dbus/variants.js';
import { _, format } from '../../i18n.js';
import type { Logger } from '../../logging.js';
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

/** An enum of NetworkManager's (NMState, NMDeviceState…): a uint32. */
const nmEnum = z.number().int().min(0);
/** An id, a uuid or a type of NetworkManager's, as the user or NetworkManager named it. */
const nmText = boundedText(1024);
/** More active connections or devices than a machine has is no answer to trust. */
const paths = boundedList(objectPath, 1024);

/** org.freedesktop.NetworkManager's properties, as Steward reads them (nm-dbus-interface's types). */
export const managerProperties = z.object({
  ActiveConnections: variantOf('ao', paths),
  PrimaryConnection: variantOf('o', objectPath).optional(),
  Connectivity: variantOf('u', nmEnum),
  // Since 1.20.
  ConnectivityCheckUri: variantOf('s', boundedText(2048)).optional(),
});

/** org.freedesktop.NetworkManager.Connection.Active's properties. */
const activeProperties = z.object({
  Connection: variantOf('o', objectPath),
  Id: variantOf('s', nmText),
  Uuid: variantOf('s', nmText),
  Type: variantOf('s', nmText),
  State: variantOf('u', nmEnum),
  Devices: variantOf('ao', paths),
});

/** org.freedesktop.NetworkManager.Device's properties; those a version may lack are optional. */
export const deviceProperties = z.object({
  State: variantOf('u', nmEnum),
  Managed: variantOf('b', z.boolean()).optional(),
  StateReason: variantOf('(uu)', z.tuple([nmEnum, nmEnum])).optional(),
  ActiveConnection: variantOf('o', objectPath).optional(),
  AvailableConnections: variantOf('ao', paths).optional(),
  Ip4Config: variantOf('o', objectPath).optional(),
  Dhcp4Config: variantOf('o', objectPath).optional(),
});

/** A PropertiesChanged signal's changed properties: an active connection's State is what an activation waits for. */
const changedState = z.object({ State: variantOf('u', nmEnum).optional() });

/** NetworkManager brings a connection up within a DHCP timeout or two; a Wi-Fi password asked for may take minutes. */
const ACTIVATION_DEADLINE_MS = 5 * 60_000;
const READ: CallOptions = { autoStart: false };

export class NetworkConnections {
  /** `log` hears of NetworkManager's answers that its interface does not allow (rate-limited). */
  constructor(
    private readonly bus: MessageBus,
    private readonly log?: Logger,
  ) {}

  /**
   * The connection with `uuid`, or the one active on the link `device` (its interface name), or by default the
   * primary one (the default route's), else the first active one that is not the loopback link.
   */
  async find({ uuid, device }: { uuid?: string; device?: string } = {}): Promise<ActiveConnection | null> {
    const manager = await this.properties(NM_PATH, NM, managerProperties);
    const connections = await Promise.all(manager.ActiveConnections.map((path) => this.#active(path)));
    if (uuid !== undefined) return connections.find((connection) => connection.uuid === uuid) ?? null;
    if (device !== undefined) {
      const devicePath = await this.devicePath(device);
      return connections.find((connection) => devicePath !== null && connection.devices.includes(devicePath)) ?? null;
    }
    const primary = manager.PrimaryConnection;
    // NetworkManager 1.42 and later list the loopback link as a connection of its own: never the one to reconnect.
    return (
      connections.find((connection) => connection.path === primary) ??
      connections.find((connection) => connection.type !== LOOPBACK) ??
      null
    );
  }

  async connectivity(): Promise<number> {
    return (await this.properties(NM_PATH, NM, managerProperties)).Connectivity;
  }

  /** Has NetworkManager check now, resolving with what the check found; polkit's network-control, never asked for. */
  async checkConnectivity(): Promise<number> {
    const [state] = await this.#call('CheckConnectivity', 'u', z.tuple([nmEnum]), [], READ);
    return state;
  }

  /** The address NetworkManager's connectivity check fetches: '' when the check is off, absent before 1.20. */
  async connectivityCheckUri(): Promise<string | undefined> {
    return (await this.properties(NM_PATH, NM, managerProperties)).ConnectivityCheckUri;
  }

  /** Takes the connection down and up again on the same device; resolves with the new activation once it is up. */
  async reconnect(connection: ActiveConnection, signal: AbortSignal): Promise<ActiveConnection> {
    await this.#call('DeactivateConnection', '', z.tuple([]), [connection.path], AUTHORIZED_CALL, 'o');
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
    return { path, state: (await this.properties(path, DEVICE, deviceProperties)).State };
  }

  /**
   * Activates the device with the connection NetworkManager picks for it (for Wi-Fi, its secret agent asks for
   * a password it lacks); resolves with the activation once it is up or given up.
   */
  connectDevice(devicePath: string, signal: AbortSignal): Promise<ActiveConnection> {
    return this.#activate(NO_OBJECT, devicePath, signal);
  }

  /**
   * Activates `settings` (NO_OBJECT: NetworkManager's pick) on `device`; resolves once activated or deactivated.
   * The wait has a deadline and ends when NetworkManager leaves the bus, which never brings it up then.
   */
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
    const router = new SignalRouter(this.bus, {
      ...READ,
      dropped: (_filter, message) =>
        this.#unexpected(new UnexpectedAnswer(NM, 'PropertiesChanged', `a signal of type "${message.signature}"`)),
    });
    // The new activation's path is not known before the call, so the rule takes every active connection's changes.
    const unsubscribe = await router.subscribe(
      { sender: NM, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
      ([iface, changed], message) => {
        if (iface !== ACTIVE) return;
        try {
          const { State: state } = checkedAnswer(changedState, changed, NM, 'PropertiesChanged');
          if (state === undefined) return;
          states.set(message.path, state);
          check();
        } catch (error) {
          if (!(error instanceof UnexpectedAnswer)) throw error;
          this.#unexpected(error);
        }
      },
    );
    const wait = await PeerWait.begin(router, NM, {
      what: 'ActivateConnection',
      deadlineMs: ACTIVATION_DEADLINE_MS,
      left: () => new StewardError('Unavailable', _('NetworkManager left the bus before the connection was up.')),
      late: () =>
        new StewardError(
          'Timeout',
          format(_('NetworkManager did not bring the connection up within {minutes} minutes.'), {
            minutes: ACTIVATION_DEADLINE_MS / 60_000,
          }),
        ),
    }).catch(async (error: unknown) => {
      await unsubscribe();
      throw error;
    });
    let answered = false;
    try {
      [activation] = await wait.race(
        this.#call(
          'ActivateConnection',
          'o',
          z.tuple([objectPath]),
          [settings, device, NO_OBJECT],
          AUTHORIZED_CALL,
          'ooo',
        ),
      );
      const active = await wait.race(this.#active(activation));
      states.set(activation, states.get(activation) ?? active.state);
      check();
      const state = await abortable(wait.race(settledState), signal);
      answered = true;
      return { ...active, state };
    } finally {
      await wait.end(answered);
      await unsubscribe();
    }
  }

  /** NetworkManager's device for the interface `name`, or null when it has none by that name. */
  async devicePath(name: string): Promise<string | null> {
    try {
      const [path] = await this.#call('GetDeviceByIpIface', 'o', z.tuple([objectPath]), [name], READ, 's');
      return path;
    } catch (error) {
      if (remoteErrorName(error) === UNKNOWN_DEVICE) return null;
      throw error;
    }
  }

  async #active(path: string): Promise<ActiveConnection> {
    const properties = await this.properties(path, ACTIVE, activeProperties);
    return {
      path,
      settings: properties.Connection,
      id: properties.Id,
      uuid: properties.Uuid,
      type: properties.Type,
      state: properties.State,
      devices: properties.Devices,
    };
  }

  #call<T extends z.ZodType>(
    member: string,
    reply: string,
    schema: T,
    body: unknown[],
    options: CallOptions,
    signature = '',
  ): Promise<z.output<T>> {
    return this.#reported(
      systemCall(
        typedCall(
          this.bus,
          { destination: NM, path: NM_PATH, interface: NM, member, signature, body, reply },
          schema,
          options,
        ),
        'NetworkManager',
      ),
    );
  }

  /** The properties of NetworkManager's object `path` on `iface` (GetAll), read by `schema`. */
  properties<T extends z.ZodType>(path: string, iface: string, schema: T): Promise<z.output<T>> {
    return this.#reported(
      systemCall(
        getAllProperties(this.bus, { destination: NM, path, interface: iface }, schema, READ),
        'NetworkManager',
      ),
    );
  }

  #reported<T>(work: Promise<T>): Promise<T> {
    return reportingUnexpected(this.log, work);
  }

  #unexpected(answer: UnexpectedAnswer): void {
    if (this.log) reportUnexpected(this.log, answer);
  }
}
