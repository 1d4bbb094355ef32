// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// clock-unsynchronised: the clock is not being set right. The clock's components are believed, each as
// findings/writers.ts proves it (its installed program, as root or its system account, in its own system unit):
// systemd-timesyncd, chronyd, ntpd, ntpdate, hwclock, systemd-timedated, Debian's fake-hwclock; and the kernel's
// real-time clocks, by their drivers' prefix or the RTC class's "hctosys: "; and PID 1 about the clock it found at
// boot.
//
// What is raised:
// - any error of the time daemons (componentFailure.ts): setting the clock is their one job; and their units failing
//   (componentUnits.ts);
// - timesyncd's "Timed out waiting for reply from <server>" (or a server it would not trust: "too large root
//   distance") twice within 10 minutes, or once with no server answering ("Contacted time server …") in the 10
//   minutes after: it tries the pool's servers in turn, and one unanswered packet on a busy network is ordinary;
// - chronyd's "Can't synchronise: …" (whatever the reason), "No suitable source for synchronisation";
// - any time daemon's report that it corrected the clock by a minute or more, or would not (ntpd's panic_stop)
//   (CLOCK_OFFSET);
// - timedated's "Failed to …", systemd's wording of an error, whatever its level, and any line of its at warning or
//   worse;
// - gnome-settings-daemon's time zone plugin (gsd-datetime) failing, as componentFailure.ts reads the clock's;
// - ntpd's "no servers can be used", "no servers reachable", "kernel reports TIME_ERROR" and its clock's rate past
//   what it may steer ("frequency error … PPM exceeds tolerance …");
// - a clock tool other than timesyncd saying what it waited for timed out (hwclock waiting for the clock's tick), and
//   hwclock finding the clock's values invalid or naming the errno of a call on the clock that failed;
// - chronyd failing to resolve its servers' names without saying why. Where the daemon prints the resolver's own
//   error ("Temporary failure in name resolution", timesyncd's "Failed to resolve <name>: …"), the cause is name
//   resolution, not the clock: dns-failure reads those lines, and one problem makes one finding;
// - a real-time clock that says its time is not valid (its battery is flat: power lost, voltage low) or could not be
//   read, and one that set the system clock to a date before 2001, as a clock whose battery died resets to;
//   and the CMOS clock's date the kernel read at boot ("RTC time: …, date: …") before 2002;
// - a real-time clock registering after hctosys found it missing at boot: the time was never read from it;
// - a real-time clock's driver that found its chip but could not start it (the driver core's "probe of … failed");
// - timesyncd finding the clock before the time it last saved at boot, and journald the clock before its journal's last
//   entry;
// - PID 1 finding the clock before its own build date at boot (it then advances it to that date, still wrong), or
//   years past it (it sets it back to that date).
import { componentFailure } from '../../desktop/componentFailure.js';
import {
  errnoIn,
  kernelComponentOf,
  lineLevel,
  LOG_WARNING,
  reportedAtInfoOrGraver,
} from '../../desktop/componentLines.js';
import { ComponentUnitDetector } from '../../desktop/componentUnits.js';
import {
  FIRST_PERSON_UID,
  isJournal,
  isKernel,
  isSystemManager,
  type JournalEvent,
  journalEvidence,
  kernelText,
} from '../../findings/detectors/journal.js';
import { type Detector, type DetectorOutput, earliestDeadline, type HeldOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { WatchEvent } from '../../watch/events.js';

export const CLOCK_UNSYNCHRONISED = 'clock-unsynchronised';

/** timesyncd waits 10 s per server; a second server unanswered within 10 minutes is no single lost packet. */
const TIMEOUT_WINDOW_MS = 10 * 60_000;
// timesyncd's words for a server that answered (log_info, each time it takes a new server): "Contacted time server
// 185.125.190.58:123 (ntp.ubuntu.com).", "Initial synchronization to time server …", "Synchronized to time server …",
// "Initial clock synchronization to <date>.".
const ANSWERED =
  /^(?:Contacted time server|(?:Initial )?synchroni[sz]ation to time server|Synchroni[sz]ed to time server|Initial clock synchroni[sz]ation)\b/i;
const TIMEOUTS_TO_RAISE = 2;
/**
 * chronyd logs every slew it starts. At its default top rate (83,333 ppm) a minute takes 12 minutes to slew away, and
 * a minute is what a person sees on the top bar; a few seconds at boot are corrected before anyone looks.
 */
const WRONG_BY_SECONDS = 60;

/** The time-sync daemons, by findings/writers.ts's names. */
const DAEMONS = new Set(['systemd-timesyncd', 'chronyd', 'ntpd', 'ntpdate']);
/** The subject of what the real-time clock and PID 1 say: the machine's one clock. */
export const CLOCK_SUBJECT = 'clock';
// A real-time clock's words for a time it cannot vouch for (rtc-cmos, rtc-pcf8563, rtc-rv3028, rtc-ds1307…): "Power
// loss detected, invalid time", "low voltage detected, date/time is not reliable", "Voltage low, data is invalid";
// rtc-hym8563's "no valid clock/calendar values available", rtc-pcf2127's "oscillator stop detected", rtc-ds1307's
// "oscillator failed, set time!", rtc-isl1208's "rtc power failure detected, please set clock.", rtc-rx8025's
// "power-on reset detected, date is invalid".
const RTC_INVALID =
  /\b(?:invalid|no valid|not reliable|unreliable|power loss|lost power|power failure|power-on reset|voltage low|low voltage|voltage drop|battery|oscillat(?:or|ion) (?:stop|fail)\w*|set (?:the )?(?:time|clock))\b/i;
// What the kernel read from the CMOS clock at boot (drivers/base/power/trace.c): "PM: RTC time: 08:12:03, date:
// 2019-05-10", before 5.0 "RTC time: 15:09:48, date: 10/27/13" (month/day/two-digit year).
const RTC_TIME = /^(?:PM: )?RTC time: *\d+:\d\d:\d\d, date: (?:(\d{4})-\d\d-\d\d|\d\d\/\d\d\/(\d\d))\b/;
// "setting system clock to 1970-02-03T05:35:54 UTC (2871354)" (rtc/class.c, hctosys): the year it set.
const RTC_SET_TO = /\bsetting system clock to (\d{4})-\d\d-\d\d[T ]/;
// hctosys finding no clock to set the time from at boot (hctosys.c; at info since Linux 3.17, as a machine without a
// real-time clock prints it): "hctosys: unable to open rtc device (rtc0)".
const HCTOSYS_NO_CLOCK = /^unable to open rtc device \((rtc\d+)\)/;
// hctosys finding a clock it could not read (rtc/class.c, rtc_hctosys, a dev_err; hctosys.c before Linux 3.17): "rtc-efi
// rtc-efi.0: hctosys: unable to read the hardware clock". The clock is there and the time was not set from it.
const HCTOSYS_UNREADABLE = /^hctosys: unable to read the hardware clock\b/;
// The RTC class registering a clock (class.c): "rtc-ds1307 1-0068: registered as rtc0", before 5.0 "rtc-pl031
// fff35000.rtc: rtc core: registered pl031 as rtc0".
const RTC_REGISTERED = /\bregistered (?:\S+ )?as (rtc\d+)\b/;
// The driver core's word for a driver that found its device but could not start it (drivers/base/dd.c,
// really_probe, at warning; a device that is not there, -ENODEV or -ENXIO, it leaves unsaid): "rtc-ds1307: probe of
// 1-0068 failed with error -121". A real-time clock that never registers keeps no time for the next boot.
const PROBE_FAILED = /^probe of \S+ failed with error -\d+/;
/** Clocks whose battery died reset to 1970, 2000 or 2001: a date before this year is no real one. */
const EARLIEST_REAL_YEAR = 2002;
// Any program comparing a date with the clock's and finding it ahead: X.509's notBefore (OpenSSL's "certificate is
// not yet valid", GnuTLS's "not yet activated"), apt's Release files ("is not valid yet (invalid for another 5d
// 2h)"), make's files ("modification time 12 s in the future", "Clock skew detected"). Read from any writer: it names
// a symptom of this machine's clock, vouches for no change, and the proposal only shows the lines.
// Also e2fsck's "Superblock last mount time (…,\n\tnow = …) is in the future" (a clock reset at boot finds the disk's
// last mount ahead; its second line, where the journal splits it), tar's "time stamp 2024-05-01 08:00:00 is 86400 s
// in the future", Kerberos's "Clock skew too great" (KRB5KRB_AP_ERR_SKEW), GnuPG's keys and signatures from the future
// ("key 871920D1991BC93C was created 5361 seconds in the future (time warp or clock problem)", as apt and pacman-key
// pass it on).
const CLOCK_BEHIND =
  /\b(?:not valid yet|not yet valid|not yet activated|Clock skew detected|Clock skew too great|time warp or clock problem|modification time -?[\d.e+]+ s in the future|time(?: ?stamp)?\b[^.\n]*\bis (?:-?[\d.]+ s )?in the future|now = [^)\n]*\) is in the future)\b/i;
