// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Network actions: reconnect a NetworkManager connection or connect a device
// again, and flush systemd-resolved's DNS cache. All ask polkit on the system bus.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { getProperty } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import {
  ACTIVATED,
  type ActiveConnection,
  CONNECTIVITY_FULL,
  CONNECTIVITY_LIMITED,
  CONNECTIVITY_NONE,
  DEVICE_ACTIVATED,
  NetworkConnections,
} from './networkConnections.js';
import { systemBusOf, systemCall } from './polkit.js';
import { callResolved, RESOLVED_MANAGER, resolvedInWords } from './resolved.js';

const reconnectParams = z.object({
  connection: z.uuid().optional(),
  /** The link whose connection to reconnect (its interface name), where the finding names one. */
  interface: z
    .string()
    .regex(/^[\w.:@-]{1,15}$/)
    .optional(),
});
type ReconnectParams = z.infer<typeof reconnectParams>;

async function findConnection(params: ReconnectParams, context: ActionContext) {
  const connections = new NetworkConnections(systemBusOf(context), context.log);
  return { connections, active: await connections.find({ uuid: params.connection, device: params.interface }) };
}

const noConnection = (params: ReconnectParams) =>
  params.connection !== undefined
    ? format(_('No active network connection has UUID {uuid}'), { uuid: params.connection })
    : params.interface !== undefined
      ? format(_('No network connection is active on {interface}'), { interface: params.interface })
      : _('There is no active network connection');

const noConnectionToReconnect = (params: ReconnectParams) =>
  params.connection !== undefined
    ? format(_('No active network connection has UUID {uuid} to reconnect.'), { uuid: params.connection })
    : params.interface !== undefined
      ? format(_('No network connection is active on {interface} to reconnect.'), { interface: params.interface })
      : _('There is no active network connection to reconnect.');

/** `template` with the connection's name in `{name}`. */
const named = (template: string, connection: ActiveConnection) => format(template, { name: connection.id });

const reconnect: ActionDefinition<ReconnectParams> = {
  name: 'network.reconnect',
  title: N_('Reconnect to the network'),
  params: reconnectParams,
  risk: 'low',
  // polkit's network-control, which active local sessions usually have without a password.
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  async preview(params, context) {
    const { active } = await findConnection(params, context);
    if (!active) return { summary: noConnection(params), details: [], changesNothing: true };
    return {
      summary: named(_('Reconnect "{name}"'), active),
      details: [
        format(_('Disconnect "{name}" ({type}, UUID {uuid}) and connect it again'), {
          name: active.id,
          type: active.type,
          uuid: active.uuid,
        }),
        _('The network is down for a few seconds meanwhile'),
      ],
      changesNothing: false,
    };
  },
  async run(params, context, { progress, signal }) {
    const { connections, active } = await findConnection(params, context);
    if (!active) throw new StewardError('NotFound', noConnectionToReconnect(params));
    progress(null, named(_('Reconnecting "{name}"…'), active));
    await connections.reconnect(active, signal);
    progress(1, named(_('Reconnected "{name}"'), active));
    return {
      summary: named(_('Reconnected "{name}"'), active),
      undo: { impossible: _('a reconnect cannot be undone: the connection was only taken down and brought back up') },
    };
  },
  async verify(params, context) {
    const { connections, active } = await findConnection(params, context);
    if (!active || active.state !== ACTIVATED) {
      return { ok: false, observed: active ? named(_('"{name}" is not connected yet'), active) : noConnection(params) };
    }
    // The Connectivity property holds what the last check found, which may be from before the reconnect: check anew.
    const connectivity = await connections.checkConnectivity().catch(() => connections.connectivity());
    if (connectivity === CONNECTIVITY_FULL) {
      return { ok: true, observed: named(_('"{name}" is connected and the internet is reachable'), active) };
    }
    // Connected, and the check still fails: reconnecting did not bring the internet back.
    if (connectivity === CONNECTIVITY_NONE || connectivity === CONNECTIVITY_LIMITED) {
      return {
        ok: false,
        observed: named(
          _(
            '"{name}" is connected again, but the internet is still unreachable: NetworkManager’s connectivity check fails',
          ),
          active,
        ),
      };
    }
    return {
      ok: true,
      observed: named(_('"{name}" is connected, but NetworkManager does not report the internet as reachable'), active),
    };
  },
};

const connectDeviceParams = z.object({
  /** The device to connect (its interface name). */
  interface: z.string().regex(/^[\w.:@-]{1,15}$/),
});
type ConnectDeviceParams = z.infer<typeof connectDeviceParams>;

