// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// auth-failures: repeated failed logins from one address (sshd, Dovecot, Postfix), from
// many addresses at once, or for one user (sudo, su, polkit) — password guessing, or a user locked out. The
// desktop's own sign-in (the display managers, lock screens and login(1)) is the sign-in kind's.
import type { AuthFailuresOptions } from '../../findings/detectorOptions.js';
import { isJournal, type JournalEvent, journalEvidence } from '../../findings/detectors/journal.js';
import { SlidingWindow } from '../../findings/detectors/window.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format, ngettext } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { isDesktopPamService } from '../signIn/pam.js';

export const AUTH_FAILURES = 'auth-failures';
/** How far back failures count towards one finding, unless the options say otherwise. */
export const AUTH_WINDOW_MS = 10 * 60_000;

// Each pattern below says how many failures a line proves at least; a line about an attempt already counted
// adds only what it proves beyond that, so the same attempt told twice (sshd's "Invalid user" then "Failed
// password", sudo's pam_unix lines then its summary) counts once.

// OpenSSH sshd (auth.c), every version: "Failed password for [invalid user ]alice from 203.0.113.7 port 51234 ssh2"
const SSHD_FAILED = /^Failed (?:password|keyboard-interactive\/pam) for (?:invalid user )?(.*?) from (\S+) port (\d+)/;
// A connection that ended before a login, one attempt at least. sshd (auth.c, sshd.c): "Invalid user admin from
// 203.0.113.7 port 51234" (no port before OpenSSH 7.5), "User root from 203.0.113.7 not allowed because not
// listed in AllowUsers"; OpenSSH 7.6+ (packet.c): "Connection closed by invalid user admin 203.0.113.7 port 51234
// [preauth]", "Disconnected from authenticating user root 203.0.113.7 port 51234 [preauth]",
// "Connection reset by authenticating user root …".
const SSHD_ATTEMPTS = [
  /^Invalid user (.*?) from (\S+?)(?: port (\d+))?$/,
  /^User (\S+) from (\S+) not allowed because /,
  /^(?:Connection closed by|Disconnected from|Connection reset by) (?:invalid|authenticating) user (.*?) (\S+) port (\d+)(?: \[preauth\])?$/,
];
// sshd (auth2.c) at MaxAuthTries: "error: maximum authentication attempts exceeded for [invalid user ]root from
// 203.0.113.7 port 26444 ssh2 [preauth]": that many failures in one connection.
const SSHD_MAX_TRIES =
  /^error: maximum authentication attempts exceeded for (?:invalid user )?(.*?) from (\S+) port (\d+)/;
// sshd_config(5): "MaxAuthTries … The default is 6."
const MAX_AUTH_TRIES = 6;
// pam_unix on closing a PAM handle after several failures (support.c), through pam_syslog: "pam_unix(sshd:auth):
// 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=45.148.10.151  user=root", which
// sshd's log also shows as "PAM 4 more authentication failures; …" (Debian 13): the first failure and N more.
const PAM_MORE = /^(?:PAM|pam_unix\([\w.-]+:auth\):) (\d+) more authentication failures?;.*\brhost=(\S+)/;
// pam_unix (pam_unix_auth.c), one line per failure of every PAM service (su, polkit-1, vsftpd…) but the desktop's
// sign-in: "pam_unix(su:auth): authentication failure; logname=alice uid=1000 … rhost=  user=root". The programs' own
// words for the same failure (unix_chkpwd's "password check failed", su's "FAILED SU", polkitd's "FAILED to
// authenticate") would count it twice.
const PAM_UNIX = /^pam_unix\(([\w.-]+):auth\): authentication failure; (.*)$/;
// sudo (logging.c): "alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=…"
const SUDO_ATTEMPTS = /^\s*(.+?) : (\d+) incorrect password attempts? ;/;
// pam_faillock locked an account: as many failures as its deny= setting, in one line.
const FAILLOCK =
  /^pam_faillock\(([\w.-]+):auth\): Consecutive login failures for user (\S+) account temporarily locked/;
