// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network.open_portal: opens NetworkManager's connectivity check address in the
// user's browser through the desktop portal (org.freedesktop.portal.OpenURI),
// as GNOME does for a captive portal: the network redirects it to its sign-in page.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { objectPath, typedCall } from '../../dbus/typedCalls.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { CONNECTIVITY_FULL, CONNECTIVITY_PORTAL, NetworkConnections } from '../../fixes/actions/networkConnections.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const OPEN_URI = 'org.freedesktop.portal.OpenURI';

/** NetworkManager's connections, or null without a system bus. */
const networkManager = ({ systemBus, log }: ActionContext) =>
  systemBus ? new NetworkConnections(systemBus, log) : null;

/** NetworkManager's connectivity check address, when it has one that a browser can open. */
export async function connectivityCheckUri(context: ActionContext): Promise<string | null> {
  // NetworkManager not running, or refusing: no address to open.
  const uri = await networkManager(context)
    ?.connectivityCheckUri()
    .catch(() => null);
  if (!uri) return null;
  const parsed = URL.canParse(uri) ? new URL(uri) : null;
  return parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? parsed.href : null;
}

const noUri = () =>
  _('NetworkManager has no connectivity check address (its connectivity check is off or it does not run)');

const openPortal: ActionDefinition = {
  name: 'network.open_portal',
  title: N_('Open the network’s sign-in page'),
  params: z.object({}),
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  changes: 'network',
  async preview(_params, context) {
    const uri = await connectivityCheckUri(context);
    if (!uri) return { summary: _('Open the network’s sign-in page'), details: [noUri()], changesNothing: true };
    return {
      summary: _('Open the network’s sign-in page in your web browser'),
      details: [
        format(
          _(
            'Opens {uri}, NetworkManager’s connectivity check address, in your web browser; the network sends it on to its sign-in page',
          ),
          { uri: cleanLine(uri) },
        ),
      ],
      changesNothing: false,
    };
  },
  async run(_params, context, { progress }) {
    const uri = await connectivityCheckUri(context);
    if (!uri) throw new StewardError('Unavailable', noUri());
    progress(null, _('Opening the sign-in page…'));
    // The desktop's own way: the portal asks the user's default browser, as GNOME's captive portal helper does.
    // The portal answers the request's handle; what the user does with the browser is not waited for.
    await typedCall(
      context.sessionBus,
      {
        destination: PORTAL,
        path: PORTAL_PATH,
        interface: OPEN_URI,
        member: 'OpenURI',
        signature: 'ssa{sv}',
        body: ['', uri, {}],
        reply: 'o',
      },
      z.tuple([objectPath]),
    ).catch((error: Error) => {
      throw new StewardError(
        'Unavailable',
        format(_('The desktop portal could not open {uri}: {error}'), {
          uri: cleanLine(uri),
          error: cleanLine(error.message),
        }),
      );
    });
    return {
      summary: format(_('Opened {uri} in your web browser: sign in there'), { uri: cleanLine(uri) }),
      undo: { impossible: _('a page opened in the browser is closed there, not by Steward') },
    };
  },
  async verify(_params, context) {
    const connectivity = await networkManager(context)
      ?.connectivity()
      .catch(() => null);
    if (connectivity === CONNECTIVITY_FULL) {
      return { ok: true, observed: _('The internet is reachable: the network let you through') };
    }
    return {
      ok: true,
      observed:
        connectivity === CONNECTIVITY_PORTAL
          ? _('The sign-in page was opened; the network lets you through once you sign in there')
          : _('The sign-in page was opened'),
    };
  },
};

export const captivePortalActions = [openPortal];
