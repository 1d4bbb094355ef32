// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network.open_portal against python3-dbusmock's NetworkManager template and a stand-in for the desktop portal
// (xdg-desktop-portal cannot run here: it needs a desktop session) that records the OpenURI call.
import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { captivePortalActions } from '../../service/src/kinds/connectivity/actions.js';
import { NetworkActionBus, NM, NM_PATH, startDbusmock } from '../support/networkMocks.js';

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const OPEN_URI = 'org.freedesktop.portal.OpenURI';
const CHECK_URI = 'http://nmcheck.gnome.org/check_network_status.txt';
const NM_CONNECTIVITY_PORTAL = 2;
const NM_CONNECTIVITY_FULL = 4;
const openPortal = captivePortalActions.find(({ name }) => name === 'network.open_portal')!;

describe('network.open_portal', () => {
  let net: NetworkActionBus;

  beforeEach(async () => (net = await NetworkActionBus.start()));
  afterEach(() => net.stop());

  /** NetworkManager behind a captive portal, checking connectivity at `uri`. */
  async function startNetworkManager(uri: string) {
    const nm = await net.startNetworkManager();
    await nm.mock('AddProperty', 'ssv', [NM, 'ConnectivityCheckUri', new Variant('s', uri)], NM_PATH);
    await nm.mock('SetProperty', 'sssv', [NM_PATH, NM, 'Connectivity', new Variant('u', NM_CONNECTIVITY_PORTAL)]);
    return nm;
  }

  /** The stand-in portal: OpenURI answers a request object, as the real one does, and is recorded. */
  async function startPortalStandIn() {
    net.track(await startDbusmock(net.bus, net.client, PORTAL, [PORTAL, PORTAL_PATH, OPEN_URI]));
    const call = (member: string, signature: string, body: unknown[]) =>
      callMethod(net.client, {
        destination: PORTAL,
        path: PORTAL_PATH,
        interface: 'org.freedesktop.DBus.Mock',
        member,
        signature,
        body,
      });
    await call('AddMethod', 'sssss', [
      OPEN_URI,
      'OpenURI',
      'ssa{sv}',
      'o',
      "ret = dbus.ObjectPath('/org/freedesktop/portal/desktop/request/1_1/steward')",
    ]);
    return async () => {
      const [calls] = (await call('GetMethodCalls', 's', ['OpenURI'])) as [[number, Variant[]][]];
      return calls.map(([, args]) => args.map((arg) => arg.value));
    };
  }

  it("opens NetworkManager's connectivity check address through the desktop portal, and cannot undo it", async () => {
    const nm = await startNetworkManager(CHECK_URI);
    const openedUris = await startPortalStandIn();

    expect(await openPortal.preview({}, net.context)).toEqual({
      summary: 'Open the network’s sign-in page in your web browser',
      details: [
        `Opens ${CHECK_URI}, NetworkManager’s connectivity check address, in your web browser; the network sends it on to its sign-in page`,
      ],
      changesNothing: false,
    });
    expect(openPortal.needsAuthorization).toBeFalse();
    expect(openPortal.risk).toBe('low');
    expect(await openPortal.run({}, net.context, net.options)).toEqual({
      summary: `Opened ${CHECK_URI} in your web browser: sign in there`,
      undo: { impossible: 'a page opened in the browser is closed there, not by Steward' },
    });
    expect(await openedUris()).toEqual([['', CHECK_URI, {}]]);
    expect(await openPortal.verify({}, net.context)).toEqual({
      ok: true,
      observed: 'The sign-in page was opened; the network lets you through once you sign in there',
    });

    await nm.mock('SetProperty', 'sssv', [NM_PATH, NM, 'Connectivity', new Variant('u', NM_CONNECTIVITY_FULL)]);
    expect(await openPortal.verify({}, net.context)).toEqual({
      ok: true,
      observed: 'The internet is reachable: the network let you through',
    });
  });

  it('offers nothing to open without NetworkManager, without a check address, or with one that is no web address', async () => {
    const nothing = {
      summary: 'Open the network’s sign-in page',
      details: ['NetworkManager has no connectivity check address (its connectivity check is off or it does not run)'],
      changesNothing: true,
    };
    expect(await openPortal.preview({}, net.context)).toEqual(nothing);
    expect(await openPortal.preview({}, { ...net.context, systemBus: null })).toEqual(nothing);
    await startNetworkManager('file:///etc/shadow');
    expect(await openPortal.preview({}, net.context)).toEqual(nothing);
    await expectAsync(openPortal.run({}, net.context, net.options)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Unavailable' }),
    );
  });

  it('says the portal could not open the page when no portal runs', async () => {
    await startNetworkManager(CHECK_URI);
    const error: unknown = await openPortal.run({}, net.context, net.options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).message).toContain(`The desktop portal could not open ${CHECK_URI}`);
  });
});
