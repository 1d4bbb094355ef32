// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock-unsynchronised from the clock's own state, beside the time daemons' lines (detector.ts):
// - subject "unsynchronised": automatic time is on (timedated's NTP) but the kernel's clock has not been
//   synchronised (NTPSynchronized false) although it has been on for a quarter of an hour, since boot or since it
//   was switched on: the time daemon reaches no server, or cannot set the clock. Before that the clock is still
//   being set (timedated tells NTP on at once, NTPSynchronized only once the daemon has set the clock);
// - subject "offset": the time daemon's last exchange with its server found the clock a minute or more off
//   (systemd-timesyncd's NTPMessage, timesync1 as TimesyncSource reads it). A daemon that sets the clock answers the next time with a small offset, and the
//   finding resolves; one that cannot set it keeps finding it off.
// Both resolve when the state says otherwise.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format, ngettext } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { CLOCK_UNSYNCHRONISED } from './detector.js';
import { type ClockState, ntpOnForSeconds, type TimesyncState } from './state.js';

/** How long a machine may run with automatic time on before a clock never synchronised matters: NTP takes seconds. */
export const UNSYNCHRONISED_LONG_SECONDS = 15 * 60;
/** A clock this far off is a minute wrong on the top bar; timesyncd steps one off by more than 0.4 s at once. */
const OFF_SECONDS = 60;
export const UNSYNCHRONISED = 'unsynchronised';
export const OFFSET = 'offset';

export class ClockStateDetector implements Detector {
  readonly kinds = [CLOCK_UNSYNCHRONISED];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop') return [];
    if (event.desktop.kind === 'clock') return [this.#unsynchronised(event.desktop.clock, event.at)];
    if (event.desktop.kind === 'timesync') return [this.#offset(event.desktop.timesync, event.at)];
    return [];
  }

  #unsynchronised(clock: ClockState, at: Date): DetectorOutput {
    const onFor = ntpOnForSeconds(clock);
    if (!clock.ntp || clock.synchronized || onFor < UNSYNCHRONISED_LONG_SECONDS)
      return { resolve: { kind: CLOCK_UNSYNCHRONISED, subject: UNSYNCHRONISED, at } };
    const minutes = Math.floor(onFor / 60);
    const words = { minutes: String(minutes) };
    return {
      report: {
        kind: CLOCK_UNSYNCHRONISED,
        severity: 'warning',
        subject: UNSYNCHRONISED,
        title:
          clock.ntpOnSinceSeconds === undefined
            ? format(
                ngettext(
                  'The clock has not been synchronised since the computer started {minutes} minute ago, though automatic time is on',
                  'The clock has not been synchronised since the computer started {minutes} minutes ago, though automatic time is on',
                  minutes,
                ),
                words,
              )
            : format(
                ngettext(
                  'The clock has not been synchronised in the {minutes} minute since automatic time was turned on',
                  'The clock has not been synchronised in the {minutes} minutes since automatic time was turned on',
                  minutes,
                ),
                words,
              ),
        // timedated's own property names, not translated: they are its API's.
        evidence: [{ kind: 'text', text: 'org.freedesktop.timedate1: NTP is true, NTPSynchronized is false', at }],
        at,
      },
    };
  }

  #offset(clock: TimesyncState, at: Date): DetectorOutput {
    const offset = clock.offsetSeconds;
    if (offset === undefined || Math.abs(offset) < OFF_SECONDS)
      return { resolve: { kind: CLOCK_UNSYNCHRONISED, subject: OFFSET, at } };
    const minutes = Math.round(Math.abs(offset) / 60);
    const words = { minutes: String(minutes), server: clock.server ?? _('its time server') };
    return {
      report: {
        kind: CLOCK_UNSYNCHRONISED,
        severity: 'warning',
        subject: OFFSET,
        title:
          offset > 0
            ? format(
                ngettext(
                  'The clock is {minutes} minute behind ({server})',
                  'The clock is {minutes} minutes behind ({server})',
                  minutes,
                ),
                words,
              )
            : format(
                ngettext(
                  'The clock is {minutes} minute ahead ({server})',
                  'The clock is {minutes} minutes ahead ({server})',
                  minutes,
                ),
                words,
              ),
        evidence: [
          {
            kind: 'text',
            text: `org.freedesktop.timesync1: NTPMessage from ${clock.server ?? '?'}, offset ${offset.toFixed(3)} s`,
            at,
          },
        ],
        at,
      },
    };
  }
}
