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
import { cleanLine } from '../../untrustedText.js';
import type { ClockState, TimesyncState } from './state.js';

export const TIMEDATED = 'org.freedesktop.timedate1';
export const TIMESYNCD = 'org.freedesktop.timesync1';
export const TIMESYNCD_PATH = '/org/freedesktop/timesync1';
export const TIMESYNCD_MANAGER = 'org.freedesktop.timesync1.Manager';
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

// timesync1's NTPMessage (systemd's src/timesync/timesyncd-bus.c): leap, version, mode, stratum, precision, root
// delay, root dispersion, reference, then the four timestamps in µs (originate, receive, transmit, destination),
// whether it was ignored, the packet count and the jitter.
const ntpMessage = z.tuple([
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.bigint(),
  z.bigint(),
  z.unknown(),
  z.bigint(),
  z.bigint(),
  z.bigint(),
  z.bigint(),
  z.boolean(),
  z.bigint(),
  z.bigint(),
]);
const timesyncProperties = z.object({
  ServerName: variantOf('s', z.string().max(255)).optional(),
  NTPMessage: variantOf('(uuuuittayttttbtt)', ntpMessage).optional(),
});

/**
 * What systemd-timesyncd says of its last exchange: the clock's offset then and the server, or nothing where
 * timesyncd is not there (chrony's or ntpd's machines) or has had no answer yet. Never starts it.
 */
export async function readTimesync(bus: MessageBus): Promise<TimesyncState> {
  const [all] = await callMethod(
    bus,
    {
      destination: TIMESYNCD,
      path: TIMESYNCD_PATH,
      interface: PROPERTIES,
      member: 'GetAll',
      signature: 's',
      body: [TIMESYNCD_MANAGER],
      reply: 'a{sv}',
    },
    { autoStart: false },
  ).catch(() => [{}]);
  const { ServerName: server, NTPMessage: message } = checkedAnswer(timesyncProperties, all, TIMESYNCD, 'GetAll');
  const [, , , , , , , , originate, receive, transmit, destination] = message ?? [];
  const answered = message !== undefined && originate !== 0n && destination !== undefined && destination !== 0n;
  const offsetUs =
    answered && receive !== undefined && transmit !== undefined && originate !== undefined
      ? (Number(receive - originate) + Number(transmit - destination)) / 2
      : undefined;
  return {
    ...(offsetUs !== undefined && { offsetSeconds: offsetUs / 1e6 }),
    ...(server && { server: cleanLine(server, 255) }),
  };
}
