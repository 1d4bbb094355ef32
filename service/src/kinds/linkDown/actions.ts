// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.link_state: a network link as the kernel has it now (admin state,
// carrier, addresses, routes, read over netlink with `ip -json`), what it lost
// since it went down, and which manager owns it. network.link_up: asks that
// manager (NetworkManager or systemd-networkd, over D-Bus) to bring it up.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { nameHasOwner } from '../../dbus/client.js';
import { StewardError } from '../../dbus/errors.js';
import { getProperty, objectPath, typedCall, voidCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { boundedText } from '../../dbus/variants.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { routeText } from '../../watch/network.js';

const run = promisify(execFile);
const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const NETWORKD = 'org.freedesktop.network1';
const NETWORKD_PATH = '/org/freedesktop/network1';

/** An interface name as the kernel allows it (IFNAMSIZ, no '/' or whitespace). */
const interfaceName = z.string().regex(/^[\w.:@-]{1,15}$/, 'not a network interface name');
/** An address with its prefix, or a route as `ip` prints it, as a link-down finding recorded them. */
// From a string: xgettext's JavaScript parser ends a regular expression literal at a '/' in a character class.
const heldText = z.string().regex(new RegExp(String.raw`^[\w.:/ -]{1,100}$`));

export interface LinkNow {
  exists: boolean;
  adminUp: boolean;
  carrier: boolean;
  operstate: string;
  addresses: string[];
  routes: string[];
}

async function ipJson<T>(args: string[]): Promise<T> {
  const { stdout } = await run('ip', ['-json', ...args], { timeout: 10_000 });
  return JSON.parse(stdout.trim() || '[]') as T;
}

/** The link as the kernel has it now. */
export async function linkNow(name: string): Promise<LinkNow> {
  const [links, routes4, routes6] = await Promise.all([
    ipJson<{ flags?: string[]; operstate?: string; addr_info?: { local?: string; prefixlen?: number }[] }[]>([
      'address',
      'show',
      'dev',
      name,
    ]).catch(() => []),
    ipJson<{ dst?: string; gateway?: string; flags?: string[] }[]>(['route', 'show', 'dev', name]).catch(() => []),
    ipJson<{ dst?: string; gateway?: string; flags?: string[] }[]>(['-6', 'route', 'show', 'dev', name]).catch(
      () => [],
    ),
  ]);
  const [link] = links;
  if (!link) return { exists: false, adminUp: false, carrier: false, operstate: '', addresses: [], routes: [] };
  const flags = link.flags ?? [];
  return {
    exists: true,
    adminUp: flags.includes('UP'),
    carrier: flags.includes('LOWER_UP'),
    operstate: link.operstate ?? 'UNKNOWN',
    addresses: (link.addr_info ?? []).flatMap(({ local, prefixlen }) => (local ? [`${local}/${prefixlen}`] : [])),
    routes: [...routes4, ...routes6].map(
      (route) => `${routeText(route)}${route.flags?.includes('linkdown') ? ' (linkdown)' : ''}`,
    ),
  };
}

export type LinkManager =
  | { kind: 'NetworkManager'; path: string }
  | { kind: 'systemd-networkd'; path: string; state: string }
  | { kind: 'none' };

/** Which manager owns the link: NetworkManager when it manages the device, systemd-networkd when a .network file matches it. */
export async function linkManager(
  context: Pick<ActionContext, 'systemBus'> & Partial<Pick<ActionContext, 'log'>>,
  name: string,
): Promise<LinkManager> {
  const bus = context.systemBus;
  if (!bus) return { kind: 'none' };
  // A manager that answers what its interface does not allow owns nothing Steward could ask it to bring up.
  function logged<T>(work: Promise<T>): Promise<T> {
    return reportingUnexpected(context.log, work);
  }
  if (await nameHasOwner(bus, NM).catch(() => false)) {
    const path = await logged(
      typedCall(
        bus,
        {
          destination: NM,
          path: NM_PATH,
          interface: NM,
          member: 'GetDeviceByIpIface',
          signature: 's',
          body: [name],
          reply: 'o',
        },
        z.tuple([objectPath]),
        { autoStart: false },
      ),
    )
      .then(([device]) => device)
      .catch(() => null);
    const managed =
      path &&
      (await logged(
        getProperty(bus, { destination: NM, path, interface: `${NM}.Device` }, 'Managed', 'b', z.boolean(), {
          autoStart: false,
        }),
      ).catch(() => false));
    if (path && managed === true) {
      return { kind: 'NetworkManager', path };
    }
  }
  if (await nameHasOwner(bus, NETWORKD).catch(() => false)) {
    // GetLinkByName: (io), the link's index and object.
    const link = await logged(
      typedCall(
        bus,
        {
          destination: NETWORKD,
          path: NETWORKD_PATH,
          interface: `${NETWORKD}.Manager`,
          member: 'GetLinkByName',
          signature: 's',
          body: [name],
          reply: 'io',
        },
        z.tuple([z.number().int(), objectPath]),
        { autoStart: false },
      ),
    )
      .then(([, path]) => path)
      .catch(() => null);
    const state = link
      ? await logged(
          getProperty(
            bus,
            { destination: NETWORKD, path: link, interface: `${NETWORKD}.Link` },
            'AdministrativeState',
            's',
            boundedText(64),
            { autoStart: false },
          ),
        ).catch(() => '')
      : '';
    // "unmanaged": no .network file matches it; networkd leaves it alone.
    if (link && state && state !== 'unmanaged') return { kind: 'systemd-networkd', path: link, state };
  }
  return { kind: 'none' };
}

function managerText(manager: LinkManager): string {
  if (manager.kind === 'NetworkManager') return _('Managed by NetworkManager');
  if (manager.kind === 'systemd-networkd')
    return format(_('Managed by systemd-networkd ({state})'), { state: manager.state });
  return _(
    'No network manager owns it (NetworkManager and systemd-networkd leave it alone): it was set up by hand or by a script',
  );
}

const linkStateParams = z.object({
  interface: interfaceName,
  /** What it held before it went down, from the finding. */
  addresses: z.array(heldText).max(64).default([]),
  routes: z.array(heldText).max(64).default([]),
});
type LinkStateParams = z.infer<typeof linkStateParams>;

/** networkctl reconfigure over D-Bus: networkd applies the link's .network file again (up, addresses, routes). */
export async function networkdReconfigure(bus: MessageBus, path: string): Promise<void> {
  await systemCall(
    voidCall(
      bus,
      { destination: NETWORKD, path, interface: `${NETWORKD}.Link`, member: 'Reconfigure' },
      AUTHORIZED_CALL,
    ),
    'systemd-networkd',
  );
}

/** The link's state in words, with what vanished since it went down. */
export async function describeLink(params: LinkStateParams, context: ActionContext): Promise<string[]> {
  const name = params.interface;
  const now = await linkNow(name);
  if (!now.exists) return [format(_('{name} does not exist now (unplugged or removed)'), { name })];
  const state = !now.adminUp
    ? format(_('{name} is switched off (administratively down)'), { name })
    : now.carrier
      ? format(_('{name} is up and has a carrier ({operstate})'), { name, operstate: now.operstate })
      : format(_('{name} is switched on but has no carrier: the cable, the other end or the radio link is down'), {
          name,
        });
  const bare = (route: string) => route.replace(/ \(linkdown\)$/, '');
  const goneAddresses = params.addresses.filter((address) => !now.addresses.includes(address));
  const goneRoutes = params.routes.filter((route) => !now.routes.map(bare).includes(route));
  const list = (items: string[]) => (items.length > 0 ? items.join(', ') : _('none'));
  return [
    state,
    format(_('Addresses now: {addresses}'), { addresses: list(now.addresses) }),
    format(_('Routes now: {routes}'), { routes: list(now.routes) }),
    ...(goneAddresses.length > 0
      ? [format(_('Addresses gone since it went down: {list}'), { list: goneAddresses.join(', ') })]
      : []),
    ...(goneRoutes.length > 0
      ? [format(_('Routes gone since it went down: {list}'), { list: goneRoutes.join(', ') })]
      : []),
    managerText(await linkManager(context, name)),
  ];
}

const linkState: ActionDefinition<LinkStateParams> = {
  name: 'info.link_state',
  title: N_('Show a network link’s state'),
  params: linkStateParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: true,
  async preview(params, context) {
    return {
      summary: format(_('Show the state of {name}'), { name: params.interface }),
      details: await describeLink(params, context),
      changesNothing: false,
    };
  },
  async run(params, context) {
    return {
      summary: (await describeLink(params, context)).join('\n'),
      undo: { impossible: _('showing a link’s state changes nothing') },
    };
  },
  async verify(params) {
    return { ok: true, observed: format(_('read the state of {name}'), { name: params.interface }) };
  },
};

const linkUpParams = z.object({ interface: interfaceName });
type LinkUpParams = z.infer<typeof linkUpParams>;

const linkUp: ActionDefinition<LinkUpParams> = {
  name: 'network.link_up',
  title: N_('Bring a network link up'),
  params: linkUpParams,
  risk: 'low',
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  // Only a link that is switched off and owned by a manager: the manager knows how it should be configured.
  async preview({ interface: name }, context) {
    const [now, manager] = await Promise.all([linkNow(name), linkManager(context, name)]);
    if (!now.exists || now.adminUp || manager.kind === 'none') {
      return {
        summary: format(_('Bring {name} up'), { name }),
        details: [
          !now.exists
            ? format(_('{name} does not exist now'), { name })
            : now.adminUp
              ? format(_('{name} is already switched on'), { name })
              : managerText(manager),
        ],
        changesNothing: true,
      };
    }
    return {
      summary: format(_('Bring {name} up through {manager}'), { name, manager: manager.kind }),
      details: [
        format(_('{manager} switches {name} on and configures it as its settings say'), {
          name,
          manager: manager.kind,
        }),
      ],
      changesNothing: false,
    };
  },
  async run({ interface: name }, context, { progress }) {
    const bus = systemBusOf(context);
    const manager = await linkManager(context, name);
    if (manager.kind === 'none') throw new StewardError('Unavailable', managerText(manager));
    progress(null, format(_('Asking {manager} to bring {name} up…'), { name, manager: manager.kind }));
    if (manager.kind === 'NetworkManager') {
      // "/" as the connection: NetworkManager picks the best one for the device, as `nmcli device connect` does.
      await systemCall(
        typedCall(
          bus,
          {
            destination: NM,
            path: NM_PATH,
            interface: NM,
            member: 'ActivateConnection',
            signature: 'ooo',
            body: ['/', manager.path, '/'],
            reply: 'o',
          },
          z.tuple([objectPath]),
          AUTHORIZED_CALL,
        ),
        'NetworkManager',
      );
    } else {
      await networkdReconfigure(bus, manager.path);
    }
    return {
      summary: format(_('{manager} brought {name} up'), { name, manager: manager.kind }),
      undo: { impossible: _('a link brought up is not taken down again: that would cut the network') },
    };
  },
  async verify({ interface: name }) {
    // The manager switches the link on asynchronously; a few seconds is what it takes.
    const deadline = Date.now() + 10_000;
    let now = await linkNow(name);
    while (!now.adminUp && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      now = await linkNow(name);
    }
    if (!now.adminUp) return { ok: false, observed: format(_('{name} is still switched off'), { name }) };
    return {
      ok: true,
      observed: now.carrier
        ? format(_('{name} is up and has a carrier'), { name })
        : format(_('{name} is switched on, but has no carrier yet'), { name }),
    };
  },
};

export const linkActions = [linkState, linkUp];
