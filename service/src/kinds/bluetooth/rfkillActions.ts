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
import type { ActionDefinition } from '../../fixes/action.js';
import { systemCall } from '../../fixes/actions/polkit.js';
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

function rfkillAction(unblock: boolean): ActionDefinition<RfkillParams> {
  const done = unblock ? _('Bluetooth is no longer blocked') : _('Bluetooth is blocked');
  return {
    name: unblock ? 'bluetooth.unblock' : 'bluetooth.block',
    title: unblock ? N_('Turn Bluetooth Airplane Mode Off') : N_('Turn Bluetooth Airplane Mode On'),
    params: rfkillParams,
    risk: 'low',
    // gnome-settings-daemon acts for the session it runs in; no polkit prompt.
    needsAuthorization: false,
    readOnly: false,
    changes: 'desktop',
    async preview(_params, context) {
      const now = await readAirplane(context.sessionBus, context.log);
      if (unblock && now.hardware)
        return {
          summary: _('A hardware switch blocks Bluetooth: only that switch or key can turn it back on'),
          details: [],
          changesNothing: true,
        };
      return {
        summary: unblock ? _('Turn Bluetooth Airplane Mode Off') : _('Turn Bluetooth Airplane Mode On'),
        details: [
          unblock
            ? _('Set BluetoothAirplaneMode of gnome-settings-daemon to false, as GNOME’s Bluetooth switch does')
            : _('Set BluetoothAirplaneMode of gnome-settings-daemon to true, as GNOME’s Bluetooth switch does'),
        ],
        changesNothing: now.soft === !unblock,
      };
    },
    async run(_params, context, { progress }) {
      const bus = context.sessionBus;
      if (unblock && (await readAirplane(bus, context.log)).hardware)
        throw new StewardError(
          'Unavailable',
          _('A hardware switch blocks Bluetooth: only that switch or key can turn it back on'),
        );
      await systemCall(
        voidCall(bus, {
          destination: GSD_RFKILL,
          path: GSD_RFKILL_PATH,
          interface: PROPERTIES,
          member: 'Set',
          signature: 'ssv',
          body: [GSD_RFKILL, 'BluetoothAirplaneMode', new Variant('b', !unblock)],
        }),
        'gnome-settings-daemon',
      );
      progress(1, done);
      return {
        summary: done,
        undo: unblock
          ? { action: 'bluetooth.block', params: {}, summary: _('Turn Bluetooth airplane mode on again') }
          : { action: 'bluetooth.unblock', params: {}, summary: _('Turn Bluetooth airplane mode off again') },
      };
    },
    async verify(_params, context) {
      const now = await readAirplane(context.sessionBus, context.log);
      return {
        ok: now.soft === !unblock,
        observed: now.soft ? _('Bluetooth is blocked') : _('Bluetooth is no longer blocked'),
      };
    },
  };
}

export const unblockBluetooth = rfkillAction(true);
export const blockBluetooth = rfkillAction(false);