// Any program finding the clock moved back under it: journald's "Time jumped backwards, rotating." (journald-server.c),
// and its words when the clock is now before its journal's last entry: "…/system.journal: Realtime clock jumped
// backwards relative to last journal entry, rotating." (later systemd), "…: Journal file is from the future,
// rotating." (earlier, as RHEL 9's);
// Dovecot's "Time moved backwards by 3600 seconds" and "Time just moved backwards by …", Tor's "Your system clock just
// jumped 3600 seconds backward; …". Read from any writer, as above: a clock set back was ahead.
const CLOCK_BACKWARDS =
  /\b(?:Time (?:just )?(?:jumped|moved) backwards\b|system clock just jumped -?\d+ seconds? backward|Realtime clock jumped backwards relative to last journal entry\b|Journal file is from the future\b)/i;
// PID 1 (src/core/main.c, clock_apply_epoch): "System time before build time, advancing clock.".
// Since systemd 254 (clock_apply_epoch, MESSAGE_ID TIME_BUMP): "System time advanced to built-in epoch: <date>"; and a
// clock so far ahead that PID 1 set it back: "System time is further ahead than 15y after build time, resetting clock
// to build time.".
const BEFORE_BUILD_TIME =
  /^(?:System time (?:is )?before build time\b|System time advanced to built-in epoch\b|System time is further ahead than \S+ after build time\b)/;
