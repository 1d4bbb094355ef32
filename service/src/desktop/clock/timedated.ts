// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// systemd-timedated's D-Bus interface, as the clock's source and actions read it. timedated is started by D-Bus
// activation when asked and exits when idle, as for GNOME Settings; asking starts it.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod } from '../../dbus/client.js';
import { checkedAnswer } from '../../dbus/unexpected.js';
import { variantOf } from '../../dbus/variants.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import type { ClockState } from './state.js';

export const TIMEDATED = 'org.freedesktop.timedate1';
export const TIMEDATED_PATH = '/org/freedesktop/timedate1';
export const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** The properties Steward reads, as org.freedesktop.timedate1 types them: booleans, each, where sent. */
const clockProperties = z.object({
  NTP: variantOf('b', z.boolean()).optional(),
  CanNTP: variantOf('b', z.boolean()).optional(),
  NTPSynchronized: variantOf('b', z.boolean()).optional(),
});

/**
 * timedated's properties, read in one call; a timedated that is not installed answers Unavailable, and one that
 * answers other types than its interface's an UnexpectedAnswer.
 */
export async function readClock(bus: MessageBus): Promise<ClockState> {
  const [all] = await systemCall(
    callMethod(bus, {
      destination: TIMEDATED,
      path: TIMEDATED_PATH,
      interface: PROPERTIES,
      member: 'GetAll',
      signature: 's',
      body: [TIMEDATED],
      reply: 'a{sv}',
    }),
    'systemd-timedated',
  );
  return clockFrom(all, 'GetAll');
}

/**
 * The state from timedated's properties (GetAll's, or a PropertiesChanged signal's); a property it did not send
 * keeps its `previous` value, or is taken as false. A property of another type is an UnexpectedAnswer.
 */
export function clockFrom(values: unknown, member: string, previous?: ClockState): ClockState {
  const { NTP, CanNTP, NTPSynchronized } = checkedAnswer(clockProperties, values, TIMEDATED, member);
  return {
    ntp: NTP ?? previous?.ntp ?? false,
    canNtp: CanNTP ?? previous?.canNtp ?? false,
    synchronized: NTPSynchronized ?? previous?.synchronized ?? false,
  };
}
