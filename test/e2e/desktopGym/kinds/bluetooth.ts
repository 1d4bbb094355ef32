// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Bluetooth. These machines have no Bluetooth radio, so neither bluetoothd nor gnome-settings-daemon's rfkill
// plugin can run: both are stand-ins. BlueZ is python3-dbusmock's bluez5 template on the system bus, with one
// adapter hci0 and the PowerState property BlueZ 5.66 and later have. gsd's org.gnome.SettingsDaemon.Rfkill object
// is a python3-dbusmock object on the shell's session bus, with the properties the shell's own interface file names.
// What the kernel's rfkill and bluetoothd do between the two (gsd blocks the radio through /dev/rfkill; bluetoothd
// sees the rfkill event and the kernel powering the controller down, and says so on the adapter) is a stand-in too:
// it follows gsd's PropertiesChanged and changes the adapter as bluetoothd does, through BlueZ's own signals.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../../../service/src/dbus/client.js';
import { BLUETOOTH_OFF } from '../../../../service/src/kinds/bluetooth/offDetector.js';
import { GSD_RFKILL } from '../../../../service/src/kinds/bluetooth/rfkillActions.js';
import { ADAPTER, BLUEZ } from '../../../../service/src/kinds/bluetooth/source.js';
import { startDbusmock, stopMock } from '../../../support/networkMocks.js';
import { waitFor } from '../../../support/service.js';
import type { DesktopScenario, GymPart, ShellContext } from '../scenario.js';

const HCI0 = '/org/bluez/hci0';
const GSD_RFKILL_PATH = '/org/gnome/SettingsDaemon/Rfkill';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const MOCK = 'org.freedesktop.DBus.Mock';

let bluez: ChildProcess | undefined;
let gsd: ChildProcess | undefined;
/** The stand-ins' subscriptions: bluetoothd's to its own Powered, the kernel's rfkill's to gsd's switch. */
let followPowered: (() => Promise<void>) | undefined;
let followRfkill: (() => Promise<void>) | undefined;
/** The changes the stand-ins made to BlueZ in answer, one after another. */
let changes: Promise<void> = Promise.resolve();
// A stand-in that could not answer leaves BlueZ as it was, and the scenario's state says so.
const follow = (change: () => Promise<unknown>) => {
  changes = changes.then(change).then(
    () => undefined,
    (error: Error) => console.error(`a Bluetooth stand-in could not answer: ${error.message}`),
  );
};

/** The mock's own UpdateProperties: sets the adapter's properties and signals them in one PropertiesChanged. */
const updateAdapter = (systemBus: MessageBus, properties: Record<string, Variant>) =>
  callMethod(systemBus, {
    destination: BLUEZ,
    path: HCI0,
    interface: MOCK,
    member: 'UpdateProperties',
    signature: 'sa{sv}',
    body: [ADAPTER, properties],
  });

const bluezStandIn: GymPart = {
  name: 'BlueZ (stand-in)',
  async start({ systemBus, systemClient }) {
    bluez = await startDbusmock(systemBus, systemClient, BLUEZ, ['--template', 'bluez5']);
    await callMethod(systemClient, {
      destination: BLUEZ,
      path: '/',
      interface: 'org.bluez.Mock',
      member: 'AddAdapter',
      signature: 'ss',
      body: ['hci0', 'gym'],
    });
    // The template predates PowerState (BlueZ 5.66); trixie's BlueZ has it, and Steward reads a block from it.
    await callMethod(systemClient, {
      destination: BLUEZ,
      path: HCI0,
      interface: MOCK,
      member: 'AddProperty',
      signature: 'ssv',
      body: [ADAPTER, 'PowerState', new Variant('s', 'on')],
    });
    // bluetoothd keeps PowerState in step with Powered; the template's Set changes only the property set.
    followPowered = await new SignalRouter(systemClient).subscribe(
      { sender: BLUEZ, path: HCI0, interface: PROPERTIES, member: 'PropertiesChanged' },
      ([iface, changed]) => {
        const { Powered: powered, PowerState: powerState } = changed as Record<string, Variant>;
        if (iface !== ADAPTER || !powered || powerState) return;
        follow(() =>
          updateAdapter(systemClient, { PowerState: new Variant('s', powered.value === true ? 'on' : 'off') }),
        );
      },
    );
    return {};
  },
  async stop() {
    await followPowered?.();
    await changes;
    if (bluez) await stopMock(bluez);
    bluez = undefined;
  },
};

