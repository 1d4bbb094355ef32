// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// bluetooth.unblock and bluetooth.block: GNOME's Bluetooth airplane mode, the rfkill soft block that GNOME's own
// Bluetooth switch sets, through gnome-settings-daemon's rfkill interface (session bus, BluetoothAirplaneMode).
// A hardware switch (BluetoothHardwareAirplaneMode) no program can lift: the preview says so and offers nothing.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { getAllProperties, voidCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { variantOf } from '../../dbus/variants.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import { switchActions } from '../../fixes/switchAction.js';
import { _, N_ } from '../../i18n.js';
import type { Logger } from '../../logging.js';

export const GSD_RFKILL = 'org.gnome.SettingsDaemon.Rfkill';
const GSD_RFKILL_PATH = '/org/gnome/SettingsDaemon/Rfkill';
const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** No parameters: gnome-settings-daemon blocks and unblocks every Bluetooth radio of the machine together. */
const rfkillParams = z.object({}).strict();
type RfkillParams = z.infer<typeof rfkillParams>;

export interface Airplane {
  /** The soft block GNOME's switch sets. */
  soft: boolean;
  /** A hardware switch or key holds the radio off. */
  hardware: boolean;
}

/** gnome-settings-daemon's rfkill properties Steward reads (org.gnome.SettingsDaemon.Rfkill.xml): booleans. */
const rfkillProperties = z.object({
  BluetoothAirplaneMode: variantOf('b', z.boolean()).optional(),
  BluetoothHardwareAirplaneMode: variantOf('b', z.boolean()).optional(),
});

/** GNOME's Bluetooth airplane mode and the hardware switch's block, as gnome-settings-daemon's rfkill has them. */
export async function readAirplane(bus: MessageBus, log: Logger): Promise<Airplane> {
  const all = await reportingUnexpected(
    log,
    systemCall(
      getAllProperties(
        bus,
        { destination: GSD_RFKILL, path: GSD_RFKILL_PATH, interface: GSD_RFKILL },
        rfkillProperties,
        { autoStart: false },
      ),
      'gnome-settings-daemon',
    ),
  );
  return { soft: all.BluetoothAirplaneMode === true, hardware: all.BluetoothHardwareAirplaneMode === true };
}

const hardwareBlock = () => _('A hardware switch blocks Bluetooth: only that switch or key can turn it back on');

/** The switch is airplane mode: on blocks Bluetooth, off unblocks it. */
export const [blockBluetooth, unblockBluetooth] = switchActions<RfkillParams, Airplane>({
  on: { name: 'bluetooth.block', title: N_('Turn Bluetooth Airplane Mode On'), risk: 'low', params: rfkillParams },
  off: { name: 'bluetooth.unblock', title: N_('Turn Bluetooth Airplane Mode Off'), risk: 'low', params: rfkillParams },
  // gnome-settings-daemon acts for the session it runs in; no polkit prompt.
  needsAuthorization: false,
  changes: 'desktop',
  read: (_params, context) => readAirplane(context.sessionBus, context.log),
  isAt: (now, block) => now.soft === block,
  cannot: (now, block) => (!block && now.hardware ? new StewardError('Unavailable', hardwareBlock()) : null),
  preview: (_now, block) => ({
    summary: block ? _('Turn Bluetooth Airplane Mode On') : _('Turn Bluetooth Airplane Mode Off'),
    details: [
      block
        ? _('Set BluetoothAirplaneMode of gnome-settings-daemon to true, as GNOME’s Bluetooth switch does')
        : _('Set BluetoothAirplaneMode of gnome-settings-daemon to false, as GNOME’s Bluetooth switch does'),
    ],
  }),
  async turn(_params, context, block) {
    await systemCall(
      voidCall(context.sessionBus, {
        destination: GSD_RFKILL,
        path: GSD_RFKILL_PATH,
        interface: PROPERTIES,
        member: 'Set',
        signature: 'ssv',
        body: [GSD_RFKILL, 'BluetoothAirplaneMode', new Variant('b', block)],
      }),
      'gnome-settings-daemon',
    );
  },
  done: (_before, block) => (block ? _('Bluetooth is blocked') : _('Bluetooth is no longer blocked')),
  undoSummary: (_before, block) =>
    block ? _('Turn Bluetooth airplane mode off again') : _('Turn Bluetooth airplane mode on again'),
  observed: (now) => (now.soft ? _('Bluetooth is blocked') : _('Bluetooth is no longer blocked')),
});
