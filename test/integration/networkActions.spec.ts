// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { StewardError } from '../../service/src/dbus/errors.js';
import { type ActionDefinition, NotAuthorizedError } from '../../service/src/fixes/action.js';
import { networkActions } from '../../service/src/fixes/actions/network.js';
import { dnsActions } from '../../service/src/kinds/dnsFailure/actions.js';
import { ALLOW_INTERACTIVE_AUTHORIZATION, monitorCalls } from '../support/busMonitor.js';
import {
  ACTIVATED,
  DEACTIVATED,
  NetworkActionBus,
  NM,
  NM_PATH,
  refuseOn,
  RESOLVED,
  startMockResolved,
} from '../support/networkMocks.js';
import { waitFor } from '../support/service.js';

const UUID = '5f0ba6d2-3c4e-4b7a-9d61-0c2f1e8a7b35';
const DOCK_UUID = '0d6c2f1e-8a7b-4b35-9d61-5f0ba6d23c4e';
const LOOPBACK_UUID = '91104e21-c0b5-42d9-a83c-20c5323b8245';
const NM_CONNECTIVITY_UNKNOWN = 0;
const NM_CONNECTIVITY_LIMITED = 3;
const action = <Params extends Record<string, unknown>>(name: string) =>
  networkActions.find((definition) => definition.name === name) as ActionDefinition<Params>;
const reconnect = action<{ connection?: string; interface?: string }>('network.reconnect');
const connectDevice = action<{ interface: string }>('network.connect_device');
const flushDns = action<Record<string, never>>('network.flush_dns');
const dnsServers = dnsActions.find(({ name }) => name === 'info.dns_servers')!;
const resetFeatures = dnsActions.find(({ name }) => name === 'network.reset_dns_features')!;