/**
 * bluetoothd's answer to an rfkill event: blocked, it says PowerState "off-blocked" and the kernel's powering the
 * controller down makes Powered false; unblocked, it powers the adapter again (btd_adapter_restore_powered),
 * through "off-enabling" to "on".
 */
async function followBlock(systemBus: MessageBus, blocked: boolean): Promise<void> {
  if (blocked) {
    await updateAdapter(systemBus, { PowerState: new Variant('s', 'off-blocked') });
    await updateAdapter(systemBus, { Powered: new Variant('b', false), PowerState: new Variant('s', 'off-blocked') });
  } else {
    await updateAdapter(systemBus, { PowerState: new Variant('s', 'off-enabling') });
    await updateAdapter(systemBus, { Powered: new Variant('b', true), PowerState: new Variant('s', 'on') });
  }
}

const rfkillStandIn: GymPart = {
  name: 'gnome-settings-daemon’s rfkill, the kernel’s rfkill and bluetoothd’s answer to it (stand-ins)',
  async start({ session, systemClient }) {
    gsd = await startDbusmock({ address: session.busAddress }, session.bus, GSD_RFKILL, [
      ...[GSD_RFKILL, GSD_RFKILL_PATH, GSD_RFKILL],
    ]);
    // A laptop's: an rfkill switch for Bluetooth, soft and hardware both off.
    await callMethod(session.bus, {
      destination: GSD_RFKILL,
      path: GSD_RFKILL_PATH,
      interface: MOCK,
      member: 'AddProperties',
      signature: 'sa{sv}',
      body: [
        GSD_RFKILL,
        {
          AirplaneMode: new Variant('b', false),
          HasAirplaneMode: new Variant('b', true),
          HardwareAirplaneMode: new Variant('b', false),
          BluetoothAirplaneMode: new Variant('b', false),
          BluetoothHasAirplaneMode: new Variant('b', true),
          BluetoothHardwareAirplaneMode: new Variant('b', false),
          ShouldShowAirplaneMode: new Variant('b', true),
        },
      ],
    });
    // The kernel's rfkill blocks the radio while either switch does: GNOME's (soft) or a hardware one.
    const blocks = { soft: false, hardware: false };
    followRfkill = await new SignalRouter(session.bus).subscribe(
      { sender: GSD_RFKILL, path: GSD_RFKILL_PATH, interface: PROPERTIES, member: 'PropertiesChanged' },
      ([iface, changed]) => {
        const { BluetoothAirplaneMode: soft, BluetoothHardwareAirplaneMode: hardware } = changed as Record<
          string,
          Variant | undefined
        >;
        if (iface !== GSD_RFKILL || (!soft && !hardware)) return;
        const before = blocks.soft || blocks.hardware;
        if (soft) blocks.soft = soft.value === true;
        if (hardware) blocks.hardware = hardware.value === true;
        const blocked = blocks.soft || blocks.hardware;
        if (blocked !== before) follow(() => followBlock(systemClient, blocked));
      },
    );
    return {};
  },
  async stop() {
    await followRfkill?.();
    await changes;
    if (gsd) await stopMock(gsd);
    gsd = undefined;
  },
};

async function get<T>(bus: MessageBus, destination: string, path: string, iface: string, name: string): Promise<T> {
  const [value] = (await callMethod(bus, {
    destination,
    path,
    interface: PROPERTIES,
    member: 'Get',
    signature: 'ss',
    body: [iface, name],
  })) as [Variant<T>];
  return value.value;
}

/** hci0's Powered and PowerState, as BlueZ (the stand-in) has them. */
async function adapter({ systemBus }: ShellContext): Promise<{ powered: boolean; powerState: string }> {
  return {
    powered: await get<boolean>(systemBus, BLUEZ, HCI0, ADAPTER, 'Powered'),
    powerState: await get<string>(systemBus, BLUEZ, HCI0, ADAPTER, 'PowerState'),
  };
}

/** BlueZ's Powered, set as GNOME Settings' switch and `bluetoothctl power` set it. */
async function setPowered({ systemBus }: ShellContext, on: boolean): Promise<void> {
  await callMethod(systemBus, {
    destination: BLUEZ,
    path: HCI0,
    interface: PROPERTIES,
    member: 'Set',
    signature: 'ssv',
    body: [ADAPTER, 'Powered', new Variant('b', on)],
  });
}

/**
 * A hardware switch or key, as the kernel's rfkill reports it and gsd says it (BluetoothHardwareAirplaneMode,
 * HardwareAirplaneMode): the stand-in's own UpdateProperties, which signals the change as gsd does.
 */
