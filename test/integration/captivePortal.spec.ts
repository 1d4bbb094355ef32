// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network.open_portal against python3-dbusmock's NetworkManager template and a stand-in for the desktop portal
// (xdg-desktop-portal cannot run here: it needs a desktop session) that records the OpenURI call.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import type { ActionContext, RunOptions } from '../../service/src/fixes/action.js';
import { captivePortalActions } from '../../service/src/fixes/actions/captivePortal.js';
import { createLogger } from '../../service/src/logging.js';
import { NetworkManagerMock, NM, NM_PATH, startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const OPEN_URI = 'org.freedesktop.portal.OpenURI';
const CHECK_URI = 'http://nmcheck.gnome.org/check_network_status.txt';
const NM_CONNECTIVITY_PORTAL = 3;
const NM_CONNECTIVITY_FULL = 4;
const openPortal = captivePortalActions.find(({ name }) => name === 'network.open_portal')!;

describe('network.open_portal', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mocks: ChildProcess[];
  let context: ActionContext;
  let options: RunOptions;

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mocks = [];
    context = {
      sessionBus: await bus.connect(),
      systemBus: await bus.connect(),
      home: '/nonexistent',
      cacheHome: '/nonexistent',
      dataHome: '/nonexistent',
      knownGoodDirectory: '/nonexistent',
      log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
    };
    options = { progress: () => undefined, signal: new AbortController().signal };
  });

  afterEach(async () => {
    await Promise.all(mocks.map(stopMock));
    await bus.stop();
  });

  /** NetworkManager behind a captive portal, checking connectivity at `uri`. */
  async function startNetworkManager(uri: string) {
    const nm = await NetworkManagerMock.start(bus, client);
    mocks.push(nm.process);
    await nm.mock('AddProperty', 'ssv', [NM, 'ConnectivityCheckUri', new Variant('s', uri)], NM_PATH);
    await nm.mock('SetProperty', 'sssv', [NM_PATH, NM, 'Connectivity', new Variant('u', NM_CONNECTIVITY_PORTAL)]);
    return nm;
  }

  /** The stand-in portal: OpenURI answers a request object, as the real one does, and is recorded. */
  async function startPortalStandIn() {
    const portal = await startDbusmock(bus, client, PORTAL, [PORTAL, PORTAL_PATH, OPEN_URI]);
    mocks.push(portal);
    const call = (member: string, signature: string, body: unknown[]) =>
      callMethod(client, {
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

    expect(await openPortal.preview({}, context)).toEqual({
      summary: 'Open the network’s sign-in page in your web browser',
      details: [
        `Opens ${CHECK_URI}, NetworkManager’s connectivity check address, in your web browser; the network sends it on to its sign-in page`,
      ],
      changesNothing: false,
    });
    expect(openPortal.needsAuthorization).toBeFalse();
    expect(openPortal.risk).toBe('low');
    expect(await openPortal.run({}, context, options)).toEqual({
      summary: `Opened ${CHECK_URI} in your web browser: sign in there`,
      undo: { impossible: 'a page opened in the browser is closed there, not by Steward' },
    });
    expect(await openedUris()).toEqual([['', CHECK_URI, {}]]);
    expect(await openPortal.verify({}, context)).toEqual({
      ok: true,
      observed: 'The sign-in page was opened; the network lets you through once you sign in there',
    });

    await nm.mock('SetProperty', 'sssv', [NM_PATH, NM, 'Connectivity', new Variant('u', NM_CONNECTIVITY_FULL)]);
    expect(await openPortal.verify({}, context)).toEqual({
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
    expect(await openPortal.preview({}, context)).toEqual(nothing);
    expect(await openPortal.preview({}, { ...context, systemBus: null })).toEqual(nothing);
    await startNetworkManager('file:///etc/shadow');
    expect(await openPortal.preview({}, context)).toEqual(nothing);
    await expectAsync(openPortal.run({}, context, options)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Unavailable' }),
    );
  });

  it('says the portal could not open the page when no portal runs', async () => {
    await startNetworkManager(CHECK_URI);
    const error: unknown = await openPortal.run({}, context, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).message).toContain(`The desktop portal could not open ${CHECK_URI}`);
  });
});
