// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clock: timedated on the system bus, a stand-in (python3-dbusmock's template; the real systemd-timedated needs
// systemd as PID 1 and a time-sync unit to switch), with automatic time switched as GNOME Settings' switch does.
import type { ChildProcess } from 'node:child_process';

import type { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../../../service/src/dbus/client.js';
import { CLOCK_NTP_OFF, NTP_SUBJECT } from '../../../../service/src/desktop/clock/ntpOffDetector.js';
import { TIMEDATED } from '../../../../service/src/desktop/clock/timedated.js';
import { startDbusmock, stopMock } from '../../../support/networkMocks.js';
import type { DesktopScenario, GymPart, ShellContext } from '../scenario.js';

let timedated: ChildProcess | undefined;

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
];