async function setHardwareBlocked({ bus }: ShellContext, blocked: boolean): Promise<void> {
  await callMethod(bus, {
    destination: GSD_RFKILL,
    path: GSD_RFKILL_PATH,
    interface: MOCK,
    member: 'UpdateProperties',
    signature: 'sa{sv}',
    body: [
      GSD_RFKILL,
      { BluetoothHardwareAirplaneMode: new Variant('b', blocked), HardwareAirplaneMode: new Variant('b', blocked) },
    ],
  });
}

/** gsd's BluetoothAirplaneMode, as the stand-in has it. */
const softBlocked = ({ bus }: ShellContext) =>
  get<boolean>(bus, GSD_RFKILL, GSD_RFKILL_PATH, GSD_RFKILL, 'BluetoothAirplaneMode');

/** gsd's BluetoothAirplaneMode set as GNOME Shell's Bluetooth quick toggle sets it (status/bluetooth.js). */
async function setSoftBlocked({ bus }: ShellContext, blocked: boolean): Promise<void> {
  await callMethod(bus, {
    destination: GSD_RFKILL,
    path: GSD_RFKILL_PATH,
    interface: PROPERTIES,
    member: 'Set',
    signature: 'ssv',
    body: [GSD_RFKILL, 'BluetoothAirplaneMode', new Variant('b', blocked)],
  });
}

/** Once BlueZ has settled hci0 in `powerState`: the stand-ins answer a change a moment after it. */
const settled = (context: ShellContext, powerState: string) =>
  waitFor(async () => (await adapter(context)).powerState === powerState, `BlueZ to settle hci0 ${powerState}`);

// The block first: the adapter switched off after it is the same finding (bluetooth-off about hci0) come back, and
// must be offered the power-on, not the unblock of a block lifted since.
export const BLUETOOTH_SCENARIOS: DesktopScenario[] = [
  {
    name: 'bluetooth-soft-blocked',
    title:
      'Bluetooth blocked through GNOME’s rfkill (gnome-settings-daemon’s rfkill, the kernel’s rfkill and BlueZ: stand-ins)',
    core: true,
    needs: [bluezStandIn, rfkillStandIn],
    fault: (context) => setSoftBlocked(context, true),
    expect: {
      finding: { kind: BLUETOOTH_OFF, subject: 'hci0' },
      firstStep: 'bluetooth.unblock',
      apply: 'bluetooth.unblock',
      applyState: 'fixed',
      healthy: async (context) => {
        const now = await adapter(context);
        return !(await softBlocked(context)) && now.powered && now.powerState === 'on';
      },
      afterUndo: async (context) => {
        const now = await adapter(context);
        return (await softBlocked(context)) && !now.powered && now.powerState === 'off-blocked';
      },
    },
    cleanup: async (context) => {
      await setSoftBlocked(context, false);
      await settled(context, 'on');
    },
  },
  {
    name: 'bluetooth-hardware-blocked',
    title:
      'Bluetooth blocked by a hardware switch (gnome-settings-daemon’s rfkill, the kernel’s rfkill and BlueZ: stand-ins)',
    core: true,
    needs: [bluezStandIn, rfkillStandIn],
    fault: async (context) => {
      await setHardwareBlocked(context, true);
      await settled(context, 'off-blocked');
    },
    // Explained with the adapter's own name (BlueZ's Alias, "gym") and where the switch is; nothing can lift it.
    expect: {
      finding: { kind: BLUETOOTH_OFF, subject: 'hci0' },
      firstStep: 'info.bluetooth',
      noChange: true,
      says: ['gym (hci0)', 'a switch or key on the computer', 'A switch or key on the computer: blocks Bluetooth'],
    },
    cleanup: async (context) => {
      await setHardwareBlocked(context, false);
      await settled(context, 'on');
    },
  },
  {
    name: 'bluetooth-powered-off',
    title: 'Bluetooth adapter switched off (BlueZ: python3-dbusmock’s bluez5 template, a stand-in)',
    core: true,
    needs: [bluezStandIn],
    fault: (context) => setPowered(context, false),
    expect: {
      finding: { kind: BLUETOOTH_OFF, subject: 'hci0' },
      firstStep: 'bluetooth.power_on',
      apply: 'bluetooth.power_on',
      applyState: 'fixed',
      healthy: async (context) => {
        const now = await adapter(context);
        return now.powered && now.powerState === 'on';
      },
      afterUndo: async (context) => {
        const now = await adapter(context);
        return !now.powered && now.powerState === 'off';
      },
    },
    cleanup: async (context) => {
      await setPowered(context, true);
      await settled(context, 'on');
    },
  },
];
