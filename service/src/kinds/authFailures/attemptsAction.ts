// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.auth_attempts: who was tried and from where, counted over every line the program that reported the
// failed logins wrote since they began (the program named by journald's trusted fields, the lines in the
// wordings sshd, pam_unix and sudo print, each attempt counted once as the auth-failures detector counts it).
// It only reads; blocking an address is a separate, explicit step.
import { z } from 'zod';

import type { ActionDefinition } from '../../fixes/action.js';
import {
  journalctl,
  journalCursor,
  journalSourceArgs,
  type ShowLogsOptions,
  writerAt,
  writerMatches,
} from '../../fixes/actions/journalctl.js';
import { absolutePath, unitScope } from '../../fixes/params.js';
import { _, format, formatClock, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { AuthFailuresDetector } from './detector.js';

const params = z.object({
  /** The finding's latest evidence: its writer is the program whose lines are counted. */
  cursor: journalCursor,
  /** When the failures began (the finding's first evidence). */
  since: z.iso.datetime({ offset: true }),
  scope: unitScope.default('system'),
  directory: absolutePath.optional(),
});
type AuthAttemptsParams = z.infer<typeof params>;

const MAX_LINES = 5000;
const SHOWN_SOURCES = 10;
// The user a line names: sshd's "for [invalid user ]alice from", "Invalid user alice from", pam_unix's "user=alice",
// Dovecot's "user=<alice>", sudo's "alice : 3 incorrect password attempts".
const USER_IN_LINE = [
  /\bfor (?:invalid user )?(\S+) from /,
  /^Invalid user (\S+) from /,
  /(?:invalid|authenticating) user (\S+) \S+ port /,
  /\buser=<([^>]+)>/,
  /\buser=([^\s<]\S*)/,
  /^\s*(\S+) : \d+ incorrect password attempts? ;/,
];

interface Source {
  /** The address tried from, or the local user tried. */
  source: string;
  remote: boolean;
  service: string;
  count: number;
  users: Map<string, number>;
  last: Date;
}

export interface AuthTally {
  program: string;
  total: number;
  first?: Date;
  sources: Source[];
}

interface Entry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
  _PID?: string;
  SYSLOG_IDENTIFIER?: string;
}

const messageOf = (entry: Entry) =>
  Array.isArray(entry.MESSAGE) ? Buffer.from(entry.MESSAGE).toString('utf8') : (entry.MESSAGE ?? '');

export interface ProgramLine {
  message: string;
  at: Date;
  /** The writing process (journald's trusted _PID): one sudo run, one sshd connection. */
  pid?: string;
  /**
   * The program's own name for itself (SYSLOG_IDENTIFIER: "postfix/smtpd", "dovecot"): it only chooses which
   * wordings the line is read in, as the detector does; whose lines they are was settled by the trusted fields.
   */
  identifier?: string;
}

/** The attempts `lines` (a program's, oldest first) tell of, by source, most attempts first. */
export function tallyAttempts(program: string, lines: readonly ProgramLine[]): AuthTally {
  // Counted per process: a summary (sudo's "3 incorrect password attempts") repeats the lines of its own run
  // only, and one process's lines may be as far apart as its run lasted.
  const counters = new Map<string, AuthFailuresDetector>();
  const sources = new Map<string, Source>();
  let total = 0;
  let first: Date | undefined;
  for (const { message, at, pid = '', identifier = program } of lines) {
    const counter = counters.get(pid) ?? new AuthFailuresDetector({ windowMs: Number.MAX_SAFE_INTEGER });
    counters.set(pid, counter);
    const counted = counter.count(identifier, message, at);
    if (!counted || counted.weight === 0) continue;
    const { failure, weight } = counted;
    const key = `${failure.remote ? 'from' : 'user'} ${failure.source}`;
    const source = sources.get(key) ?? { ...failure, count: 0, users: new Map<string, number>(), last: at };
    source.count += weight;
    source.last = at;
    const user = USER_IN_LINE.map((pattern) => pattern.exec(message)?.[1]).find(Boolean);
    if (user && failure.remote) source.users.set(user, (source.users.get(user) ?? 0) + weight);
    sources.set(key, source);
    total += weight;
    first ??= at;
  }
  return {
    program,
    total,
    ...(first && { first }),
    sources: [...sources.values()].sort((a, b) => b.count - a.count),
  };
}

