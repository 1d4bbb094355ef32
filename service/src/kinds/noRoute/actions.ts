// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network.reconfigure_link: asks systemd-networkd to apply a link's .network
// file again (`networkctl reconfigure`, over D-Bus), which puts back the routes
// it configures, the default route among them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionDefinition } from '../../fixes/action.js';
import { systemBusOf } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { routeText } from '../../watch/network.js';
import { linkManager, linkNow, networkdReconfigure } from '../linkDown/actions.js';

const run = promisify(execFile);

/** The default routes the kernel has now (IPv4 and IPv6), as `ip` prints them. */
export async function defaultRoutes(): Promise<string[]> {
  const read = (args: string[]) =>
    run('ip', ['-json', ...args, 'route', 'show', 'default'], { timeout: 10_000 })
      .then(({ stdout }) => JSON.parse(stdout.trim() || '[]') as { dst?: string; gateway?: string; dev?: string }[])
      .catch(() => []);
  const routes = [...(await read([])), ...(await read(['-6']))];
  return routes.map((route) => `${routeText(route)}${route.dev ? ` dev ${route.dev}` : ''}`);
}

/** The network links the kernel has now, but loopback. */
export async function networkLinks(): Promise<string[]> {
  const { stdout } = await run('ip', ['-json', 'link', 'show'], { timeout: 10_000 });
  const links = JSON.parse(stdout.trim() || '[]') as { ifname?: string; link_type?: string }[];
  return links.flatMap(({ ifname, link_type }) => (ifname && link_type !== 'loopback' ? [ifname] : []));
}

const params = z.object({ interface: z.string().regex(/^[\w.:@-]{1,15}$/, 'not a network interface name') });
type Params = z.infer<typeof params>;

const reconfigureLink: ActionDefinition<Params> = {
  name: 'network.reconfigure_link',
  title: N_('Have systemd-networkd configure a link again'),
  params,
  risk: 'low',
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  // Only where networkd owns the link and no default route exists: its .network file says what the link should have.
  async preview({ interface: name }, context) {
    const [now, manager, routes] = await Promise.all([linkNow(name), linkManager(context, name), defaultRoutes()]);
    const summary = format(_('Have systemd-networkd configure {name} again'), { name });
    if (!now.exists)
      return { summary, details: [format(_('{name} does not exist now'), { name })], changesNothing: true };
    if (manager.kind !== 'systemd-networkd') {
      return {
        summary,
        details: [format(_('systemd-networkd does not manage {name}'), { name })],
        changesNothing: true,
      };
    }
    if (routes.length > 0) {
      return {
        summary,
        details: [format(_('A default route exists already: {routes}'), { routes: routes.join(', ') })],
        changesNothing: true,
      };
    }
    return {
      summary,
      details: [
        format(
          _(
            'systemd-networkd applies the .network file of {name} again (as networkctl reconfigure does): its addresses and routes, the default route among them',
          ),
          { name },
        ),
        _('The link may drop its connections for a moment meanwhile'),
      ],
      changesNothing: false,
    };
  },
  async run({ interface: name }, context, { progress }) {
    const bus = systemBusOf(context);
    const manager = await linkManager(context, name);
    if (manager.kind !== 'systemd-networkd') {
      throw new StewardError('Unavailable', format(_('systemd-networkd does not manage {name}'), { name }));
    }
    progress(null, format(_('Asking systemd-networkd to configure {name} again…'), { name }));
    await networkdReconfigure(bus, manager.path);
    return {
      summary: format(_('systemd-networkd configured {name} again'), { name }),
      undo: {
        impossible: _('a link configured as its settings say is not unconfigured again: that would cut the network'),
      },
    };
  },
  async verify() {
    // networkd configures the link asynchronously, after answering; a few seconds is what it takes.
    const deadline = Date.now() + 10_000;
    let routes = await defaultRoutes();
    while (routes.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      routes = await defaultRoutes();
    }
    if (routes.length === 0) return { ok: false, observed: _('There is still no default route') };
    return { ok: true, observed: format(_('The default route is back: {routes}'), { routes: routes.join(', ') }) };
  },
};

export const defaultRouteActions = [reconfigureLink];