describe('network actions', () => {
  let net: NetworkActionBus;

  beforeEach(async () => (net = await NetworkActionBus.start()));
  afterEach(() => net.stop());

  describe('network.reconnect', () => {
    it('takes the active connection down and up again on its device, and sees the internet reachable', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);

      expect(await reconnect.preview({}, net.context)).toEqual({
        summary: 'Reconnect "Wired connection 1"',
        details: [
          `Disconnect "Wired connection 1" (802-3-ethernet, UUID ${UUID}) and connect it again`,
          'The network is down for a few seconds meanwhile',
        ],
        changesNothing: false,
      });
      const monitor = await monitorCalls(net.bus.address, `interface='${NM}',path='${NM_PATH}'`);
      try {
        expect(await reconnect.run({}, net.context, net.options)).toEqual({
          summary: 'Reconnected "Wired connection 1"',
          undo: { impossible: 'a reconnect cannot be undone: the connection was only taken down and brought back up' },
        });
        await waitFor(() => monitor.callFlags().length === 2, 'the monitor to see both calls');
        expect(monitor.callFlags().every((flags) => (flags & ALLOW_INTERACTIVE_AUTHORIZATION) !== 0)).toBeTrue();
      } finally {
        await monitor.stop();
      }
      expect(await nm.calls('DeactivateConnection')).toEqual([[`${NM_PATH}/ActiveConnection/wired`]]);
      expect(await nm.calls('ActivateConnection')).toEqual([[`${NM_PATH}/Settings/0`, `${NM_PATH}/Devices/eth0`, '/']]);
      expect(await reconnect.verify({ connection: UUID }, net.context)).toEqual({
        ok: true,
        observed: '"Wired connection 1" is connected and the internet is reachable',
      });
    });

    it('waits for the new activation, and says so when NetworkManager gives it up', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);
      await nm.activateSlowly();

      let settled = false;
      const first = reconnect.run({ connection: UUID }, net.context, net.options).finally(() => (settled = true));
      await waitFor(async () => (await nm.calls('ActivateConnection')).length === 1, 'the activation');
      expect(settled).toBeFalse();
      await nm.setActiveState(`${NM_PATH}/ActiveConnection/0`, ACTIVATED);
      await first;

      const second = expectAsync(reconnect.run({ connection: UUID }, net.context, net.options)).toBeRejectedWith(
        new StewardError('Unavailable', 'NetworkManager could not bring "Wired connection 1" back up'),
      );
      await waitFor(async () => (await nm.calls('ActivateConnection')).length === 2, 'the second activation');
      await nm.setActiveState(`${NM_PATH}/ActiveConnection/0`, DEACTIVATED);
      await second;
    });

    it('checks the internet anew, and calls a reconnect that left it unreachable not fixed', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);
      await nm.mock('SetConnectivity', 'u', [NM_CONNECTIVITY_LIMITED]);

      expect(await reconnect.verify({}, net.context)).toEqual({
        ok: false,
        observed:
          '"Wired connection 1" is connected again, but the internet is still unreachable: NetworkManager’s connectivity check fails',
      });
      expect(await nm.calls('CheckConnectivity')).toEqual([[]]);
    });

    it('verifies a connection whose internet NetworkManager does not check, and says so', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);
      await nm.mock('SetConnectivity', 'u', [NM_CONNECTIVITY_UNKNOWN]);

      expect(await reconnect.verify({}, net.context)).toEqual({
        ok: true,
        observed: '"Wired connection 1" is connected, but NetworkManager does not report the internet as reachable',
      });
    });

    it('reconnects the connection of the link it is given, and never the loopback link', async () => {
      const nm = await net.startNetworkManager();
      // NetworkManager 1.42 and later list the loopback link as a connection, first.
      await nm.addWiredConnection('lo', LOOPBACK_UUID, 'lo', 'loopback');
      await nm.addWiredConnection('Wired connection 1', UUID);
      await nm.addWiredConnection('Dock', DOCK_UUID, 'eth1');

      expect((await reconnect.preview({}, net.context)).summary).toBe('Reconnect "Wired connection 1"');
      expect((await reconnect.preview({ interface: 'eth1' }, net.context)).summary).toBe('Reconnect "Dock"');
      await reconnect.run({ interface: 'eth1' }, net.context, net.options);
      expect(await nm.calls('DeactivateConnection')).toEqual([[`${NM_PATH}/ActiveConnection/eth1`]]);
      expect(await nm.calls('ActivateConnection')).toEqual([[`${NM_PATH}/Settings/2`, `${NM_PATH}/Devices/eth1`, '/']]);

      expect(await reconnect.preview({ interface: 'wlan0' }, net.context)).toEqual({
        summary: 'No network connection is active on wlan0',
        details: [],
        changesNothing: true,
      });
      await expectAsync(reconnect.run({ interface: 'wlan0' }, net.context, net.options)).toBeRejectedWith(
        new StewardError('NotFound', 'No network connection is active on wlan0 to reconnect.'),
      );
      expect(reconnect.params.safeParse({ interface: 'eth0; reboot' }).success).toBeFalse();
    });

    it('says there is nothing to reconnect, and refuses to run, without a connection', async () => {
      await net.startNetworkManager();

      expect(await reconnect.preview({}, net.context)).toEqual({
        summary: 'There is no active network connection',
        details: [],
        changesNothing: true,
      });
      await expectAsync(reconnect.run({}, net.context, net.options)).toBeRejectedWith(
        new StewardError('NotFound', 'There is no active network connection to reconnect.'),
      );
      await expectAsync(reconnect.run({ connection: UUID }, net.context, net.options)).toBeRejectedWith(
        new StewardError('NotFound', `No active network connection has UUID ${UUID} to reconnect.`),
      );
    });

    it('turns a refusal by polkit into NotAuthorizedError', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);
      await refuseOn(net.client, NM, NM_PATH, NM, 'DeactivateConnection', 'o', `${NM}.PermissionDenied`);

      await expectAsync(reconnect.run({}, net.context, net.options)).toBeRejectedWithError(NotAuthorizedError);
    });

    it('is unavailable without NetworkManager or without a system bus', async () => {
      await expectAsync(reconnect.preview({}, net.context)).toBeRejectedWith(
        new StewardError('Unavailable', 'NetworkManager is not running.'),
      );
      net.context.systemBus = null;
      await expectAsync(reconnect.run({}, net.context, net.options)).toBeRejectedWith(
        new StewardError('Unavailable', 'There is no system bus on this machine.'),
      );
    });

    it('takes only a UUID as the connection', () => {
      expect(reconnect.params.safeParse({ connection: UUID }).success).toBeTrue();
      expect(reconnect.params.safeParse({ connection: 'Wired connection 1' }).success).toBeFalse();
    });
  });

  describe('network.connect_device', () => {
    const WIFI = `${NM_PATH}/Devices/wlan0`;

    it('activates the device that failed with the connection NetworkManager picks, and leaves the working one be', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);
      await nm.addWiFiNetwork('wlan0', 'Home');

      expect(await connectDevice.preview({ interface: 'wlan0' }, net.context)).toEqual({
        summary: 'Connect wlan0 again: NetworkManager picks its connection, and GNOME asks for the network’s password',
        details: [
          'NetworkManager activates the best saved connection available to the device',
          'For a Wi-Fi network whose password it lacks, GNOME asks for it',
        ],
        changesNothing: false,
      });
      expect(await connectDevice.verify({ interface: 'wlan0' }, net.context)).toEqual({
        ok: false,
        observed: 'wlan0 is not connected yet',
      });
      const monitor = await monitorCalls(net.bus.address, `member='ActivateConnection'`);
      try {
        expect(await connectDevice.run({ interface: 'wlan0' }, net.context, net.options)).toEqual({
          summary: 'Connected wlan0 with "Home"',
          undo: { impossible: 'a connect cannot be undone: the device was only brought up with a saved connection' },
        });
        await waitFor(() => monitor.callFlags().length === 1, 'the monitor to see the activation');
        expect(monitor.callFlags()[0]! & ALLOW_INTERACTIVE_AUTHORIZATION).toBe(ALLOW_INTERACTIVE_AUTHORIZATION);
      } finally {
        await monitor.stop();
      }
      expect(await nm.calls('ActivateConnection')).toEqual([['/', WIFI, '/']]);
      expect(await nm.calls('DeactivateConnection')).toEqual([]);
      expect(await connectDevice.verify({ interface: 'wlan0' }, net.context)).toEqual({
        ok: true,
        observed: 'wlan0 is connected',
      });
      expect((await connectDevice.preview({ interface: 'wlan0' }, net.context)).changesNothing).toBeTrue();
    });

    it('waits for the activation, and says so when NetworkManager gives it up', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiFiNetwork('wlan0', 'Home');
      await nm.activateSlowly();

      let settled = false;
      const run = connectDevice.run({ interface: 'wlan0' }, net.context, net.options).finally(() => (settled = true));
      const refused = expectAsync(run).toBeRejectedWith(
        new StewardError('Unavailable', 'NetworkManager could not connect wlan0 with "Home"'),
      );
      await waitFor(async () => (await nm.calls('ActivateConnection')).length === 1, 'the activation');
      expect(settled).toBeFalse();
      await nm.setActiveState(`${NM_PATH}/ActiveConnection/0`, DEACTIVATED);
      await refused;
    });

    it('changes nothing on a device NetworkManager does not have or that is connected', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiredConnection('Wired connection 1', UUID);

      expect(await connectDevice.preview({ interface: 'wlan0' }, net.context)).toEqual({
        summary: 'NetworkManager has no device wlan0',
        details: [],
        changesNothing: true,
      });
      expect(await connectDevice.preview({ interface: 'eth0' }, net.context)).toEqual({
        summary: 'eth0 is already connected',
        details: [],
        changesNothing: true,
      });
      await expectAsync(connectDevice.run({ interface: 'wlan0' }, net.context, net.options)).toBeRejectedWith(
        new StewardError('NotFound', 'NetworkManager has no device wlan0'),
      );
      expect(await connectDevice.verify({ interface: 'wlan0' }, net.context)).toEqual({
        ok: false,
        observed: 'NetworkManager has no device wlan0',
      });
      expect(await nm.calls('ActivateConnection')).toEqual([]);
      expect(connectDevice.params.safeParse({ interface: 'wlan0; reboot' }).success).toBeFalse();
      expect(connectDevice.params.safeParse({}).success).toBeFalse();
    });

    it('turns a refusal by polkit into NotAuthorizedError', async () => {
      const nm = await net.startNetworkManager();
      await nm.addWiFiNetwork('wlan0', 'Home');
      await refuseOn(net.client, NM, NM_PATH, NM, 'ActivateConnection', 'ooo', `${NM}.PermissionDenied`);

      await expectAsync(connectDevice.run({ interface: 'wlan0' }, net.context, net.options)).toBeRejectedWithError(
        NotAuthorizedError,
      );
    });
  });

  describe('network.flush_dns', () => {
    const RESOLVED_PATH = '/org/freedesktop/resolve1';
    const RESOLVED_MANAGER = `${RESOLVED}.Manager`;

    it("empties systemd-resolved's cache, asking polkit interactively", async () => {
      net.track(await startMockResolved(net.bus, net.client, 12));

      expect(await flushDns.preview({}, net.context)).toEqual({
        summary: 'Forget every cached DNS answer (systemd-resolved)',
        details: ['systemd-resolved holds 12 cached answers; names are looked up afresh after this'],
        changesNothing: false,
      });
      const monitor = await monitorCalls(net.bus.address, `member='FlushCaches'`);
      try {
        expect(await flushDns.run({}, net.context, net.options)).toEqual({
          summary: 'Flushed the DNS cache',
          undo: { impossible: 'forgotten DNS answers cannot be restored; they are looked up again when needed' },
        });
        await waitFor(() => monitor.callFlags().length === 1, 'the monitor to see FlushCaches');
        expect(monitor.callFlags()[0]! & ALLOW_INTERACTIVE_AUTHORIZATION).toBe(ALLOW_INTERACTIVE_AUTHORIZATION);
      } finally {
        await monitor.stop();
      }
      expect(await flushDns.verify({}, net.context)).toEqual({
        ok: true,
        observed: 'systemd-resolved took the flush and now holds 0 cached answers (lookups since refill it)',
      });
      expect((await flushDns.preview({}, net.context)).changesNothing).toBeTrue();
    });

    it('turns a refusal by polkit into NotAuthorizedError', async () => {
      net.track(await startMockResolved(net.bus, net.client, 12));
      await refuseOn(
        net.client,
        RESOLVED,
        RESOLVED_PATH,
        RESOLVED_MANAGER,
        'FlushCaches',
        '',
        'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired',
      );

      await expectAsync(flushDns.run({}, net.context, net.options)).toBeRejectedWithError(NotAuthorizedError);
    });

    it('is unavailable when systemd-resolved is not running', async () => {
      const unavailable = new StewardError('Unavailable', 'systemd-resolved (the DNS resolver) is not running.');
      await expectAsync(flushDns.preview({}, net.context)).toBeRejectedWith(unavailable);
      await expectAsync(flushDns.run({}, net.context, net.options)).toBeRejectedWith(unavailable);
    });
  });

  describe('info.dns_servers and network.reset_dns_features', () => {
    it("shows resolved's servers per scope, the one in use, the failed one and DNSSEC", async () => {
      net.track(await startMockResolved(net.bus, net.client, 3));
      const shown = [
        'DNS servers for all links (resolved.conf): 192.168.1.1 (in use), 2001:db8::53',
        'DNS servers for lo: 10.0.0.53',
        '192.168.1.1, the server that failed, is configured for all links (resolved.conf) and is still the one in use',
        'DNSSEC: allow-downgrade; the servers in use do not support it',
      ];
      expect(await dnsServers.preview({ server: '192.168.1.1' }, net.context)).toEqual({
        summary: 'Show the DNS servers and which one is in use',
        details: shown,
        changesNothing: false,
      });
      expect((await dnsServers.run({ server: '192.168.1.1' }, net.context, net.options)).summary).toBe(
        ['DNS as this machine resolves names now:', ...shown].join('\n'),
      );
      expect((await dnsServers.preview({ server: '10.9.9.9' }, net.context)).details).toContain(
        '10.9.9.9, the server that failed, is no longer configured',
      );
      expect(dnsServers.params.safeParse({ server: 'example.org' }).success).toBeFalse();
    });

    it('says what /etc/resolv.conf names where resolved does not run', async () => {
      const details = (await dnsServers.preview({}, net.context)).details;
      expect(details[0]).toBe('systemd-resolved is not running: programs read the DNS servers from /etc/resolv.conf');
    });

    it('resets what resolved learnt of its servers, asking polkit interactively', async () => {
      net.track(await startMockResolved(net.bus, net.client, 3));
      const monitor = await monitorCalls(net.bus.address, `member='ResetServerFeatures'`);
      try {
        expect((await resetFeatures.run({}, net.context, net.options)).summary).toBe(
          'systemd-resolved forgot what it had learnt of its DNS servers’ features',
        );
        await waitFor(() => monitor.callFlags().length === 1, 'the monitor to see ResetServerFeatures');
        expect(monitor.callFlags()[0]! & ALLOW_INTERACTIVE_AUTHORIZATION).toBe(ALLOW_INTERACTIVE_AUTHORIZATION);
      } finally {
        await monitor.stop();
      }
      expect(await resetFeatures.verify({}, net.context)).toEqual({
        ok: true,
        observed: 'systemd-resolved took the reset and uses 192.168.1.1',
      });
    });
  });
});
