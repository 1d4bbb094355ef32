// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.clock: the clock as timedated has it (automatic time, whether the kernel's clock is synchronised) and as
// systemd-timesyncd last measured it against its server (how far off, which server), and how long the computer has
// run. The first step where the clock is not synchronised or is off: it shows which on this machine. It only reads.
import { z } from 'zod';

import { describingAction } from '../../desktop/describingAction.js';
import type { ActionContext } from '../../fixes/action.js';
import { systemBusOf } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { readClock, readTimesync } from './timedated.js';
import { machineUptime } from './uptime.js';

const params = z.object({}).strict();
type ClockInfoParams = z.infer<typeof params>;

async function describe(context: ActionContext): Promise<string[]> {
  const bus = systemBusOf(context);
  const clock = await readClock(bus);
  const sync = await readTimesync(bus);
  return [
    clock.ntp
      ? _('Automatic time: on')
      : clock.canNtp
        ? _('Automatic time: off')
        : _('Automatic time: no time-sync service installed'),
    clock.synchronized ? _('The clock is synchronised') : _('The clock is not synchronised'),
    sync.offsetSeconds === undefined
      ? _('systemd-timesyncd has no answer from a time server to show')
      : format(_('At its last answer from {server} the clock was off by {seconds} s'), {
          server: sync.server ?? _('its time server'),
          seconds: sync.offsetSeconds.toFixed(1),
        }),
    format(_('The computer has run for {minutes} min'), { minutes: String(Math.floor(machineUptime() / 60)) }),
  ];
}

export const clockInfo = describingAction<ClockInfoParams>({
  name: 'info.clock',
  title: N_('Show the clock, automatic time and the time server’s last answer'),
  params: params,
  shows: () => _('Show the clock: automatic time, whether it is synchronised, and how far off it was'),
  describe: (_params, context) => describe(context),
  changesNothing: () => _('showing the clock changes nothing'),
  observed: () => _('read the clock from timedated'),
});
