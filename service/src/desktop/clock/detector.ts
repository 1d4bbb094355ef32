// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock-unsynchronised: the time-sync daemon says the clock is not being synchronised. Three daemons are believed,
// each as findings/writers.ts proves it (its installed program, as root or its system account, in its own system
// unit): systemd-timesyncd, chronyd, ntpd.
//
// What is raised:
// - timesyncd's "Timed out waiting for reply from <server>" three times within 10 minutes: it tries the pool's
//   servers in turn, and one unanswered packet on a busy network is ordinary (it is not raised);
// - chronyd's "Can't synchronise: …" (whatever the reason), "No suitable source for synchronisation", and
//   "System clock wrong by N seconds" with |N| of a minute or more;
// - ntpd's "no servers can be used", "no servers reachable" and "kernel reports TIME_ERROR";
// - chronyd failing to resolve its servers' names without saying why. Where the daemon prints the resolver's own
//   error ("Temporary failure in name resolution", timesyncd's "Failed to resolve <name>: …"), the cause is name
//   resolution, not the clock: dns-failure reads those lines, and one problem makes one finding.
import { isJournal, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const CLOCK_UNSYNCHRONISED = 'clock-unsynchronised';

/** timesyncd waits 10 s per server; three servers unanswered within 10 minutes is the pool, not one packet. */
const TIMEOUT_WINDOW_MS = 10 * 60_000;
const TIMEOUTS_TO_RAISE = 3;
/**
 * chronyd logs every slew it starts. At its default top rate (83,333 ppm) a minute takes 12 minutes to slew away, and
 * a minute is what a person sees on the top bar; a few seconds at boot are corrected before anyone looks.
 */
const WRONG_BY_SECONDS = 60;

/** The time-sync daemons, by findings/writers.ts's names. */
const DAEMONS = new Set(['systemd-timesyncd', 'chronyd', 'ntpd']);

const TIMEOUT = /^Timed out waiting for reply from (\S+)/;
// chronyd run with -d (as some distributions' units do) prefixes its own time: "2021-07-30T05:54:28Z Can't …".
const CHRONY_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;
// Every reason chronyd gives (sources.c): "no selectable sources", "no majority", "no required source in
// selectable sources"…; each means no source is steering the clock.
const NO_SOURCES = /^Can't synchroni[sz]e: |^No suitable source for synchroni[sz]ation/i;
const WRONG_BY = /^System clock wrong by (-?\d+(?:\.\d+)?) seconds/;
const NTPD_NO_SERVERS = /\bno servers (?:can be used|reachable)\b/i;
const TIME_ERROR = /\bkernel reports TIME_ERROR\b/;
// chronyd: "Could not resolve address of initstepslew server <name>".
const RESOLVE = /\bCould not resolve address\b/i;

export class ClockDetector implements Detector {
  readonly kinds = [CLOCK_UNSYNCHRONISED];
  /** When timesyncd's recent timeouts came, per unit. */
  private timeouts = new Map<string, number[]>();

  constructor(private readonly writers: Writers) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const daemon = this.writers.provenWriter(entry)?.name;
    const unit = entry.fields._SYSTEMD_UNIT;
    if (daemon === undefined || !DAEMONS.has(daemon) || !unit) return [];
    const title = this.problem(entry.message.trim().replace(CHRONY_TIME, ''), unit, event.at.getTime());
    if (!title) return [];
    return [
      {
        report: {
          kind: CLOCK_UNSYNCHRONISED,
          severity: 'warning',
          subject: unit,
          title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  private problem(text: string, unit: string, now: number): string | null {
    // Translators: {unit} is the time-sync daemon's unit such as "chrony.service".
    if (TIMEOUT.test(text))
      return this.repeatedTimeout(unit, now)
        ? format(_('The clock is not synchronised: {unit} gets no answer from its time servers'), { unit })
        : null;
    if (NO_SOURCES.test(text) || NTPD_NO_SERVERS.test(text))
      return format(_('The clock is not synchronised: {unit} has no time server it can use'), { unit });
    const wrong = WRONG_BY.exec(text);
    if (wrong) {
      const seconds = Number(wrong[1]);
      return Math.abs(seconds) >= WRONG_BY_SECONDS
        ? // Translators: {seconds} is how far off the clock was, such as "1721.913772".
          format(_('The clock was off by {seconds} seconds ({unit})'), { seconds: wrong[1] ?? '', unit })
        : null;
    }
    if (TIME_ERROR.test(text))
      return format(_('The clock is not synchronised: the kernel reports a time error ({unit})'), { unit });
    if (RESOLVE.test(text))
      return format(_('The clock is not synchronised: {unit} cannot resolve its time servers’ names'), { unit });
    return null;
  }

  /** Records the timeout; true once enough came within the window. */
  private repeatedTimeout(unit: string, now: number): boolean {
    const recent = (this.timeouts.get(unit) ?? []).filter((at) => Math.abs(now - at) < TIMEOUT_WINDOW_MS);
    recent.push(now);
    this.timeouts.set(unit, recent);
    return recent.length >= TIMEOUTS_TO_RAISE;
  }
}
