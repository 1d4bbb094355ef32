// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// bluetooth.power_on and bluetooth.power_off: set org.bluez.Adapter1.Powered through BlueZ, as GNOME's Bluetooth
// switch does for a powered-off adapter; each undoes the other. A blocked adapter (rfkill) BlueZ refuses to power
// ("org.bluez.Error.Blocked"): that refusal is shown as it is, never worked around.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { getProperty, voidCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { ADAPTER, BLUEZ } from './source.js';

const PROPERTIES = 'org.freedesktop.DBus.Properties';

export const powerParams = z.object({
  /** The adapter's name, as BlueZ's object path ends: "hci0". */
  adapter: z.string().regex(/^hci\d{1,3}$/, 'an adapter name such as hci0'),
});
export type PowerParams = z.infer<typeof powerParams>;

const pathOf = ({ adapter }: PowerParams) => `/org/bluez/${adapter}`;

/**
 * Whether the adapter is powered, or null when BlueZ has no such adapter; Powered of another type than BlueZ's
 * boolean is an UnexpectedAnswer.
 */
async function powered(bus: MessageBus, params: PowerParams): Promise<boolean | null> {
  try {
    return await systemCall(
      getProperty(bus, { destination: BLUEZ, path: pathOf(params), interface: ADAPTER }, 'Powered', 'b', z.boolean(), {
        autoStart: false,
      }),
      'BlueZ',
    );
  } catch (error) {
    if (error instanceof StewardError) throw error;
    // BlueZ answers UnknownObject (or UnknownMethod on an object without the adapter interface).
    return null;
  }
}

const noAdapter = ({ adapter }: PowerParams) => format(_('BlueZ has no Bluetooth adapter {adapter}'), { adapter });

function powerAction(on: boolean): ActionDefinition<PowerParams> {
  const name = on ? 'bluetooth.power_on' : 'bluetooth.power_off';
  const state = (params: PowerParams) =>
    format(on ? _('Bluetooth adapter {adapter} is on') : _('Bluetooth adapter {adapter} is off'), params);
  return {
    name,
    title: on ? N_('Turn the Bluetooth adapter on') : N_('Turn the Bluetooth adapter off'),
    params: powerParams,
    risk: 'low',
    // BlueZ's D-Bus policy lets the active session set Powered, as GNOME Settings does; no polkit prompt.
    needsAuthorization: false,
    readOnly: false,
    changes: 'desktop',
    async preview(params, context) {
      const now = await reportingUnexpected(context.log, powered(systemBusOf(context), params));
      if (now === null) return { summary: noAdapter(params), details: [], changesNothing: true };
      return {
        summary: format(
          on ? _('Turn Bluetooth Adapter {adapter} On') : _('Turn Bluetooth Adapter {adapter} Off'),
          params,
        ),
        details: [
          format(_('Set Powered of {path} (org.bluez.Adapter1) to {value}'), {
            path: pathOf(params),
            value: String(on),
          }),
        ],
        changesNothing: now === on,
      };
    },
    async run(params, context: ActionContext, { progress }) {
      const bus = systemBusOf(context);
      if ((await reportingUnexpected(context.log, powered(bus, params))) === null)
        throw new StewardError('NotFound', noAdapter(params));
      await systemCall(
        voidCall(bus, {
          destination: BLUEZ,
          path: pathOf(params),
          interface: PROPERTIES,
          member: 'Set',
          signature: 'ssv',
          body: [ADAPTER, 'Powered', new Variant('b', on)],
        }),
        'BlueZ',
      );
      progress(1, state(params));
      return {
        summary: state(params),
        undo: {
          action: on ? 'bluetooth.power_off' : 'bluetooth.power_on',
          params: { adapter: params.adapter },
          summary: format(
            on ? _('Turn Bluetooth adapter {adapter} off again') : _('Turn Bluetooth adapter {adapter} on again'),
            params,
          ),
        },
      };
    },
    async verify(params, context) {
      const now = await reportingUnexpected(context.log, powered(systemBusOf(context), params));
      if (now === null) return { ok: false, observed: noAdapter(params) };
      return {
        ok: now === on,
        observed: format(
          now ? _('Bluetooth adapter {adapter} is on') : _('Bluetooth adapter {adapter} is off'),
          params,
        ),
      };
    },
  };
}

export const powerOn = powerAction(true);
export const powerOff = powerAction(false);
