// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// python3-dbusmock as NetworkManager (its template) and as systemd-resolved
// (a bare mock with FlushCaches and CacheStatistics) on a private bus.
import { type ChildProcess, spawn } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import type { ActionContext, RunOptions } from '../../service/src/fixes/action.js';
import { createLogger } from '../../service/src/logging.js';
import { type PrivateBus, startPrivateBus } from './privateBus.js';
import { nameHasOwner, waitFor } from './service.js';

export const NM = 'org.freedesktop.NetworkManager';
export const NM_PATH = '/org/freedesktop/NetworkManager';
export const ACTIVE = `${NM}.Connection.Active`;
/** The template's activation, given the device's first available connection where the caller names none. */
const ACTIVATE_PICKING = `conn = args[0]
if conn == '/':
    conn = objects[args[1]].props['${NM}.Device']['AvailableConnections'][0]
ret = self.activate_connection(self, conn, args[1], args[2])`;
/** The NetworkManager template's main object, which carries its mock methods. */
const NM_MOCK_PATH = '/org/freedesktop';
export const RESOLVED = 'org.freedesktop.resolve1';
const RESOLVED_PATH = '/org/freedesktop/resolve1';
const RESOLVED_MANAGER = `${RESOLVED}.Manager`;
const MOCK = 'org.freedesktop.DBus.Mock';
/** NMDeviceState and NMActiveConnectionState values the tests use. */
export const DEVICE_DISCONNECTED = 30;
export const DEVICE_ACTIVATED = 100;
/** NM80211Mode and the access point's WPA flags (a pre-shared key). */
const INFRASTRUCTURE = 2;
const KEY_MGMT_PSK = 0x100;
export const ACTIVATING = 1;
export const ACTIVATED = 2;
export const DEACTIVATED = 4;

