// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clock: timedated on the system bus, a stand-in (python3-dbusmock's template; the real systemd-timedated needs
// systemd as PID 1 and a time-sync unit to switch), with automatic time switched as GNOME Settings' switch does.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../../../service/src/dbus/client.js';
import { CLOCK_UNSYNCHRONISED } from '../../../../service/src/kinds/clock/detector.js';
import { CLOCK_NTP_OFF, NTP_SUBJECT } from '../../../../service/src/kinds/clock/ntpOffDetector.js';
import { OFFSET, UNSYNCHRONISED } from '../../../../service/src/kinds/clock/stateDetector.js';
import {
  TIMEDATED,
  TIMESYNCD,
  TIMESYNCD_MANAGER,
  TIMESYNCD_PATH,
} from '../../../../service/src/kinds/clock/timedated.js';
import { startDbusmock, stopMock } from '../../../support/networkMocks.js';
import type { DesktopScenario, GymPart, ShellContext } from '../scenario.js';

let timedated: ChildProcess | undefined;
let timesyncd: ChildProcess | undefined;
const MOCK = 'org.freedesktop.DBus.Mock';
/** The server the stand-in's timesyncd asks, as a pool's name (timesyncd's ServerName). */
const SERVER = 'time.gym.example.org';

const timedatedStandIn: GymPart = {
  name: 'timedated (stand-in)',
  async start({ systemBus, systemClient }) {
    timedated = await startDbusmock(systemBus, systemClient, TIMEDATED, [
      ...['--template', 'timedated', '--parameters', JSON.stringify({ NTP: true, CanNTP: true })],
    ]);
    return {};
  },
  async stop() {
    if (timedated) await stopMock(timedated);
    timedated = undefined;
  },
};

/**
 * systemd-timesyncd's exchange with its server, as its NTPMessage gives it: the four timestamps in µs, here a server
 * `offsetSeconds` ahead of this clock (and answering at once), so that the offset timesyncd measured is that.
 */
function ntpMessage(offsetSeconds: number): Variant {
  const originate = BigInt(Date.now()) * 1000n;
  const server = originate + BigInt(Math.round(offsetSeconds * 1e6));
  return new Variant('(uuuuittayttttbtt)', [
    ...[0, 4, 4, 2, -23, 0n, 0n, Buffer.from('GPS\0')],
    ...[originate, server, server, originate, false, 1n, 0n],
  ]);
}

// Properties.Set, which the stand-in announces as timesyncd does: its UpdateProperties cannot wrap a struct
// ("'dbus.Struct' object has no attribute 'conjugate'").
const updateTimesync = async (systemBus: MessageBus, offsetSeconds: number) =>
  void (await callMethod(systemBus, {
    destination: TIMESYNCD,
    path: TIMESYNCD_PATH,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Set',
    signature: 'ssv',
    body: [TIMESYNCD_MANAGER, 'NTPMessage', ntpMessage(offsetSeconds)],
  }));

/** systemd-timesyncd (a stand-in: python3-dbusmock with timesync1's properties), whose last answer set the clock. */
const timesyncdStandIn: GymPart = {
  name: 'systemd-timesyncd (stand-in)',
  async start({ systemBus, systemClient }) {
    timesyncd = await startDbusmock(systemBus, systemClient, TIMESYNCD, [
      ...[TIMESYNCD, TIMESYNCD_PATH, TIMESYNCD_MANAGER],
    ]);
    await callMethod(systemClient, {
      destination: TIMESYNCD,
      path: TIMESYNCD_PATH,
      interface: MOCK,
      member: 'AddProperties',
      signature: 'sa{sv}',
      body: [TIMESYNCD_MANAGER, { ServerName: new Variant('s', SERVER), NTPMessage: ntpMessage(0.002) }],
    });
    return {};
  },
  async stop() {
    if (timesyncd) await stopMock(timesyncd);
    timesyncd = undefined;
  },
};

/** timedated's NTPSynchronized, as the kernel's clock state gives it (the stand-in's own UpdateProperties). */
const setSynchronized = async ({ systemBus }: ShellContext, synchronized: boolean) =>
  void (await callMethod(systemBus, {
    destination: TIMEDATED,
    path: '/org/freedesktop/timedate1',
    interface: MOCK,
    member: 'UpdateProperties',
    signature: 'sa{sv}',
    body: [TIMEDATED, { NTPSynchronized: new Variant('b', synchronized) }],
  }));

/** timedated's NTP (automatic time), as the stand-in has it. */
async function automaticTime({ systemBus }: ShellContext): Promise<boolean> {
  const [value] = (await callMethod(systemBus, {
    destination: TIMEDATED,
    path: '/org/freedesktop/timedate1',
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: [TIMEDATED, 'NTP'],
  })) as [Variant<boolean>];
  return value.value;
}

/** timedated's SetNTP, as GNOME Settings' switch and `timedatectl set-ntp` call it. */
async function setAutomaticTime({ systemBus }: ShellContext, on: boolean): Promise<void> {
  await callMethod(systemBus, {
    destination: TIMEDATED,
    path: '/org/freedesktop/timedate1',
    interface: TIMEDATED,
    member: 'SetNTP',
    signature: 'bb',
    body: [on, false],
  });
}

export const CLOCK_SCENARIOS: DesktopScenario[] = [
  {
    name: 'clock-unsynchronised',
    title: 'Automatic time on but the clock never synchronised on a machine up for an hour (timedated: a stand-in)',
    core: true,
    needs: [timedatedStandIn],
    fault: (context) => setSynchronized(context, false),
    // Explained, with the clock's state first: what keeps the server from answering is the network's. Before
    // clock-ntp-off: once Steward has seen automatic time switched on, the time daemon has a quarter of an hour.
    expect: {
      finding: { kind: CLOCK_UNSYNCHRONISED, subject: UNSYNCHRONISED },
      firstStep: 'info.clock',
      noChange: true,
      says: ['though automatic time is on', 'The clock is not synchronised'],
    },
    cleanup: (context) => setSynchronized(context, true),
  },
  {
    name: 'clock-ntp-off',
    title: 'Automatic time turned off (timedated: python3-dbusmock’s template, a stand-in)',
    core: true,
    needs: [timedatedStandIn],
    fault: (context) => setAutomaticTime(context, false),
    expect: {
      finding: { kind: CLOCK_NTP_OFF, subject: NTP_SUBJECT },
      firstStep: 'clock.ntp_on',
      apply: 'clock.ntp_on',
      applyState: 'fixed',
      healthy: (context) => automaticTime(context),
      afterUndo: async (context) => !(await automaticTime(context)),
    },
    cleanup: (context) => setAutomaticTime(context, true),
  },
  {
    name: 'clock-minutes-off',
    title: 'The time server’s answer finds the clock five minutes behind (systemd-timesyncd: a stand-in)',
    core: true,
    needs: [timedatedStandIn, timesyncdStandIn],
    fault: ({ systemBus }) => updateTimesync(systemBus, 300),
    expect: {
      finding: { kind: CLOCK_UNSYNCHRONISED, subject: OFFSET },
      firstStep: 'info.clock',
      noChange: true,
      says: [`The clock is 5 minutes behind (${SERVER})`],
    },
    cleanup: ({ systemBus }) => updateTimesync(systemBus, 0.002),
  },
];
