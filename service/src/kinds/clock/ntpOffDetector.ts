// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock-ntp-off: timedated says no time-sync service is enabled although one is installed (NTP false, CanNTP
// true): the clock drifts and nothing sets it again. The person may have switched it off on purpose, so it is
// only information; it resolves as soon as timedated says NTP is on.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _ } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const CLOCK_NTP_OFF = 'clock-ntp-off';
/** One subject: timedated has one switch for the whole machine. */
export const NTP_SUBJECT = 'ntp';
/** What timedated said, in its own property names (not translated: they are the API's). */
const EVIDENCE = 'org.freedesktop.timedate1: NTP is false, CanNTP is true';

export class ClockNtpOffDetector implements Detector {
  readonly kinds = [CLOCK_NTP_OFF];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'clock') return [];
    const { ntp, canNtp } = event.desktop.clock;
    if (ntp || !canNtp) return [{ resolve: { kind: CLOCK_NTP_OFF, subject: NTP_SUBJECT, at: event.at } }];
    return [
      {
        report: {
          kind: CLOCK_NTP_OFF,
          severity: 'info',
          subject: NTP_SUBJECT,
          title: _('Automatic time is switched off: nothing keeps the clock right'),
          evidence: [{ kind: 'text', text: EVIDENCE, at: event.at }],
          at: event.at,
        },
      },
    ];
  }
}