/** The tally as the lines a person reads. */
export function describeTally({ program, total, first, sources }: AuthTally): string[] {
  if (total === 0) return [];
  const lines = [
    format(
      ngettext(
        '{count} failed attempt told by {program} since {time}:',
        '{count} failed attempts told by {program} since {time}:',
        total,
      ),
      { count: total, program, time: first ? formatClock(first) : '?' },
    ),
  ];
  for (const source of sources.slice(0, SHOWN_SOURCES)) {
    const users = [...source.users.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([user, count]) => `${cleanLine(user, 64)} (${count})`)
      .join(', ');
    lines.push(
      source.remote
        ? format(_('from {address}: {count} ({service}), as {users}; the latest at {time}'), {
            address: cleanLine(source.source, 64),
            count: source.count,
            service: source.service,
            users: users || '?',
            time: formatClock(source.last),
          })
        : format(_('for the user {user}, on this computer: {count} ({service}); the latest at {time}'), {
            user: cleanLine(source.source, 64),
            count: source.count,
            service: source.service,
            time: formatClock(source.last),
          }),
    );
  }
  if (sources.length > SHOWN_SOURCES) {
    const more = sources.length - SHOWN_SOURCES;
    lines.push(format(ngettext('and {count} more source', 'and {count} more sources', more), { count: more }));
  }
  return lines;
}

async function readTally(wanted: AuthAttemptsParams, options: ShowLogsOptions): Promise<AuthTally | null> {
  // On the machine, every journal it may read: one program's lines are split between the system's and a user's
  // journal by the UID each was written under (sudo's pam_unix lines as root, its summary as the user).
  const standIn = wanted.directory ?? options.directory ?? options.systemJournal ?? options.userJournal;
  const source = standIn ? journalSourceArgs(wanted, options) : [];
  const common = [...source, '--quiet', '--no-pager', '--output=json'];
  const writer = writerMatches((await writerAt(common, wanted.cursor)) ?? {});
  if (!writer) return null;
  const { stdout } = await journalctl([
    ...common,
    '--output-fields=MESSAGE,__REALTIME_TIMESTAMP,_PID,SYSLOG_IDENTIFIER',
    `--since=@${Math.floor(Date.parse(wanted.since) / 1000)}`,
    `--lines=${MAX_LINES}`,
    ...writer.matches,
  ]);
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as Entry;
      return {
        message: messageOf(entry),
        at: new Date(Number(entry.__REALTIME_TIMESTAMP ?? 0) / 1000),
        ...(typeof entry._PID === 'string' && { pid: entry._PID }),
        ...(typeof entry.SYSLOG_IDENTIFIER === 'string' && { identifier: entry.SYSLOG_IDENTIFIER }),
      };
    });
  return tallyAttempts(writer.name, lines);
}

/** info.auth_attempts; `options` says which journals it reads (info.show_logs' options). */
export function authAttemptsAction(options: ShowLogsOptions = {}): ActionDefinition<AuthAttemptsParams> {
  return {
    name: 'info.auth_attempts',
    title: N_('Show who was tried and from where'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result: with no attempt in the program's lines there is nothing to show.
    async preview(wanted) {
      const tally = await readTally(wanted, options);
      const details = tally ? describeTally(tally) : [];
      return {
        summary: tally
          ? format(_('Count the failed sign-in attempts {program} told of, by user and address'), {
              program: tally.program,
            })
          : _('Count the failed sign-in attempts by user and address'),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run(wanted) {
      const tally = await readTally(wanted, options);
      const details = tally ? describeTally(tally) : [];
      return {
        summary: (details.length > 0 ? details : [_('No failed sign-in attempt in those lines now')]).join('\n'),
        undo: { impossible: _('counting sign-in attempts changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('counted the failed sign-in attempts') };
    },
  };
}