const AHEAD_OF_BUILD_TIME = /^System time is further ahead\b/;
// timesyncd giving up on a server: no answer, or an answer it may not trust ("Server has too large root distance.
// Disconnecting.", the server itself too far from its reference clock).
const TIMEOUT = /^(?:Timed out waiting for reply from (\S+)|Server has too large root distance\b)/;
// chronyd run with -d (as some distributions' units do) prefixes its own time: "2021-07-30T05:54:28Z Can't …".
const CHRONY_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;
// Every reason chronyd gives (sources.c): "no selectable sources", "no majority", "no required source in
// selectable sources"…; each means no source is steering the clock.
const NO_SOURCES = /^Can't synchroni[sz]e: |^No suitable source for synchroni[sz]ation/i;
// Each time daemon's own report of how far the clock was off when it corrected it, the offset in seconds after its
// word for it: chronyd's "System clock wrong by -3411.5 seconds" and "System clock was stepped by 31939.8 seconds",
// ntpd's "time reset +3600.123 s" and "time correction of 3600 seconds exceeds sanity limit (1000)", ntpdate's and
// sntp's "step time server 192.0.2.1 offset -3598.54 sec", OpenNTPD's "adjusting local clock by 75.5s".
// ntpd's event log names the step it made "0.0.0.0 c61c 0c clock_step +3599.837 s"; NTPsec prints its step without a
// unit, "CLOCK: time stepped by 3599.993214". ntpd run once (-q, as Arch's ntpdate.service does) reports what it did
// as "ntpd: time set +3600.123456 s" or "ntpd: time slew -0.052817 s". chronyd's initstepslew (acquire.c) reports it after a colon: "System's
// initial offset : 3600.123 seconds fast of true (step)". ntpd's event for an offset past its panic threshold, when it
// stops rather than step the clock (ntp_loopfilter.c, EVNT_SYSFAULT): "0.0.0.0 0117 07 panic_stop +214748365 s; set
// clock manually within 1000 s.".
const CLOCK_OFFSET =
  /\b(?:wrong by|stepped by|time reset|correction of|offset|clock by|clock_step|panic_stop|time set|time slew)\s*:?\s+([+-]?\d+(?:\.\d+)?)(?:\s*(?:s|secs?|seconds)\b|\s*$)/i;
