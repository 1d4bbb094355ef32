// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock.ntp_on and clock.ntp_off: timedated's SetNTP, the call behind GNOME Settings' "Automatic Date & Time"
// switch, with polkit's own prompt (org.freedesktop.timedate1.set-ntp); each undoes the other. timedated enables
// and starts (or stops and disables) the installed time-sync service itself.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { voidCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import type { ActionContext } from '../../fixes/action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { switchActions } from '../../fixes/switchAction.js';
import { _, N_ } from '../../i18n.js';
import type { ClockState } from './state.js';
import { readClock, TIMEDATED, TIMEDATED_PATH } from './timedated.js';

/** No parameters: timedated has one switch for the whole machine. */
const ntpParams = z.object({}).strict();
type NtpParams = z.infer<typeof ntpParams>;

const stateWords = (clock: ClockState) =>
  clock.ntp
    ? clock.synchronized
      ? _('Automatic time is on, and the clock is synchronised')
      : _('Automatic time is on; the clock is not synchronised yet')
    : _('Automatic time is off');

const noService = () => _('No time-sync service is installed that could keep the clock right.');

async function clock(context: ActionContext): Promise<ClockState> {
  return reportingUnexpected(context.log, readClock(systemBusOf(context)));
}

export const [ntpOn, ntpOff] = switchActions<NtpParams, ClockState>({
  on: { name: 'clock.ntp_on', title: N_('Turn Automatic Time On'), risk: 'low', params: ntpParams },
  off: { name: 'clock.ntp_off', title: N_('Turn Automatic Time Off'), risk: 'low', params: ntpParams },
  needsAuthorization: true,
  changes: 'desktop',
  read: (_params, context) => clock(context),
  isAt: (now, on) => now.ntp === on,
  cannot: (now) => (now.canNtp ? null : new StewardError('Unavailable', noService())),
  preview: (now, on) => ({
    summary: on ? _('Turn Automatic Time On') : _('Turn Automatic Time Off'),
    details: [
      stateWords(now),
      on
        ? _('systemd-timedated enables and starts the time-sync service (SetNTP true).')
        : _('systemd-timedated stops and disables the time-sync service (SetNTP false).'),
    ],
  }),
  async turn(_params, context, on) {
    // timedated answers once polkit's dialog is answered and the time-sync service is switched: minutes at most
    // (AUTHORIZED_CALL), and timedated leaving the bus meanwhile ends the wait (PeerLeft).
    await reportingUnexpected(
      context.log,
      systemCall(
        voidCall(
          systemBusOf(context),
          {
            destination: TIMEDATED,
            path: TIMEDATED_PATH,
            interface: TIMEDATED,
            member: 'SetNTP',
            signature: 'bb',
            body: [on, true],
          },
          // timedated is started by D-Bus activation when asked.
          { ...AUTHORIZED_CALL, autoStart: true },
        ),
        'systemd-timedated',
      ),
    );
  },
  done: (_before, on) => (on ? _('Automatic time is on') : _('Automatic time is off')),
  undoSummary: (_before, on) => (on ? _('Turn automatic time off again') : _('Turn automatic time on again')),
  observed: (now) => stateWords(now),
});