async function findDevice({ interface: name }: ConnectDeviceParams, context: ActionContext) {
  const connections = new NetworkConnections(systemBusOf(context), context.log);
  return { connections, device: await connections.device(name) };
}

const noDevice = ({ interface: name }: ConnectDeviceParams) =>
  format(_('NetworkManager has no device {interface}'), { interface: name });

// A connection that failed (for want of its Wi-Fi password, say) is not active, so reconnect cannot reach it:
// the device is activated again, and NetworkManager picks the connection.
const connectDevice: ActionDefinition<ConnectDeviceParams> = {
  name: 'network.connect_device',
  title: N_('Connect the network device again'),
  params: connectDeviceParams,
  risk: 'low',
  // polkit's network-control, as for a reconnect.
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  async preview(params, context) {
    const { device } = await findDevice(params, context);
    if (!device) return { summary: noDevice(params), details: [], changesNothing: true };
    if (device.state === DEVICE_ACTIVATED) {
      return {
        summary: format(_('{interface} is already connected'), { interface: params.interface }),
        details: [],
        changesNothing: true,
      };
    }
    return {
      summary: format(
        _('Connect {interface} again: NetworkManager picks its connection, and GNOME asks for the network’s password'),
        { interface: params.interface },
      ),
      details: [
        _('NetworkManager activates the best saved connection available to the device'),
        _('For a Wi-Fi network whose password it lacks, GNOME asks for it'),
      ],
      changesNothing: false,
    };
  },
  async run(params, context, { progress, signal }) {
    const { connections, device } = await findDevice(params, context);
    if (!device) throw new StewardError('NotFound', noDevice(params));
    progress(null, format(_('Connecting {interface}…'), { interface: params.interface }));
    const active = await connections.connectDevice(device.path, signal);
    if (active.state !== ACTIVATED) {
      throw new StewardError(
        'Unavailable',
        format(_('NetworkManager could not connect {interface} with "{name}"'), {
          interface: params.interface,
          name: active.id,
        }),
      );
    }
    const summary = format(_('Connected {interface} with "{name}"'), { interface: params.interface, name: active.id });
    progress(1, summary);
    return {
      summary,
      undo: { impossible: _('a connect cannot be undone: the device was only brought up with a saved connection') },
    };
  },
  async verify(params, context) {
    const { device } = await findDevice(params, context);
    if (!device) return { ok: false, observed: noDevice(params) };
    return device.state === DEVICE_ACTIVATED
      ? { ok: true, observed: format(_('{interface} is connected'), { interface: params.interface }) }
      : { ok: false, observed: format(_('{interface} is not connected yet'), { interface: params.interface }) };
  },
};

/** How many answers systemd-resolved holds in its caches. */
async function cachedAnswers(context: ActionContext): Promise<number> {
  // CacheStatistics: (ttt), the cache's size, hits and misses.
  const [size] = await reportingUnexpected(
    context.log,
    systemCall(
      getProperty(
        systemBusOf(context),
        RESOLVED_MANAGER,
        'CacheStatistics',
        '(ttt)',
        z.tuple([z.bigint(), z.bigint(), z.bigint()]),
        { autoStart: false },
      ),
      resolvedInWords(),
    ),
  );
  return Number(size);
}

const flushDns: ActionDefinition = {
  name: 'network.flush_dns',
  title: N_('Forget cached DNS answers'),
  params: z.object({}),
  risk: 'low',
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  async preview(_params, context) {
    const cached = await cachedAnswers(context);
    return {
      summary: _('Forget every cached DNS answer (systemd-resolved)'),
      details: [
        format(
          ngettext(
            'systemd-resolved holds {count} cached answer; names are looked up afresh after this',
            'systemd-resolved holds {count} cached answers; names are looked up afresh after this',
            cached,
          ),
          { count: cached },
        ),
      ],
      changesNothing: cached === 0,
    };
  },
  async run(_params, context, { progress }) {
    progress(null, _('Flushing the DNS cache…'));
    await callResolved(context, 'FlushCaches');
    progress(1, _('Flushed the DNS cache'));
    return {
      summary: _('Flushed the DNS cache'),
      undo: { impossible: _('forgotten DNS answers cannot be restored; they are looked up again when needed') },
    };
  },
  async verify(_params, context) {
    // resolved has no read-back for a flush; its cache size is the closest, and new lookups refill it at once.
    const cached = await cachedAnswers(context);
    return {
      ok: true,
      observed: format(
        ngettext(
          'systemd-resolved took the flush and now holds {count} cached answer (lookups since refill it)',
          'systemd-resolved took the flush and now holds {count} cached answers (lookups since refill it)',
          cached,
        ),
        { count: cached },
      ),
    };
  },
};

export const networkActions = [reconnect, connectDevice, flushDns];
