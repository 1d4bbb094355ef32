// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// link-down: the link's state now, and a way up only where a manager owns it.
import type { FindingWithEvidence } from '../../findings/store.js';
import type { Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { linkManager, linkNow } from './actions.js';

/** What a link-down finding recorded the link held: "inet 10.0.0.2/24", "route default via 10.0.0.1" (detector.ts). */
export function heldBefore(finding: FindingWithEvidence) {
  const texts = finding.evidence.filter((evidence) => evidence.kind === 'text').map((evidence) => evidence.text);
  const after = (prefix: RegExp) => texts.flatMap((text) => (prefix.test(text) ? [text.replace(prefix, '')] : []));
  return { addresses: after(/^inet6? /), routes: after(/^route /) };
}

// A link went down: its state now first (switched off, or no carrier, what it lost), and a way up only where a
// manager owns it and the link is switched off: a missing carrier is a cable or the other end, which no command fixes.
export const linkDown: Playbook = async (finding, tools) => {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  const show = { name: 'info.link_state', params: { interface: name, ...heldBefore(finding) } };
  const now = await linkNow(name).catch(() => null);
  const manager = await linkManager(tools.context, name).catch(() => ({ kind: 'none' }) as const);
  if (now && !now.adminUp && manager.kind !== 'none') {
    return {
      title: format(_('Bring {name} up again'), { name }),
      explanation: format(
        _(
          '{title}. It was switched off (administratively down); {manager} owns it and can bring it up as its settings say.',
        ),
        { title: finding.title, manager: manager.kind },
      ),
      actions: [show, { name: 'network.link_up', params: { interface: name } }],
    };
  }
  if (manager.kind === 'NetworkManager') {
    return {
      title: format(_('See why {name} went down'), { name }),
      explanation: format(
        _(
          '{title}. NetworkManager owns it; the first step shows whether it lost its carrier and what it lost. Reconnecting helps once the carrier is back.',
        ),
        { title: finding.title },
      ),
      actions: [show, { name: 'network.reconnect', params: { interface: name } }],
    };
  }
  return {
    title: format(_('See why {name} went down'), { name }),
    explanation: format(
      now && now.adminUp && !now.carrier
        ? _(
            '{title}. It is still switched on but has lost its carrier: the cable, the switch or router at the other end, ' +
              'or the radio link is down, and no command on this computer brings that back. The first step shows what it lost.',
          )
        : _('{title}. The first step shows its state now, what it lost and which network manager owns it.'),
      { title: finding.title },
    ),
    actions: [show],
  };
};
