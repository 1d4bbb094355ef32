// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock.ntp_on and clock.ntp_off: timedated's SetNTP, the call behind GNOME Settings' "Automatic Date & Time"
// switch, with polkit's own prompt (org.freedesktop.timedate1.set-ntp); each undoes the other. timedated enables
// and starts (or stops and disables) the installed time-sync service itself.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { voidCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import type { ActionContext, ActionDefinition, Preview, Verification } from '../../fixes/action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
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

function ntpAction(on: boolean): ActionDefinition<NtpParams> {
  return {
    name: on ? 'clock.ntp_on' : 'clock.ntp_off',
    title: on ? N_('Turn Automatic Time On') : N_('Turn Automatic Time Off'),
    params: ntpParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview(_params, context): Promise<Preview> {
      const now = await clock(context);
      if (!now.canNtp) return { summary: noService(), details: [], changesNothing: true };
      return {
        summary: on ? _('Turn Automatic Time On') : _('Turn Automatic Time Off'),
        details: [
          stateWords(now),
          on
            ? _('systemd-timedated enables and starts the time-sync service (SetNTP true).')
            : _('systemd-timedated stops and disables the time-sync service (SetNTP false).'),
        ],
        changesNothing: now.ntp === on,
      };
    },
    async run(_params, context, { progress }) {
      const bus = systemBusOf(context);
      if (!(await clock(context)).canNtp) throw new StewardError('Unavailable', noService());
      // timedated answers once polkit's dialog is answered and the time-sync service is switched: minutes at most
      // (AUTHORIZED_CALL), and timedated leaving the bus meanwhile ends the wait (PeerLeft).
      await reportingUnexpected(
        context.log,
        systemCall(
          voidCall(
            bus,
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
      const done = on ? _('Automatic time is on') : _('Automatic time is off');
      progress(1, done);
      return {
        summary: done,
        undo: {
          action: on ? 'clock.ntp_off' : 'clock.ntp_on',
          params: {},
          summary: on ? _('Turn automatic time off again') : _('Turn automatic time on again'),
        },
      };
    },
    async verify(_params, context): Promise<Verification> {
      const now = await clock(context);
      return { ok: now.ntp === on, observed: stateWords(now) };
    },
  };
}

export const ntpOn = ntpAction(true);
export const ntpOff = ntpAction(false);