// timesyncd at start-up finding the clock before the time it last saved, and setting it forward to that (timesyncd.c,
// load_clock_timestamp, at info): "System clock time unset or jumped backwards, restoring from recorded timestamp: Sat
// 2020-05-16 13:56:53 EDT", in later versions "… restored from recorded timestamp: …". The clock was behind at boot, as
// PID 1 says of its build date: the real-time clock lost the time or there is none.
const RESTORED = /^System clock time unset or jumped backwards, restor(?:ing|ed) from recorded timestamp\b/;
// chronyd's warning that something else moved the clock under it (sched.c): "Backward time jump detected!",
// "Forward time jump detected!".
const TIME_JUMP = /^(?:Backward|Forward) time jump detected\b/;
// systemd's daemons word each error of theirs "Failed to <what>: <strerror>" (log_*_errno): timedated's, at whatever
// level, is the clock, the time zone or the hardware clock not set. Not timesyncd's: its are about reaching its
// servers (resolving their names, resolved's socket, the network), which dns-failure and network-failure read.
const SYSTEMD_FAILED = /^Failed to /;
// timedated logs its warnings only where it cannot read or keep the clock's settings ("/etc/localtime should be a
// symbolic link to a time zone data file in /usr/share/zoneinfo/", "Failed to get target of /etc/localtime: …").
const SYSTEMD_CLOCK_DAEMONS = new Set(['systemd-timedated']);
// ntpd's "no servers reachable", "no servers can be used"; ntpdate's "no server suitable for synchronization found".
const NTPD_NO_SERVERS = /\bno servers? (?:can be used|reachable|suitable)\b/i;
const TIME_ERROR = /\bkernel reports TIME_ERROR\b/;
// ntpd's and NTPsec's clock discipline (ntp_loopfilter.c) past the most it may steer the clock's rate: "frequency error
// -512 PPM exceeds tolerance 500 PPM". The clock runs too fast or too slow to be kept right, whatever the servers say.
const FREQUENCY_TOLERANCE = /\bfrequency error [+-]?\d+(?:\.\d+)? PPM exceeds tolerance\b/i;
// The clock's tools saying that what they waited for never came: hwclock's "select() to /dev/rtc to wait for clock tick
// timed out" and "Timed out waiting for time change." (the real-time clock not ticking). Not timesyncd's: its
// "Timed out waiting for reply" is one server, read above with its answers.
const TIMED_OUT = /\btimed out\b/i;
// hwclock's every call on the clock that fails names its errno (util-linux hwclock-rtc.c, warn()): "ioctl(RTC_RD_TIME)
// to /dev/rtc0 to read the time failed: Invalid argument", before 2.32 "RTC_RD_TIME: Invalid argument": the clock
// could not be read or set, whichever errno the driver gave.
// hwclock's word for the hardware clock's own values (util-linux hwclock.c): "Invalid values in hardware clock:
// 2000/00/00 00:00:00", "The Hardware Clock registers contain values that are either invalid (e.g. 50th day of month)
// or beyond the range we can handle (e.g. Year 2095).". Not the daemons': theirs is a configuration's line.
const HWCLOCK_INVALID = /\binvalid\b/i;
// chronyd: "Could not resolve address of initstepslew server <name>".
const RESOLVE = /\bCould not resolve address\b/i;

