// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// no-connectivity and captive-portal: reconnecting, or signing in to the network's page.
import type { Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const reconnect: Playbook = async (finding) => ({
  title: _('Reconnect to the network'),
  explanation: format(
    _('{title}. Reconnecting renews the address and the route, which fixes most stalled connections.'),
    { title: finding.title },
  ),
  actions: [{ name: 'network.reconnect', params: {} }],
});

// A captive portal: the network lets nothing through until someone signs in on its page.
export const captivePortal: Playbook = async (finding) => ({
  title: _('Sign in to the network'),
  explanation: format(
    _(
      '{title}. The network answers NetworkManager’s connectivity check with its own page: it lets nothing through until you sign in there. ' +
        'The step opens that check’s address in your web browser, which the network sends on to its sign-in page.',
    ),
    { title: finding.title },
  ),
  actions: [{ name: 'network.open_portal', params: {} }],
});
