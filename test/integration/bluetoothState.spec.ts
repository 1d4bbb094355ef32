// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// BlueZ's adapter state, the bluetooth-off finding and the power actions, against a stand-in: python3-dbusmock's
// bluez5 template on a private bus (these machines have no Bluetooth radio, so no bluetoothd can run here).
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import type { ActionContext } from '../../service/src/fixes/action.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import { powerOff, powerOn } from '../../service/src/kinds/bluetooth/actions.js';
import { BLUETOOTH_OFF, BluetoothOffDetector } from '../../service/src/kinds/bluetooth/offDetector.js';
import { blockBluetooth, GSD_RFKILL, unblockBluetooth } from '../../service/src/kinds/bluetooth/rfkillActions.js';
import { BluezSource } from '../../service/src/kinds/bluetooth/source.js';
import type { BluetoothState } from '../../service/src/kinds/bluetooth/state.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { busContext } from '../support/busContext.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';

const BLUEZ = 'org.bluez';
const ADAPTER = 'org.bluez.Adapter1';
const HCI0 = '/org/bluez/hci0';

describe('Bluetooth against a stand-in BlueZ (python3-dbusmock bluez5)', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  let source: BluezSource;
  let states: BluetoothState[];
  let context: ActionContext;
  const noProgress = { progress: () => undefined, signal: new AbortController().signal };

  const mockCall = (member: string, signature: string, body: unknown[]) =>
    callMethod(client, { destination: BLUEZ, path: '/', interface: 'org.bluez.Mock', member, signature, body });
  /** What a person's switch (or bluetoothd itself) does to the adapter: BlueZ's Powered changes and is signalled. */
  const setPowered = (on: boolean) =>
    callMethod(client, {
      destination: BLUEZ,
      path: HCI0,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Set',
      signature: 'ssv',
      body: [ADAPTER, 'Powered', new Variant('b', on)],
    });
  const until = (count: number) =>
    waitFor(() => states.length >= count, `${count} Bluetooth states; seen ${JSON.stringify(states)}`);

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = await startDbusmock(bus, client, BLUEZ, ['--template', 'bluez5']);
    const connection = await bus.connect();
    context = busContext(connection);
    states = [];
    source = new BluezSource({ name: 'desktop.bluetooth', bus: connection, log: context.log });
  });

  afterEach(async () => {
    await source.stop();
    await stopMock(mock);
    await bus.stop();
  });

  it('reads the adapters at start, follows one added, switched off and on, and removed', async () => {
    await mockCall('AddAdapter', 'ss', ['hci0', 'laptop']);
    await source.start((event) => {
      if (event.type === 'desktop' && event.desktop.kind === 'bluetooth') states.push(event.desktop.bluetooth);
    });
    expect(states).toEqual([{ adapter: HCI0, present: true, powered: true, blocked: false }]);

    await setPowered(false);
    await until(2);
    // The same value again is no change.
    await setPowered(false);
    await mockCall('AddAdapter', 'ss', ['hci1', 'laptop']);
    await until(3);
    await mockCall('RemoveAdapter', 's', ['hci1']);
    await until(4);
    expect(states.slice(1)).toEqual([
      { adapter: HCI0, present: true, powered: false, blocked: false },
      { adapter: '/org/bluez/hci1', present: true, powered: true, blocked: false },
      { adapter: '/org/bluez/hci1', present: false, powered: true, blocked: false },
    ]);
  });

  it('reports a block and its lifting as BlueZ settles them, not the switching between', async () => {
    await mockCall('AddAdapter', 'ss', ['hci0', 'laptop']);
    const adapterMock = (member: string, signature: string, body: unknown[]) =>
      callMethod(client, {
        destination: BLUEZ,
        path: HCI0,
        interface: 'org.freedesktop.DBus.Mock',
        member,
        signature,
        body,
      });
    await adapterMock('AddProperty', 'ssv', [ADAPTER, 'PowerState', new Variant('s', 'on')]);
    /** bluetoothd's PropertiesChanged, as it signals a change of its adapter. */
    const bluetoothd = (properties: Record<string, Variant>) =>
      adapterMock('UpdateProperties', 'sa{sv}', [ADAPTER, properties]);
    const powerState = (value: string) => new Variant('s', value);
    await source.start((event) => {
      if (event.type === 'desktop' && event.desktop.kind === 'bluetooth') states.push(event.desktop.bluetooth);
    });
    // rfkill blocks it: bluetoothd says so, then the kernel powers the controller down.
    await bluetoothd({ PowerState: powerState('off-blocked') });
    await bluetoothd({ Powered: new Variant('b', false), PowerState: powerState('off-blocked') });
    // Unblocked, bluetoothd powers it again through off-enabling.
    await bluetoothd({ PowerState: powerState('off-enabling') });
    await bluetoothd({ Powered: new Variant('b', true), PowerState: powerState('on') });
    // Switched off, through on-disabling.
    await bluetoothd({ PowerState: powerState('on-disabling') });
    await bluetoothd({ Powered: new Variant('b', false), PowerState: powerState('off') });
    await until(5);
    expect(states).toEqual([
      { adapter: HCI0, present: true, powered: true, blocked: false },
      { adapter: HCI0, present: true, powered: true, blocked: true },
      { adapter: HCI0, present: true, powered: false, blocked: true },
      { adapter: HCI0, present: true, powered: true, blocked: false },
      { adapter: HCI0, present: true, powered: false, blocked: false },
    ]);
  });

  it('raises bluetooth-off for an unpowered adapter, switches it on through BlueZ, verifies, and undoes', async () => {
    await mockCall('AddAdapter', 'ss', ['hci0', 'laptop']);
    await setPowered(false);
    const detector = new BluetoothOffDetector();
    const outputs: ReturnType<BluetoothOffDetector['detect']> = [];
    await source.start((event) => {
      if (event.type !== 'desktop' || event.desktop.kind !== 'bluetooth') return;
      states.push(event.desktop.bluetooth);
      outputs.push(...detector.detect(event));
    });
    expect(outputs.map((o) => ('report' in o ? [o.report.kind, o.report.subject, o.report.severity] : o))).toEqual([
      [BLUETOOTH_OFF, 'hci0', 'info'],
    ]);

    const params = { adapter: 'hci0' };
    const preview = await powerOn.preview(params, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual(['Set Powered of /org/bluez/hci0 (org.bluez.Adapter1) to true']);
    const outcome = await powerOn.run(params, context, noProgress);
    expect(outcome.undo).toEqual({
      action: 'bluetooth.power_off',
      params,
      summary: 'Turn Bluetooth adapter hci0 off again',
    });
    expect(await powerOn.verify(params, context)).toEqual({ ok: true, observed: 'Bluetooth adapter hci0 is on' });
    // The source sees BlueZ's own signal, and the finding resolves.
    await until(2);
    expect(outputs.at(-1)).toEqual({ resolve: { kind: BLUETOOTH_OFF, subject: 'hci0', at: jasmine.any(Date) } });
    expect((await powerOn.preview(params, context)).changesNothing).toBeTrue();

    await powerOff.run(params, context, noProgress);
    expect(await powerOff.verify(params, context)).toEqual({ ok: true, observed: 'Bluetooth adapter hci0 is off' });
  });

  it('refuses an adapter BlueZ does not have, and parameters outside the schema by name', async () => {
    const missing = { adapter: 'hci7' };
    expect((await powerOn.preview(missing, context)).changesNothing).toBeTrue();
    await expectAsync(powerOn.run(missing, context, noProgress)).toBeRejectedWith(
      new StewardError('NotFound', 'BlueZ has no Bluetooth adapter hci7'),
    );
    expect(await powerOn.verify(missing, context)).toEqual({
      ok: false,
      observed: 'BlueZ has no Bluetooth adapter hci7',
    });
    const catalog = createFindingsCatalog({ kinds: KINDS });
    expect(() => catalog.validate('bluetooth.power_on', { adapter: '../../org/freedesktop' })).toThrowMatching(
      (error: unknown) => error instanceof StewardError && error.errorName === 'InvalidArgs',
    );
  });

  describe('and a stand-in gnome-settings-daemon rfkill object (python3-dbusmock, no radio here)', () => {
    let gsd: ChildProcess;
    const GSD_PATH = '/org/gnome/SettingsDaemon/Rfkill';

    /** gsd's rfkill properties as its interface declares them; the stand-in signals a Set as gsd does. */
    async function startGsd(soft: boolean, hardware: boolean) {
      gsd = await startDbusmock(bus, client, GSD_RFKILL, [GSD_RFKILL, GSD_PATH, GSD_RFKILL]);
      await callMethod(client, {
        destination: GSD_RFKILL,
        path: GSD_PATH,
        interface: 'org.freedesktop.DBus.Mock',
        member: 'AddProperties',
        signature: 'sa{sv}',
        body: [
          GSD_RFKILL,
          {
            AirplaneMode: new Variant('b', false),
            BluetoothAirplaneMode: new Variant('b', soft),
            BluetoothHardwareAirplaneMode: new Variant('b', hardware),
            BluetoothHasAirplaneMode: new Variant('b', true),
          },
        ],
      });
    }

    afterEach(async () => {
      await stopMock(gsd);
    });

    it('turns Bluetooth airplane mode off, verifies it, and undoes it', async () => {
      await startGsd(true, false);
      const preview = await unblockBluetooth.preview({}, context);
      expect(preview.changesNothing).toBeFalse();
      const outcome = await unblockBluetooth.run({}, context, noProgress);
      expect(outcome.undo).toEqual({
        action: 'bluetooth.block',
        params: {},
        summary: 'Turn Bluetooth airplane mode on again',
      });
      expect(await unblockBluetooth.verify({}, context)).toEqual({
        ok: true,
        observed: 'Bluetooth is no longer blocked',
      });
      expect((await unblockBluetooth.preview({}, context)).changesNothing).toBeTrue();
      await blockBluetooth.run({}, context, noProgress);
      expect(await blockBluetooth.verify({}, context)).toEqual({ ok: true, observed: 'Bluetooth is blocked' });
    });

    it('offers nothing against a hardware switch, and refuses to run', async () => {
      await startGsd(true, true);
      expect((await unblockBluetooth.preview({}, context)).changesNothing).toBeTrue();
      await expectAsync(unblockBluetooth.run({}, context, noProgress)).toBeRejectedWithError(
        StewardError,
        /hardware switch/,
      );
      expect((await unblockBluetooth.verify({}, context)).ok).toBeFalse();
    });
  });
});