/** A year the kernel printed in two digits, as its CMOS clock counts them: 70–99 the 1900s, the rest the 2000s. */
const twoDigitYear = (yy: number) => (yy >= 70 ? 1900 + yy : 2000 + yy);

function atWarningOrWorse(entry: JournalEvent['entry']): boolean {
  const level = lineLevel(entry);
  return level !== undefined && level <= LOG_WARNING;
}

// Translators: {unit} is the time-sync daemon's unit such as "systemd-timesyncd.service".
const noAnswer = (unit: string) =>
  format(_('The clock is not synchronised: {unit} gets no answer from its time servers'), { unit });

export class ClockDetector implements Detector {
  readonly kinds = [CLOCK_UNSYNCHRONISED];
  /** When timesyncd's recent timeouts came, per unit. */
  private timeouts = new Map<string, number[]>();
  /** The first timeout no server has answered since, per unit, and when its wait ends on this machine's clock. */
  private readonly unanswered = new Map<string, { timeout: JournalEvent; until: number }>();
  /** The real-time clocks hctosys found missing at boot, by device: one that registers later held the time unread. */
  private readonly missedAtBoot = new Set<string>();
  /** The time daemons' units failing, from their manager's lines and systemd's D-Bus state. */
  private readonly units: ComponentUnitDetector;

  constructor(private readonly writers: Writers) {
    this.units = new ComponentUnitDetector('clock', CLOCK_UNSYNCHRONISED, writers, 'warning');
  }

  detect(event: WatchEvent): DetectorOutput[] {
    return [...this.stillUnanswered(event), ...this.line(event)];
  }

  heldUntil(): number | undefined {
    return earliestDeadline(this.unanswered.values());
  }

  /** A timeout still unanswered once its wait is over, though the journal fell silent meanwhile. */
  expire(now: number): HeldOutput[] {
    const expired: HeldOutput[] = [];
    for (const [unit, { timeout, until }] of this.unanswered) {
      if (until > now) continue;
      this.unanswered.delete(unit);
      for (const output of this.report(timeout, unit, noAnswer(unit))) expired.push({ event: timeout, output });
    }
    return expired;
  }

  /**
   * The servers timesyncd got no answer from where none answered within 10 minutes: it tries the next one at once and
   * says "Contacted time server" when one answers, so its silence since is the clock not synchronised. Told by the
   * system's later lines (journald keeps a person's in their own journal, read apart), or by the wait's deadline on
   * this machine's clock where the journal falls silent (expire): the finding holds the timeout.
   */
  private stillUnanswered(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const uid = event.entry.fields._UID;
    if (uid !== undefined && Number(uid) >= FIRST_PERSON_UID) return [];
    const due = [...this.unanswered].filter(
      ([, { timeout }]) => event.at.getTime() - timeout.at.getTime() >= TIMEOUT_WINDOW_MS,
    );
    return due.flatMap(([unit, { timeout }]) => {
      this.unanswered.delete(unit);
      return this.report(timeout, unit, noAnswer(unit));
    });
  }

