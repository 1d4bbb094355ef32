// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.network_device: a device as NetworkManager has it now, read over D-Bus: its state and the reason
// NetworkManager gave for it, the connection active on it, how each saved connection that fits it gets its
// IPv4 address (DHCP and how long it waits, or a fixed address), the addresses and the DHCP lease it holds,
// and the reason NetworkManager logged when an activation failed (from the finding's line). Reading only.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { boundedList, typedCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { boundedText, variantDict, variantOf } from '../../dbus/variants.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import {
  DEVICE_ACTIVATED,
  deviceProperties,
  NetworkConnections,
  NM,
  NO_OBJECT,
} from '../../fixes/actions/networkConnections.js';
import { systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

/** A machine has a few saved connections per device; a long list says nothing more. */
const CONNECTIONS_SHOWN = 4;
/** NetworkManager's wait for a DHCP answer when ipv4.dhcp-timeout is 0 (the default). */
const DEFAULT_DHCP_TIMEOUT_S = 45;

/** NMDeviceState: no carrier, or not ready. */
const DEVICE_UNAVAILABLE = 20;

// NMDeviceState in words (nm-dbus-interface.h).
const DEVICE_STATES: Readonly<Record<number, string>> = {
  10: N_('not managed by NetworkManager'),
  20: N_('unavailable (no carrier, or not ready)'),
  30: N_('disconnected'),
  40: N_('preparing to connect'),
  50: N_('connecting'),
  60: N_('waiting for a password'),
  70: N_('getting its IP configuration'),
  80: N_('checking its IP configuration'),
  90: N_('waiting for a secondary connection'),
  100: N_('connected'),
  110: N_('disconnecting'),
  120: N_('in the failed state'),
};

// NMDeviceStateReason by number, in the words NetworkManager logs them ("reason 'ip-config-unavailable'").
const REASON_NICKS = [
  'none',
  'unknown',
  'managed',
  'unmanaged',
  'config-failed',
  'ip-config-unavailable',
  'ip-config-expired',
  'no-secrets',
  'supplicant-disconnect',
  'supplicant-config-failed',
  'supplicant-failed',
  'supplicant-timeout',
  'ppp-start-failed',
  'ppp-disconnect',
  'ppp-failed',
  'dhcp-start-failed',
  'dhcp-error',
  'dhcp-failed',
  'sharing-start-failed',
  'sharing-failed',
  'autoip-start-failed',
  'autoip-error',
  'autoip-failed',
  'modem-busy',
  'modem-no-dialtone',
  'modem-no-carrier',
  'modem-dial-timeout',
  'modem-dial-failed',
  'modem-init-failed',
  'gsm-apn-failed',
  'gsm-registration-idle',
  'gsm-registration-denied',
  'gsm-registration-timeout',
  'gsm-registration-failed',
  'gsm-pin-check-failed',
  'firmware-missing',
  'removed',
  'sleeping',
  'connection-removed',
  'user-requested',
  'carrier-changed',
  'connection-assumed',
  'supplicant-available',
  'modem-not-found',
  'bluetooth-failed',
  'gsm-sim-not-inserted',
  'gsm-sim-pin-required',
  'gsm-sim-puk-required',
  'gsm-sim-wrong',
  'infiniband-mode',
  'dependency-failed',
  'br2684-bridge-failed',
  'modem-manager-unavailable',
  'ssid-not-found',
  'secondary-connection-failed',
  'dcb-fcoe-failed',
  'teamd-control-failed',
  'modem-failed',
  'modem-available',
  'sim-pin-incorrect',
  'new-activation',
  'parent-changed',
  'parent-managed-changed',
  'ovsdb-failed',
  'ip-address-duplicate',
  'ip-method-unsupported',
  'sriov-configuration-failed',
  'peer-not-found',
] as const;

// What the reasons a person meets most often mean.
const REASON_MEANINGS: Readonly<Record<string, string>> = {
  'ip-config-unavailable': N_(
    'no IP configuration could be had: no DHCP server answered in time, or the address could not be set',
  ),
  'ip-config-expired': N_('the DHCP lease ran out and was not renewed'),
  'dhcp-start-failed': N_('the DHCP client did not start'),
  'dhcp-error': N_('the DHCP client failed'),
  'dhcp-failed': N_('the DHCP client failed'),
  'no-secrets': N_('the network’s password was missing'),
  'carrier-changed': N_('the cable or the radio link went'),
  'supplicant-timeout': N_('the Wi-Fi network did not accept the authentication in time'),
  'ssid-not-found': N_('the Wi-Fi network is not in range'),
  'ip-address-duplicate': N_('another machine on the network uses the same address'),
  'dependency-failed': N_('a connection it depends on failed'),
};

// ipv4.method in words.
const IPV4_METHODS: Readonly<Record<string, string>> = {
  auto: N_('IPv4 by DHCP (ipv4.method auto)'),
  manual: N_('IPv4 set by hand (ipv4.method manual)'),
  'link-local': N_('IPv4 link-local only (ipv4.method link-local)'),
  shared: N_('IPv4 shared to other computers (ipv4.method shared)'),
  disabled: N_('no IPv4 (ipv4.method disabled)'),
};

const params = z.object({
  interface: z.string().regex(/^[\w.:@-]{1,15}$/, 'not a network interface name'),
  /** The reason NetworkManager logged for a failed activation, as the finding's line gave it. */
  reason: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'not a NetworkManager reason')
    .optional(),
});
type NetworkDeviceParams = z.infer<typeof params>;