// Dovecot's login processes: "imap-login: Disconnected (auth failed, 1 attempts in 7 secs): user=<alice>,
// method=PLAIN, rip=203.0.113.7, lip=…" (older) and "… Connection closed: … (auth failed, 1 attempts in 2 secs):
// user=<…>, method=PLAIN, rip=…" (2.3+).
const DOVECOT = /\(auth failed, (\d+) attempts? in \d+ secs?\): user=<[^>]*>.*?\brip=([\w.:]+)/;
// Postfix smtpd: "warning: unknown[203.0.113.7]: SASL LOGIN authentication failed: …", and its
// "too many errors after AUTH from unknown[203.0.113.7]" when it drops a client that kept failing.
const POSTFIX =
  /^(?:warning: [^[\s]*\[([^\]]+)\]: SASL \S+ authentication failed|too many errors after AUTH from [^[\s]*\[([^\]]+)\])/;
const LOCKED_OUT = 100;
const MAX_CONNECTIONS = 4096;

export interface Failure {
  /** The remote address, or the user for local logins. */
  source: string;
  remote: boolean;
  /** The program people know the service by, for a finding about many addresses at once. */
  service: string;
  /** How many failures the line proves at least. */
  atLeast: number;
  /**
   * What those failures are counted against: the line alone; one connection ("203.0.113.7 port 51234"), whose
   * lines tell of the same attempts; or the source's window, whose lines a summary repeats.
   */
  within: 'line' | 'window' | { connection: string; password: boolean };
}

const failure = (remote: boolean, service: string, source: string, atLeast: number, within: Failure['within']) => ({
  source,
  remote,
  service,
  atLeast,
  within,
});

function sshd(message: string): Failure | null {
  const connection = (address: string | undefined, port: string | undefined) => `${address} port ${port}`;
  const failed = SSHD_FAILED.exec(message);
  if (failed)
    return failure(true, 'sshd', failed[2] ?? '', 1, { connection: connection(failed[2], failed[3]), password: true });
  const max = SSHD_MAX_TRIES.exec(message);
  if (max)
    return failure(true, 'sshd', max[2] ?? '', MAX_AUTH_TRIES, {
      connection: connection(max[2], max[3]),
      password: false,
    });
  const more = PAM_MORE.exec(message);
  if (more) return failure(true, 'sshd', more[2] ?? '', Number(more[1]) + 1, 'window');
  for (const pattern of SSHD_ATTEMPTS) {
    const attempt = pattern.exec(message);
    if (!attempt) continue;
    // Without a port (old sshd, AllowUsers) the line is its own attempt.
    const within = attempt[3] ? { connection: connection(attempt[2], attempt[3]), password: false } : 'line';
    return failure(true, 'sshd', attempt[2] ?? '', 1, within);
  }
  return null;
}

function pamUnix(message: string): Failure | null {
  const pam = PAM_UNIX.exec(message);
  // sshd says it itself (above), with the address and port.
  if (!pam || pam[1] === 'sshd' || isDesktopPamService(pam[1] ?? '')) return null;
  const fields = Object.fromEntries(
    (pam[2] ?? '')
      .split(/\s+/)
      .map((pair) => pair.split('='))
      .map(([key, value]) => [key, value ?? '']),
  ) as Record<string, string | undefined>;
  if (fields.rhost) return failure(true, pam[1] ?? '', fields.rhost, 1, 'line');
  const user = fields.user || fields.ruser || fields.logname;
  return user ? failure(false, pam[1] ?? '', user, 1, 'line') : null;
}

function parse(identifier: string, message: string): Failure | null {
  const locked = FAILLOCK.exec(message);
  if (locked) {
    return isDesktopPamService(locked[1] ?? '')
      ? null
      : failure(false, 'pam_faillock', locked[2] ?? '', LOCKED_OUT, 'line');
  }
  // sshd-session and sshd-auth: the per-connection programs of OpenSSH 9.8 and 10.
  if (/^sshd(?:-session|-auth)?$/.test(identifier)) return sshd(message);
  if (identifier === 'sudo') {
    const attempts = SUDO_ATTEMPTS.exec(message);
    // The summary repeats the pam_unix(sudo:auth) lines before it.
    if (attempts) return failure(false, 'sudo', attempts[1] ?? '', Number(attempts[2]), 'window');
    return pamUnix(message);
  }
  if (identifier === 'dovecot') {
    const dovecot = DOVECOT.exec(message);
    return dovecot ? failure(true, 'dovecot', dovecot[2] ?? '', Number(dovecot[1]), 'line') : null;
  }
  if (identifier.startsWith('postfix/')) {
    const postfix = POSTFIX.exec(message);
    return postfix ? failure(true, 'postfix', postfix[1] ?? postfix[2] ?? '', 1, 'line') : null;
  }
  return pamUnix(message);
}

