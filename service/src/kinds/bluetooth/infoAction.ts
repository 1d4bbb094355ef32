// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.bluetooth: a Bluetooth adapter as BlueZ has it (its name, whether it is powered, its PowerState) and the radio's
// blocks as gnome-settings-daemon's rfkill has them (GNOME's own switch, a hardware switch or key). The first step
// where a block holds the adapter off: it shows which block, on this machine. It only reads.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod } from '../../dbus/client.js';
import { describingAction } from '../../desktop/describingAction.js';
import type { ActionContext } from '../../fixes/action.js';
import { systemBusOf } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { powerParams } from './actions.js';
import { readAirplane } from './rfkillActions.js';
import { ADAPTER, BLUEZ } from './source.js';

type InfoParams = z.infer<typeof powerParams>;

export interface AdapterFacts {
  /** BlueZ's Alias, the name GNOME Settings shows: the adapter's own text, cleaned. */
  name?: string;
  powered?: boolean;
  powerState?: string;
}

/** The adapter's name and power as BlueZ has them; empty where BlueZ has no such adapter or does not answer. */
export async function adapterFacts(bus: MessageBus, adapter: string): Promise<AdapterFacts> {
  const answer = await callMethod(
    bus,
    {
      destination: BLUEZ,
      path: `/org/bluez/${adapter}`,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'GetAll',
      signature: 's',
      body: [ADAPTER],
      reply: 'a{sv}',
    },
    { autoStart: false },
  ).catch(() => null);
  const all = (answer?.[0] ?? {}) as Record<string, Variant>;
  const text = (value: unknown) => (typeof value === 'string' ? cleanLine(value, 100) : undefined);
  const name = text(all.Alias?.value) ?? text(all.Name?.value);
  const powered = all.Powered?.value;
  const powerState = text(all.PowerState?.value);
  return {
    ...(name && { name }),
    ...(typeof powered === 'boolean' && { powered }),
    ...(powerState && { powerState }),
  };
}

async function describe({ adapter }: InfoParams, context: ActionContext): Promise<string[]> {
  const facts = await adapterFacts(systemBusOf(context), adapter);
  const airplane = await readAirplane(context.sessionBus, context.log).catch(() => null);
  const lines = [
    facts.name === undefined && facts.powered === undefined
      ? format(_('BlueZ has no Bluetooth adapter {adapter}'), { adapter })
      : format(facts.powered ? _('Adapter {adapter} ({name}): on') : _('Adapter {adapter} ({name}): off'), {
          adapter,
          name: facts.name ?? adapter,
        }),
  ];
  // BlueZ's own word for the power state, not translated: it is its API's.
  if (facts.powerState) lines.push(`BlueZ PowerState: ${facts.powerState}`);
  if (!airplane) lines.push(_('gnome-settings-daemon’s rfkill does not answer: the blocks are not known'));
  else {
    lines.push(
      airplane.soft
        ? _('GNOME’s Bluetooth switch: blocked (airplane mode)')
        : _('GNOME’s Bluetooth switch: not blocked'),
      airplane.hardware
        ? _('A switch or key on the computer: blocks Bluetooth')
        : _('A switch or key on the computer: does not block Bluetooth'),
    );
  }
  return lines;
}

export const bluetoothInfo = describingAction<InfoParams>({
  name: 'info.bluetooth',
  title: N_('Show the Bluetooth adapter and what blocks it'),
  params: powerParams,
  shows: (params) => format(_('Show Bluetooth adapter {adapter} and what blocks it'), params),
  describe: describe,
  changesNothing: () => _('showing the Bluetooth adapter changes nothing'),
  observed: () => _('read the Bluetooth adapter from BlueZ'),
});