  private line(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return this.units.detect(event);
    const { entry } = event;
    if (isSystemManager(entry)) {
      if (BEFORE_BUILD_TIME.test(entry.message))
        return this.report(
          event,
          CLOCK_SUBJECT,
          AHEAD_OF_BUILD_TIME.test(entry.message)
            ? _('The clock was ahead at start-up: systemd found it years past its own build date')
            : _('The clock was behind at start-up: systemd found it before its own build date'),
        );
      return this.units.detect(event);
    }
    if (isKernel(entry)) return this.rtcLine(event);
    if (CLOCK_BEHIND.test(entry.message))
      return this.report(event, CLOCK_SUBJECT, _('The clock is behind: a program found a date still in the future'));
    if (CLOCK_BACKWARDS.test(entry.message))
      return this.report(event, CLOCK_SUBJECT, _('The clock was ahead: a program found it set back'));
    const writer = this.writers.provenWriter(entry);
    const daemon = writer?.name;
    const unit = entry.fields._SYSTEMD_UNIT;
    // Another program's line: the clock's where it names timedated's own error (componentFailure.ts). A session's
    // component (gnome-settings-daemon's time zone plugin) is about the one clock, not a system unit.
    if (daemon === undefined || !unit || writer?.runsAs !== 'system') return this.failureLine(event);
    if (DAEMONS.has(daemon)) this.noteAnswers(event, unit);
    const title =
      (DAEMONS.has(daemon)
        ? this.problem(entry.message.trim().replace(CHRONY_TIME, ''), unit, event.at.getTime())
        : null) ??
      (SYSTEMD_CLOCK_DAEMONS.has(daemon) && (SYSTEMD_FAILED.test(entry.message) || atWarningOrWorse(entry))
        ? format(_('{component} could not do its work: {line}'), {
            component: daemon,
            line: cleanLine(entry.message, 160),
          })
        : null) ??
      (writer.area === 'clock' && daemon !== 'systemd-timesyncd' && this.toolFailed(daemon, entry)
        ? format(_('{component} could not do its work: {line}'), {
            component: daemon,
            line: cleanLine(entry.message, 160),
          })
        : null) ??
      this.generic(event);
    return title ? this.report(event, unit, title) : [];
  }

  /** A clock component's error line is this kind's, named or not: claimed, never unrecognised. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && componentFailure('clock', event.entry, this.writers) !== null;
  }

  /** The real-time clock: a time it cannot vouch for, one it could not read, or a date no clock runs at. */
  private rtcLine(event: JournalEvent): DetectorOutput[] {
    const read = RTC_TIME.exec(kernelText(event.entry));
    if (read) {
      const year = read[1] !== undefined ? Number(read[1]) : twoDigitYear(Number(read[2]));
      return year < EARLIEST_REAL_YEAR
        ? this.report(
            event,
            CLOCK_SUBJECT,
            // Translators: {year} is a year such as 2000.
            format(_('The hardware clock read the year {year} at start-up: its battery may be flat'), {
              year: String(year),
            }),
          )
        : [];
    }
    const rtc = kernelComponentOf(event.entry);
    // Not a real-time clock's line: still the time daemons' where the kernel's audit refused one of them something.
    if (rtc?.area !== 'clock') return this.failureLine(event);
    const late = this.registeredLate(rtc.rest);
    if (late)
      return this.report(
        event,
        CLOCK_SUBJECT,
        // Translators: {clock} is the real-time clock's name such as "rtc0".
        format(_('The hardware clock {clock} came up after start-up set the time: the time was not read from it'), {
          clock: late,
        }),
      );
    const year = RTC_SET_TO.exec(rtc.rest)?.[1];
    if (year !== undefined && Number(year) < EARLIEST_REAL_YEAR)
      return this.report(
        event,
        CLOCK_SUBJECT,
        // Translators: {year} is a year such as 1970; {clock} the real-time clock's name such as "rtc0".
        format(_('The hardware clock {clock} set the time to the year {year}: its battery may be flat'), {
          clock: rtc.device || rtc.driver,
          year,
        }),
      );
    if (PROBE_FAILED.test(rtc.rest))
      return this.report(
        event,
        CLOCK_SUBJECT,
        // Translators: {clock} is the real-time clock's driver such as "rtc-ds1307".
        format(_('The hardware clock {clock} could not be started: {reason}'), {
          clock: rtc.driver,
          reason: cleanLine(rtc.rest, 120),
        }),
      );
    if (HCTOSYS_UNREADABLE.test(rtc.rest))
      return this.report(
        event,
        CLOCK_SUBJECT,
        format(_('The hardware clock {clock} could not be read at boot: the system time was not set from it'), {
          clock: rtc.device || rtc.driver,
        }),
      );
    if (RTC_INVALID.test(rtc.rest))
      return this.report(
        event,
        CLOCK_SUBJECT,
        format(_('The hardware clock {clock} does not keep the time: {reason}'), {
          clock: rtc.device || rtc.driver,
          reason: cleanLine(rtc.rest, 120),
        }),
      );
    return this.failureLine(event);
  }