/**
 * The NMDeviceState of the device NetworkManager manages as `name`, or null where it has no such device or does not
 * manage it: a device it tried to connect and did not (disconnected, failed, or on its way) has a state in between.
 */
export async function managedDeviceState(context: ActionContext, name: string): Promise<number | null> {
  const connections = new NetworkConnections(systemBusOf(context), context.log);
  const path = await connections.devicePath(name);
  if (path === null) return null;
  const device = await connections.properties(path, `${NM}.Device`, deviceProperties);
  if (device.Managed === false) return null;
  return device.State;
}

/** Whether the state is one of a device NetworkManager could not connect: not connected, not without a carrier. */
export function notConnected(state: number | null): boolean {
  return state !== null && state > DEVICE_UNAVAILABLE && state !== DEVICE_ACTIVATED;
}

const reasonText = (nick: string) => {
  const meaning = REASON_MEANINGS[nick];
  return meaning ? `'${nick}': ${_(meaning)}` : `'${nick}'`;
};

const quoted = (text: string | undefined) => cleanLine(text ?? '', 80);

const text = boundedText(1024);
/** A saved connection's settings (GetSettings, a{sa{sv}}): the few keys shown, as nm-settings(5) types them. */
const connectionSettings = z.object({
  connection: z.object({
    id: variantOf('s', text).optional(),
    autoconnect: variantOf('b', z.boolean()).optional(),
  }),
  ipv4: variantDict
    .pipe(
      z.object({
        method: variantOf('s', text).optional(),
        'dhcp-timeout': variantOf('i', z.number().int()).optional(),
      }),
    )
    .optional(),
});
/** An IP4Config's AddressData: address and prefix of each. */
const ip4Config = z.object({
  AddressData: variantOf(
    'aa{sv}',
    boundedList(
      z.object({ address: variantOf('s', text).optional(), prefix: variantOf('u', z.number().int()).optional() }),
      1024,
    ),
  ).optional(),
});
/** A DHCP4Config's options: the lease's address and the server that gave it. */
const dhcp4Config = z.object({
  Options: variantOf(
    'a{sv}',
    z.object({
      ip_address: variantOf('s', text).optional(),
      dhcp_server_identifier: variantOf('s', text).optional(),
    }),
  ).optional(),
});
const activeConnectionId = z.object({ Id: variantOf('s', text).optional() });

/** How a saved connection gets its IPv4 address: "Saved connection "Home": IPv4 by DHCP …, waiting 5 s for an answer". */
async function connectionLine(bus: MessageBus, path: string): Promise<string> {
  const [settings] = await systemCall(
    typedCall(
      bus,
      { destination: NM, path, interface: `${NM}.Settings.Connection`, member: 'GetSettings', reply: 'a{sa{sv}}' },
      z.tuple([connectionSettings]),
      { autoStart: false },
    ),
    'NetworkManager',
  );
  const id = quoted(settings.connection.id);
  const setMethod = settings.ipv4?.method;
  const method = setMethod !== undefined ? cleanLine(setMethod, 40) : 'auto';
  const how = IPV4_METHODS[method] ? _(IPV4_METHODS[method]) : format(_('IPv4 by ipv4.method {method}'), { method });
  const timeout = (settings.ipv4?.['dhcp-timeout'] ?? 0) || DEFAULT_DHCP_TIMEOUT_S;
  const waits =
    method === 'auto'
      ? format(
          ngettext(
            ', waiting {seconds} second for a DHCP answer (ipv4.dhcp-timeout)',
            ', waiting {seconds} seconds for a DHCP answer (ipv4.dhcp-timeout)',
            timeout,
          ),
          { seconds: timeout },
        )
      : '';
  const manual = settings.connection.autoconnect === false ? _(', connected only when asked') : '';
  return format(_('Saved connection "{id}": {how}{waits}{manual}'), { id, how, waits, manual });
}

