// auth-failures: repeated failed logins from one address (sshd) or for one user
// (sudo, su, the login screen) — password guessing, or a user locked out.
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, journalEvidence } from './journal.js';
import { SlidingWindow } from './window.js';
import { _, format, ngettext } from '../../i18n.js';

export const AUTH_FAILURES = 'auth-failures';

export interface AuthFailuresOptions {
  /** Failures from one source within the window that make a finding (default 5). */
  threshold?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

// OpenSSH sshd (auth2.c): "Failed password for [invalid user ]alice from 203.0.113.7 port 51234 ssh2"
const SSHD_FAILED = /^Failed (?:password|keyboard-interactive\/pam) for (invalid user )?(.*?) from (\S+) port \d+/;
// sshd (auth.c): "Invalid user admin from 203.0.113.7 port 51234"
const SSHD_INVALID_USER = /^Invalid user (.*?) from (\S+) port \d+/;
// pam_unix (pam_unix_auth.c): "pam_unix(gdm-password:auth): authentication failure; logname= uid=0 … rhost=  user=alice"
const PAM_UNIX = /^pam_unix\(([\w.-]+):auth\): authentication failure; (.*)$/;
// sudo: "alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt"
const SUDO_ATTEMPTS = /^\s*(.+?) : (\d+) incorrect password attempts? ;/;
// pam_faillock locked an account: as many failures as its deny= setting, in one line.
const FAILLOCK = /^pam_faillock\([\w.-]+:auth\): Consecutive login failures for user (\S+) account temporarily locked/;
const LOCKED_OUT = 100;

interface Failure {
  /** The remote address, or the user for local logins. */
  source: string;
  remote: boolean;
  count: number;
}

function parse(identifier: string | undefined, message: string): Failure | null {
  const locked = FAILLOCK.exec(message);
  if (locked) return { source: locked[1] ?? '', remote: false, count: LOCKED_OUT };
  if (identifier === 'sshd' || identifier === 'sshd-session') {
    const failed = SSHD_FAILED.exec(message);
    // "Invalid user" came first for the same attempt: count it once.
    if (failed) return failed[1] ? null : { source: failed[3] ?? '', remote: true, count: 1 };
    const invalid = SSHD_INVALID_USER.exec(message);
    return invalid ? { source: invalid[2] ?? '', remote: true, count: 1 } : null;
  }
  if (identifier === 'sudo') {
    const attempts = SUDO_ATTEMPTS.exec(message);
    return attempts ? { source: attempts[1] ?? '', remote: false, count: Number(attempts[2]) } : null;
  }
  const pam = PAM_UNIX.exec(message);
  // sshd and sudo say it themselves (above), with the address or the number of attempts.
  if (!pam || pam[1] === 'sshd' || pam[1] === 'sudo') return null;
  const fields = Object.fromEntries(
    (pam[2] ?? '')
      .split(/\s+/)
      .map((pair) => pair.split('='))
      .map(([key, value]) => [key, value ?? '']),
  ) as Record<string, string | undefined>;
  if (fields.rhost) return { source: fields.rhost, remote: true, count: 1 };
  const user = fields.user || fields.ruser || fields.logname;
  return user ? { source: user, remote: false, count: 1 } : null;
}

export class AuthFailuresDetector implements Detector {
  readonly kinds = [AUTH_FAILURES];
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly window: SlidingWindow;

  constructor(options: AuthFailuresOptions = {}) {
    // Three failures in a row is worth telling (sudo gives up after three); one typo is not.
    this.threshold = options.threshold ?? 3;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.window = new SlidingWindow(this.windowMs);
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const failure = parse(event.entry.identifier, event.entry.message);
    if (!failure) return [];
    const count = this.window.add(failure.source, event.at, failure.count);
    if (count < this.threshold) return [];
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
            failure.count === LOCKED_OUT
              ? format(_('The account {user} was locked after repeated failed logins'), { user: failure.source })
              : format(template, { count, source: failure.source, minutes }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}