const windowKey = (failure: Failure) => `${failure.remote ? 'from' : 'user'} ${failure.source}`;

export class AuthFailuresDetector implements Detector {
  readonly kinds = [AUTH_FAILURES];
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly window: SlidingWindow;
  /** Per connection: the failures counted for it, and its "Failed password" lines. */
  private readonly connections = new Map<string, { counted: number; passwords: number }>();

  constructor(options: AuthFailuresOptions = {}) {
    // Three failures in a row is worth telling (sudo gives up after three); one typo is not.
    this.threshold = options.threshold ?? 3;
    this.windowMs = options.windowMs ?? AUTH_WINDOW_MS;
    this.window = new SlidingWindow(this.windowMs);
  }

  /**
   * The failed attempt a line from `identifier` tells of: the failures it adds to the lines counted before it
   * (0 for an attempt they already counted) and its source's total within the window; null for a line that tells
   * of none.
   */
  count(identifier: string, message: string, at: Date): { failure: Failure; weight: number; count: number } | null {
    const failure = parse(identifier, message);
    if (!failure) return null;
    const weight = this.added(failure, at);
    return { failure, weight, count: weight === 0 ? 0 : this.window.add(windowKey(failure), at, weight) };
  }

  /** A failed attempt it counts, below the threshold or not. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && parse(event.entry.identifier ?? '', event.entry.message) !== null;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const counted = this.count(event.entry.identifier ?? '', event.entry.message, event.at);
    if (!counted || counted.weight === 0) return [];
    const { failure, weight, count } = counted;
    if (count >= this.threshold) return this.report(event, failure, count);
    if (!failure.remote) return [];
    // Guessing from many addresses, a few tries each: the service as a whole is under attack.
    const everywhere = this.window.add(`all ${failure.service}`, event.at, weight);
    return everywhere >= this.threshold ? this.reportService(event, failure.service, everywhere) : [];
  }

  /** The failures a line adds: what it proves beyond what the lines before it about the same attempts did. */
  private added(failure: Failure, at: Date): number {
    const { within } = failure;
    if (within === 'line') return failure.atLeast;
    if (within === 'window') return Math.max(0, failure.atLeast - this.window.add(windowKey(failure), at, 0));
    const known = this.connections.get(within.connection) ?? { counted: 0, passwords: 0 };
    const passwords = known.passwords + (within.password ? 1 : 0);
    // Each password tried is a failure; the lines that merely say the connection failed prove one.
    const atLeast = within.password ? passwords : failure.atLeast;
    const weight = Math.max(0, atLeast - known.counted);
    if (this.connections.size > MAX_CONNECTIONS) this.connections.clear();
    this.connections.set(within.connection, { counted: known.counted + weight, passwords });
    return weight;
  }

  private reportService(event: JournalEvent, service: string, count: number): DetectorOutput[] {
    const minutes = Math.round(this.windowMs / 60_000);
    const template = ngettext(
      '{count} failed {service} login attempts from several addresses within {minutes} minute',
      '{count} failed {service} login attempts from several addresses within {minutes} minutes',
      minutes,
    );
    return [
      {
        report: {
          kind: AUTH_FAILURES,
          severity: 'warning',
          subject: service,
          title: format(template, { count, service, minutes }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  private report(event: JournalEvent, failure: Failure, count: number): DetectorOutput[] {
    const minutes = Math.round(this.windowMs / 60_000);
    const template = failure.remote
      ? ngettext(
          '{count} failed login attempts from {source} within {minutes} minute',
          '{count} failed login attempts from {source} within {minutes} minutes',
          minutes,
        )
      : ngettext(
          '{count} failed login attempts for user {source} within {minutes} minute',
          '{count} failed login attempts for user {source} within {minutes} minutes',
          minutes,
        );
    return [
      {
        report: {
          kind: AUTH_FAILURES,
          severity: 'warning',
          subject: failure.source,
          title:
            failure.atLeast === LOCKED_OUT
              ? format(_('The account {user} was locked after repeated failed logins'), { user: failure.source })
              : format(template, { count, source: failure.source, minutes }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}