async function addressesOf(connections: NetworkConnections, path: string | undefined): Promise<string[]> {
  if (path === undefined || path === NO_OBJECT) return [];
  const config = await connections
    .properties(path, `${NM}.IP4Config`, ip4Config)
    .catch((): z.output<typeof ip4Config> => ({}));
  return (config.AddressData ?? []).map((address) => `${quoted(address.address)}/${address.prefix ?? 0}`);
}

async function leaseOf(connections: NetworkConnections, path: string | undefined): Promise<string | null> {
  if (path === undefined || path === NO_OBJECT) return null;
  const config = await connections
    .properties(path, `${NM}.DHCP4Config`, dhcp4Config)
    .catch((): z.output<typeof dhcp4Config> => ({}));
  const address = config.Options?.ip_address;
  if (address === undefined) return null;
  const server = config.Options?.dhcp_server_identifier;
  return server !== undefined
    ? format(_('DHCP lease: {address} from {server}'), { address: quoted(address), server: quoted(server) })
    : format(_('DHCP lease: {address}'), { address: quoted(address) });
}

/** The device in lines, as NetworkManager has it now; null where NetworkManager has no such device. */
export async function describeDevice(
  { interface: name, reason }: NetworkDeviceParams,
  context: ActionContext,
): Promise<string[] | null> {
  const bus = systemBusOf(context);
  const connections = new NetworkConnections(bus, context.log);
  const path = await connections.devicePath(name);
  if (path === null) return null;
  const device = await connections.properties(path, `${NM}.Device`, deviceProperties);
  const state = device.State;
  const [, current] = device.StateReason ?? [state, 0];
  const lines = [
    format(_('{name} is {state} (NetworkManager’s device state)'), {
      name,
      state: DEVICE_STATES[state] ? _(DEVICE_STATES[state]) : format(_('in state {state}'), { state }),
    }),
  ];
  const currentNick = REASON_NICKS[current] ?? String(current);
  if (current !== 0)
    lines.push(format(_('NetworkManager’s reason for it now: {reason}'), { reason: reasonText(currentNick) }));
  if (reason !== undefined && reason !== currentNick) {
    lines.push(
      format(_('NetworkManager logged the activation failing with reason {reason}'), { reason: reasonText(reason) }),
    );
  }
  const active = device.ActiveConnection;
  if (active !== undefined && active !== NO_OBJECT) {
    const connection = await connections
      .properties(active, `${NM}.Connection.Active`, activeConnectionId)
      .catch((): z.output<typeof activeConnectionId> => ({}));
    lines.push(format(_('Connection active on it: "{id}"'), { id: quoted(connection.Id) }));
  } else {
    lines.push(_('No connection is active on it'));
  }
  const available = (device.AvailableConnections ?? []).slice(0, CONNECTIONS_SHOWN);
  const saved = await Promise.all(
    available.map((connection) => reportingUnexpected(context.log, connectionLine(bus, connection)).catch(() => null)),
  );
  const shown = saved.filter((line): line is string => line !== null);
  lines.push(...(shown.length > 0 ? shown : [_('No saved connection fits it')]));
  const addresses = await addressesOf(connections, device.Ip4Config);
  lines.push(
    format(_('IPv4 addresses now: {addresses}'), {
      addresses: addresses.length > 0 ? addresses.join(', ') : _('none'),
    }),
  );
  lines.push((await leaseOf(connections, device.Dhcp4Config)) ?? _('No DHCP lease'));
  return lines;
}

const noDevice = (name: string) => format(_('NetworkManager has no device {interface}'), { interface: name });

export const networkDeviceAction: ActionDefinition<NetworkDeviceParams> = {
  name: 'info.network_device',
  title: N_('Show how NetworkManager sees a network device'),
  params,
  risk: 'low',
  needsAuthorization: false,
  readOnly: true,
  async preview(params, context) {
    const lines = await describeDevice(params, context);
    if (lines === null) return { summary: noDevice(params.interface), details: [], changesNothing: true };
    return {
      summary: format(_('Show how NetworkManager sees {interface}'), { interface: params.interface }),
      details: lines,
      changesNothing: false,
    };
  },
  async run(params, context) {
    const lines = await describeDevice(params, context);
    return {
      summary: lines === null ? noDevice(params.interface) : lines.join('\n'),
      undo: { impossible: _('showing a device’s state changes nothing') },
    };
  },
  async verify(params) {
    return {
      ok: true,
      observed: format(_('read how NetworkManager sees {interface}'), { interface: params.interface }),
    };
  },
};
