// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// systemd-timedated's D-Bus interface, as the clock's source and actions read it. timedated is started by D-Bus
// activation when asked and exits when idle, as for GNOME Settings; asking starts it.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../dbus/client.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import type { ClockState } from './state.js';

export const TIMEDATED = 'org.freedesktop.timedate1';
export const TIMEDATED_PATH = '/org/freedesktop/timedate1';
export const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** timedated's properties, read in one call; a timedated that is not installed answers Unavailable. */
export async function readClock(bus: MessageBus): Promise<ClockState> {
  const [all] = (await systemCall(
    callMethod(bus, {
      destination: TIMEDATED,
      path: TIMEDATED_PATH,
      interface: PROPERTIES,
      member: 'GetAll',
      signature: 's',
      body: [TIMEDATED],
    }),
    'systemd-timedated',
  )) as [Record<string, Variant>];
  return clockFrom(all);
}

/** The state from timedated's properties; a property it did not send is taken as false. */
export function clockFrom(values: Record<string, Variant>, previous?: ClockState): ClockState {
  const flag = (name: string, fallback: boolean) => {
    const value = values[name]?.value;
    return typeof value === 'boolean' ? value : fallback;
  };
  return {
    ntp: flag('NTP', previous?.ntp ?? false),
    canNtp: flag('CanNTP', previous?.canNtp ?? false),
    synchronized: flag('NTPSynchronized', previous?.synchronized ?? false),
  };
}
