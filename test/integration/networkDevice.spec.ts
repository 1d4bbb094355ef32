// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { networkActions } from '../../service/src/fixes/actions/network.js';
import { type CandidateAction, Playbooks } from '../../service/src/fixes/playbooks.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { networkDeviceAction } from '../../service/src/kinds/networkFailure/deviceAction.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { NetworkActionBus, NM, NM_PATH } from '../support/networkMocks.js';

const PLAYBOOKS = new Playbooks(KINDS);

const DEVICE = `${NM}.Device`;
const DISCONNECTED = 30;
const UUID = '5f0ba6d2-3c4e-4b7a-9d61-0c2f1e8a7b35';
const FAILED_LINE =
  "<info>  [1795505052.8230] device (eth1): state change: ip-config -> failed (reason 'ip-config-unavailable', managed-type: 'full')";

const finding = (subject: string, text: string) =>
  findingWithEvidence('network-failure', subject, {
    severity: 'warning',
    title: `${subject} lost its network connection`,
    vouchedBy: null,
    reportedBy: 'NetworkManager (uid 0, /usr/sbin/NetworkManager, NetworkManager.service)',
    evidence: [{ kind: 'journal', text, cursor: 'c', at: new Date() }],
  });

describe('info.network_device', () => {
  let net: NetworkActionBus;

  beforeEach(async () => (net = await NetworkActionBus.start()));
  afterEach(() => net.stop());

  /** eth1, disconnected after NetworkManager gave up its activation, with a saved DHCP connection that waits 10 s. */
  async function failedDhcpDevice() {
    const nm = await net.startNetworkManager();
    const [device] = (await nm.mock('AddEthernetDevice', 'ssi', ['eth1', 'eth1', DISCONNECTED])) as [string];
    const settings = await nm.addSavedConnection({
      connection: {
        id: new Variant('s', 'Office\u001b[2J'),
        uuid: new Variant('s', UUID),
        type: new Variant('s', '802-3-ethernet'),
      },
      ipv4: { method: new Variant('s', 'auto'), 'dhcp-timeout': new Variant('i', 10) },
    });
    await nm.mock('SetProperty', 'sssv', [device, DEVICE, 'AvailableConnections', new Variant('ao', [settings])]);
    return { nm, device };
  }

  it('shows the device’s state, the reason NetworkManager logged, how its connection gets an address and what it holds', async () => {
    await failedDhcpDevice();
    const params = { interface: 'eth1', reason: 'ip-config-unavailable' };
    const lines = [
      'eth1 is disconnected (NetworkManager’s device state)',
      "NetworkManager logged the activation failing with reason 'ip-config-unavailable': no IP configuration could be had: no DHCP server answered in time, or the address could not be set",
      'No connection is active on it',
      'Saved connection "Office": IPv4 by DHCP (ipv4.method auto), waiting 10 seconds for a DHCP answer (ipv4.dhcp-timeout)',
      'IPv4 addresses now: none',
      'No DHCP lease',
    ];
    expect(await networkDeviceAction.preview(params, net.context)).toEqual({
      summary: 'Show how NetworkManager sees eth1',
      details: lines,
      changesNothing: false,
    });
    expect(await networkDeviceAction.run(params, net.context, net.options)).toEqual({
      summary: lines.join('\n'),
      undo: { impossible: 'showing a device’s state changes nothing' },
    });
    expect(await networkDeviceAction.verify(params, net.context)).toEqual({
      ok: true,
      observed: 'read how NetworkManager sees eth1',
    });
  });

  it('shows the addresses and the DHCP lease of a connected device, and NetworkManager’s current reason', async () => {
    const { nm, device } = await failedDhcpDevice();
    const mockObject = (path: string, iface: string, properties: Record<string, Variant>) =>
      nm.mock('AddObject', 'ssa{sv}a(ssss)', [path, iface, properties, []]);
    await mockObject(`${NM_PATH}/IP4Config/1`, `${NM}.IP4Config`, {
      AddressData: new Variant('aa{sv}', [{ address: new Variant('s', '10.0.0.7'), prefix: new Variant('u', 24) }]),
    });
    await mockObject(`${NM_PATH}/DHCP4Config/1`, `${NM}.DHCP4Config`, {
      Options: new Variant('a{sv}', {
        ip_address: new Variant('s', '10.0.0.7'),
        dhcp_server_identifier: new Variant('s', '10.0.0.1'),
      }),
    });
    // The template's devices have no IP4Config and DHCP4Config properties: added as NetworkManager has them.
    await nm.mock('AddProperty', 'ssv', [DEVICE, 'Ip4Config', new Variant('o', `${NM_PATH}/IP4Config/1`)], device);
    await nm.mock('AddProperty', 'ssv', [DEVICE, 'Dhcp4Config', new Variant('o', `${NM_PATH}/DHCP4Config/1`)], device);
    for (const [name, value] of [
      ['State', new Variant('u', 120)],
      ['StateReason', new Variant('(uu)', [120, 17])],
    ] as const) {
      await nm.mock('SetProperty', 'sssv', [device, DEVICE, name, value]);
    }
    const { details } = await networkDeviceAction.preview({ interface: 'eth1' }, net.context);
    expect(details).toEqual([
      'eth1 is in the failed state (NetworkManager’s device state)',
      "NetworkManager’s reason for it now: 'dhcp-failed': the DHCP client failed",
      'No connection is active on it',
      'Saved connection "Office": IPv4 by DHCP (ipv4.method auto), waiting 10 seconds for a DHCP answer (ipv4.dhcp-timeout)',
      'IPv4 addresses now: 10.0.0.7/24',
      'DHCP lease: 10.0.0.7 from 10.0.0.1',
    ]);
  });

  it('changes nothing for a device NetworkManager does not have, and takes only an interface name and a reason', async () => {
    await net.startNetworkManager();
    expect(await networkDeviceAction.preview({ interface: 'eth9' }, net.context)).toEqual({
      summary: 'NetworkManager has no device eth9',
      details: [],
      changesNothing: true,
    });
    expect(networkDeviceAction.params.safeParse({ interface: 'eth0; reboot' }).success).toBeFalse();
    expect(networkDeviceAction.params.safeParse({ interface: 'eth0', reason: "x' or 1" }).success).toBeFalse();
  });
});

