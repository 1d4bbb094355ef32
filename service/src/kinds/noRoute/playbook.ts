// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// no-route: the links the default route could leave through, and a way back where a manager owns one.
import type { CandidateAction, Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { linkManager, linkNow } from '../linkDown/actions.js';
import { heldBefore } from '../linkDown/playbook.js';
import { networkLinks } from './actions.js';

/** Links shown for a lost default route; a machine has a few, a host with containers many more. */
const ROUTE_LINKS_SHOWN = 4;

// The default route is gone: the links it could leave through first (up, with a carrier), with their addresses and
// routes now, and a way back only where a manager owns such a link and configures its routes again.
export const noRoute: Playbook = async (finding, tools) => {
  const links = await Promise.all(
    (await networkLinks().catch(() => [])).map(async (name) => ({
      name,
      now: await linkNow(name).catch(() => null),
      manager: await linkManager(tools.context, name).catch(() => ({ kind: 'none' }) as const),
    })),
  );
  // The finding recorded where the default route went out ("route default via 10.0.0.1 dev eth0"): that link first.
  const wentOut = heldBefore(finding).routes.flatMap((route) => /\bdev ([\w.:@-]{1,15})$/.exec(route)?.[1] ?? []);
  const rank = ({ name, now, manager }: (typeof links)[number]) =>
    (wentOut.includes(name) ? 0 : 4) + (now?.adminUp && now.carrier ? 0 : 2) + (manager.kind === 'none' ? 1 : 0);
  const shown = links.sort((a, b) => rank(a) - rank(b)).slice(0, ROUTE_LINKS_SHOWN);
  const actions: CandidateAction[] = shown.map(({ name }) => ({
    name: 'info.link_state',
    params: { interface: name },
  }));
  const usable = shown.filter(({ now }) => now?.adminUp && now.carrier);
  const networkd = usable.find(({ manager }) => manager.kind === 'systemd-networkd');
  const networkManager = usable.find(({ manager }) => manager.kind === 'NetworkManager');
  if (networkd) {
    return {
      title: format(_('Put the default route back on {name}'), { name: networkd.name }),
      explanation: format(
        _(
          '{title}. {name} is up and has a carrier, and systemd-networkd owns it: configuring it again puts back the routes its settings give it. ' +
            'The first step shows its addresses and routes now.',
        ),
        { title: finding.title, name: networkd.name },
      ),
      actions: [...actions, { name: 'network.reconfigure_link', params: { interface: networkd.name } }],
    };
  }
  if (networkManager) {
    return {
      title: format(_('Put the default route back on {name}'), { name: networkManager.name }),
      explanation: format(
        _(
          '{title}. {name} is up and has a carrier, and NetworkManager owns it: reconnecting renews its address and routes. ' +
            'The first step shows its addresses and routes now.',
        ),
        { title: finding.title, name: networkManager.name },
      ),
      actions: [...actions, { name: 'network.reconnect', params: { interface: networkManager.name } }],
    };
  }
  return {
    title: _('See why the default route is gone'),
    explanation: format(
      usable.length > 0
        ? _(
            '{title}. No network manager owns the links that are up ({names}): the route was set by hand or by a script, ' +
              'and only that brings it back. The first step shows each link’s addresses and routes now.',
          )
        : _(
            '{title}. No link is up with a carrier ({names}): the route goes with it. The first step shows each link’s state now.',
          ),
      {
        title: finding.title,
        names: (usable.length > 0 ? usable : shown).map(({ name }) => name).join(', ') || _('none'),
      },
    ),
    actions,
  };
};