/** Starts `python3 -m dbusmock args…` on the private bus and waits until it owns `name`. */
export async function startDbusmock(
  bus: Pick<PrivateBus, 'address'>,
  client: MessageBus,
  name: string,
  args: string[],
) {
  // /usr/bin/python3: the `python3` on PATH may be another interpreter without dbusmock.
  const mock = spawn('/usr/bin/python3', ['-m', 'dbusmock', '--session', ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(async () => {
    if (mock.exitCode !== null) throw new Error(`python3-dbusmock exited with ${mock.exitCode}`);
    return nameHasOwner(client, name);
  }, `the ${name} mock`);
  return mock;
}

/** Stops a mock and waits for it to exit. */
export async function stopMock(mock: ChildProcess): Promise<void> {
  if (mock.exitCode !== null) return;
  const exited = new Promise((resolve) => mock.once('exit', resolve));
  mock.kill('SIGTERM');
  await exited;
}

/** A private bus standing for both the session and the system bus of the actions run on it, and the mocks on it. */
export class NetworkActionBus {
  readonly options: RunOptions = { progress: () => undefined, signal: new AbortController().signal };
  private readonly mocks: ChildProcess[] = [];

  private constructor(
    readonly bus: PrivateBus,
    /** The specs' own connection, for the mocks' control methods. */
    readonly client: MessageBus,
    readonly context: ActionContext,
  ) {}

  static async start(): Promise<NetworkActionBus> {
    const bus = await startPrivateBus();
    const context: ActionContext = {
      sessionBus: await bus.connect(),
      systemBus: await bus.connect(),
      home: '/nonexistent',
      cacheHome: '/nonexistent',
      dataHome: '/nonexistent',
      knownGoodDirectory: '/nonexistent',
      log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
    };
    return new NetworkActionBus(bus, await bus.connect(), context);
  }

  /** `mock`, stopped with the bus. */
  track(mock: ChildProcess): ChildProcess {
    this.mocks.push(mock);
    return mock;
  }

  async startNetworkManager(): Promise<NetworkManagerMock> {
    const nm = await NetworkManagerMock.start(this.bus, this.client);
    this.track(nm.process);
    return nm;
  }

  async stop(): Promise<void> {
    await Promise.all(this.mocks.map(stopMock));
    await this.bus.stop();
  }
}

export class NetworkManagerMock {
  private constructor(
    readonly process: ChildProcess,
    private readonly client: MessageBus,
  ) {}

  static async start(bus: PrivateBus, client: MessageBus): Promise<NetworkManagerMock> {
    const nm = new NetworkManagerMock(await startDbusmock(bus, client, NM, ['--template', 'networkmanager']), client);
    // As NetworkManager answers a name it has no device for (the template cannot return its None as a path).
    await nm.mock(
      'AddMethod',
      'sssss',
      [
        NM,
        'GetDeviceByIpIface',
        's',
        'o',
        `ret = self.get_device_by_ip_iface(self, args[0])
if ret is None:
    raise dbus.exceptions.DBusException('No device found for the requested iface.', name='${NM}.UnknownDevice')`,
      ],
      NM_PATH,
    );
    // As NetworkManager activates the device's best available connection when given none ('/').
    await nm.mock('AddMethod', 'sssss', [NM, 'ActivateConnection', 'ooo', 'o', ACTIVATE_PICKING], NM_PATH);
    return nm;
  }

  mock(member: string, signature: string, body: unknown[], path = NM_MOCK_PATH) {
    return callMethod(this.client, { destination: NM, path, interface: MOCK, member, signature, body });
  }

  /** A saved connection with `settings` (NetworkManager's setting groups), through Settings.AddConnection; its path. */
  async addSavedConnection(settings: Record<string, Record<string, Variant>>): Promise<string> {
    const [path] = (await callMethod(this.client, {
      destination: NM,
      path: `${NM_PATH}/Settings`,
      interface: `${NM}.Settings`,
      member: 'AddConnection',
      signature: 'a{sa{sv}}',
      body: [settings],
    })) as [string];
    return path;
  }

  /** An ethernet device with a saved connection active on it, at ActiveConnection/wired (eth0's) or /IFACE. */
  async addWiredConnection(id: string, uuid: string, iface = 'eth0', type = '802-3-ethernet'): Promise<void> {
    const [device] = (await this.mock('AddEthernetDevice', 'ssi', [iface, iface, DEVICE_ACTIVATED])) as [string];
    const settings = await this.addSavedConnection({
      connection: { id: new Variant('s', id), uuid: new Variant('s', uuid), type: new Variant('s', type) },
    });
    const name = iface === 'eth0' ? 'wired' : iface;
    await this.mock('AddActiveConnection', 'assssu', [[device], settings, '/', name, ACTIVATED]);
  }

  /** A Wi-Fi device, not connected, that sees the network `ssid` and has a saved connection for it (at Settings/wifi). */
  async addWiFiNetwork(iface: string, ssid: string): Promise<string> {
    const [device] = (await this.mock('AddWiFiDevice', 'ssi', [iface, iface, DEVICE_DISCONNECTED])) as [string];
    await this.mock('AddAccessPoint', 'ssssuuuyu', [
      device,
      'ap',
      ssid,
      '00:11:22:33:44:55',
      INFRASTRUCTURE,
      2412,
      54000,
      80,
      KEY_MGMT_PSK,
    ]);
    await this.mock('AddWiFiConnection', 'ssss', [device, 'wifi', ssid, 'wpa-psk']);
    return device;
  }

  /** ActivateConnection leaves the new activation 'activating' until the test moves it on. */
  async activateSlowly(): Promise<void> {
    await this.mock(
      'AddMethod',
      'sssss',
      [
        NM,
        'ActivateConnection',
        'ooo',
        'o',
        `${ACTIVATE_PICKING}
objects[ret].props['${ACTIVE}']['State'] = dbus.UInt32(${ACTIVATING})`,
      ],
      NM_PATH,
    );
  }

  async setActiveState(path: string, state: number): Promise<void> {
    await this.mock('SetProperty', 'sssv', [path, ACTIVE, 'State', new Variant('u', state)]);
  }

  /** The arguments of each call of `method` on NetworkManager's main object. */
  async calls(method: string): Promise<unknown[][]> {
    const [calls] = (await this.mock('GetMethodCalls', 's', [method], NM_PATH)) as [[number, Variant[]][]];
    return calls.map(([, args]) => args.map((arg) => arg.value));
  }
}

/** A stand-in for systemd-resolved whose cache holds `cached` answers until FlushCaches empties it. */
export async function startMockResolved(bus: PrivateBus, client: MessageBus, cached: number): Promise<ChildProcess> {
  const mock = await startDbusmock(bus, client, RESOLVED, [RESOLVED, RESOLVED_PATH, RESOLVED_MANAGER]);
  const call = (member: string, signature: string, body: unknown[]) =>
    callMethod(client, { destination: RESOLVED, path: RESOLVED_PATH, interface: MOCK, member, signature, body });
  // (size, hits, misses)
  await call('AddProperty', 'ssv', [
    RESOLVED_MANAGER,
    'CacheStatistics',
    new Variant('(ttt)', [BigInt(cached), 40n, 7n]),
  ]);
  // Its servers as resolved.conf (ifindex 0) and a link (lo, index 1) set them; the first is in use.
  await call('AddProperties', 'sa{sv}', [
    RESOLVED_MANAGER,
    {
      DNS: new Variant('a(iiay)', [
        [0, 2, Buffer.from([192, 168, 1, 1])],
        [0, 10, Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53])],
        [1, 2, Buffer.from([10, 0, 0, 53])],
      ]),
      CurrentDNSServer: new Variant('(iiay)', [0, 2, Buffer.from([192, 168, 1, 1])]),
      FallbackDNS: new Variant('a(iiay)', []),
      DNSSEC: new Variant('s', 'allow-downgrade'),
      DNSSECSupported: new Variant('b', false),
    },
  ]);
  await call('AddMethod', 'sssss', [RESOLVED_MANAGER, 'ResetServerFeatures', '', '', '']);
  await call('AddMethod', 'sssss', [
    RESOLVED_MANAGER,
    'FlushCaches',
    '',
    '',
    // Set directly: the mock's UpdateProperties cannot wrap a struct. resolved sends no signal for it either.
    `self.props['${RESOLVED_MANAGER}']['CacheStatistics'] = dbus.Struct((dbus.UInt64(0), dbus.UInt64(40), dbus.UInt64(7)), signature='ttt')`,
  ]);
  return mock;
}

/** Makes a mock method of `destination` fail with the D-Bus error `name`, as a daemon does when polkit refuses. */
export const refuseOn = (
  client: MessageBus,
  destination: string,
  path: string,
  iface: string,
  method: string,
  inSignature: string,
  name: string,
) =>
  callMethod(client, {
    destination,
    path,
    interface: MOCK,
    member: 'AddMethod',
    signature: 'sssss',
    body: [iface, method, inSignature, '', `raise dbus.exceptions.DBusException('Not authorized', name='${name}')`],
  });