describe('the network-failure playbook on NetworkManager', () => {
  let net: NetworkActionBus;

  beforeEach(async () => (net = await NetworkActionBus.start()));
  afterEach(() => net.stop());

  const catalog = [networkDeviceAction, ...networkActions];
  const tools = () => ({
    context: net.context,
    async preview(candidate: CandidateAction) {
      const action = catalog.find(({ name }) => name === candidate.name);
      return action ? action.preview(action.params.parse(candidate.params) as never, net.context) : null;
    },
  });

  it('shows a device whose activation failed, with the reason NetworkManager logged, then connects it again', async () => {
    await net.startNetworkManager().then((nm) => nm.mock('AddEthernetDevice', 'ssi', ['eth1', 'eth1', DISCONNECTED]));
    const draft = await PLAYBOOKS.draftFor(finding('eth1', FAILED_LINE), tools());
    expect(draft?.title).toBe('See why NetworkManager could not connect eth1');
    expect(draft?.explanation).toContain("gave up (reason 'ip-config-unavailable')");
    expect(draft?.actions).toEqual([
      { name: 'info.network_device', params: { interface: 'eth1', reason: 'ip-config-unavailable' } },
      { name: 'network.connect_device', params: { interface: 'eth1' } },
    ]);
  });

  it('reconnects where the device is connected again, or where NetworkManager has no such device', async () => {
    const nm = await net.startNetworkManager();
    await nm.addWiredConnection('Wired connection 1', UUID);
    const connected = await PLAYBOOKS.draftFor(
      finding('eth0', "<warn>  [1.0] device (eth0): Activation: failed for connection 'x'"),
      tools(),
    );
    expect(connected?.actions.map(({ name }) => name)).toEqual(['network.reconnect']);
    const unknown = await PLAYBOOKS.draftFor(finding('eth7', FAILED_LINE.replace('eth1', 'eth7')), tools());
    expect(unknown?.actions.map(({ name }) => name)).toEqual(['network.reconnect']);
  });

  it('shows the link where no connection is active to reconnect', async () => {
    await net.startNetworkManager();
    const draft = await PLAYBOOKS.draftFor(finding('eth7', FAILED_LINE.replace('eth1', 'eth7')), tools());
    expect(draft?.actions).toEqual([
      { name: 'info.link_state', params: { interface: 'eth7', addresses: [], routes: [] } },
    ]);
  });
});