  /**
   * A clock registering that hctosys had found missing: its driver loaded after the kernel set the time at boot (a
   * module, not built in), so the system clock never read it. A machine with no such clock never registers one.
   */
  private registeredLate(rest: string): string | undefined {
    const missing = HCTOSYS_NO_CLOCK.exec(rest)?.[1];
    if (missing !== undefined) this.missedAtBoot.add(missing);
    const registered = RTC_REGISTERED.exec(rest)?.[1];
    if (registered === undefined || !this.missedAtBoot.delete(registered)) return undefined;
    return registered;
  }

  /** A clock tool saying what it waited for timed out, or hwclock that the clock's values are invalid. */
  private toolFailed(tool: string, entry: JournalEvent['entry']): boolean {
    const { message } = entry;
    const failed =
      TIMED_OUT.test(message) || (tool === 'hwclock' && (HWCLOCK_INVALID.test(message) || errnoIn(message) !== null));
    return failed && reportedAtInfoOrGraver(entry);
  }

  private failureLine(event: JournalEvent): DetectorOutput[] {
    const failure = componentFailure('clock', event.entry, this.writers);
    return failure?.raise ? this.report(event, CLOCK_SUBJECT, failure.title) : [];
  }

  private generic(event: JournalEvent): string | null {
    const failure = componentFailure('clock', event.entry, this.writers);
    return failure?.raise ? failure.title : null;
  }

  private report(event: JournalEvent, subject: string, title: string): DetectorOutput[] {
    return [
      {
        report: {
          kind: CLOCK_UNSYNCHRONISED,
          severity: 'warning',
          subject,
          title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  private problem(text: string, unit: string, now: number): string | null {
    // Translators: {unit} is the time-sync daemon's unit such as "chrony.service".
    if (TIMEOUT.test(text)) return this.repeatedTimeout(unit, now) ? noAnswer(unit) : null;
    if (NO_SOURCES.test(text) || NTPD_NO_SERVERS.test(text))
      return format(_('The clock is not synchronised: {unit} has no time server it can use'), { unit });
    const wrong = CLOCK_OFFSET.exec(text);
    if (wrong) {
      const seconds = Number(wrong[1]);
      return Math.abs(seconds) >= WRONG_BY_SECONDS
        ? // Translators: {seconds} is how far off the clock was, such as "1721.913772".
          format(_('The clock was off by {seconds} seconds ({unit})'), { seconds: wrong[1] ?? '', unit })
        : null;
    }
    if (RESTORED.test(text))
      return format(_('The clock was behind at start-up: {unit} set it forward to the time it last saved'), { unit });
    if (TIME_JUMP.test(text)) return format(_('The clock jumped: another program set the time under {unit}'), { unit });
    if (TIME_ERROR.test(text))
      return format(_('The clock is not synchronised: the kernel reports a time error ({unit})'), { unit });
    if (FREQUENCY_TOLERANCE.test(text))
      return format(_('The clock runs too fast or too slow for {unit} to keep it right'), { unit });
    if (RESOLVE.test(text))
      return format(_('The clock is not synchronised: {unit} cannot resolve its time servers’ names'), { unit });
    return null;
  }

  /** A daemon's timeout awaits an answer; a server that answered settles every one before it. */
  private noteAnswers(event: JournalEvent, unit: string): void {
    const text = event.entry.message.trim();
    if (ANSWERED.test(text)) {
      this.unanswered.delete(unit);
      this.timeouts.delete(unit);
    } else if (TIMEOUT.test(text) && !this.unanswered.has(unit))
      this.unanswered.set(unit, { timeout: event, until: Date.now() + TIMEOUT_WINDOW_MS });
  }

  /** Records the timeout; true once enough came within the window. */
  private repeatedTimeout(unit: string, now: number): boolean {
    const recent = (this.timeouts.get(unit) ?? []).filter((at) => Math.abs(now - at) < TIMEOUT_WINDOW_MS);
    recent.push(now);
    this.timeouts.set(unit, recent);
    if (recent.length < TIMEOUTS_TO_RAISE) return false;
    this.unanswered.delete(unit);
    return true;
  }
}
