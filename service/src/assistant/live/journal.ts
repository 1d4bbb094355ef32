// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Searching the journal with journalctl's own export format (-o json), for the
// assistant's search_journal and unit_status.
import { directoryArgs, journalctl } from '../../fixes/actions/journalctl.js';
import { cleanLine } from '../../untrustedText.js';
import { JOURNAL_FIELDS, parseJournalLine } from '../../watch/journalEntry.js';
import type { JournalLine, JournalQuery } from '../machine.js';

/** Which journals to read: directories of journal files, and this machine's system and user journals. */
export interface JournalSource {
  directories: string[];
  system: boolean;
  user: boolean;
}

/** journald's priority for an entry that names none (LOG_INFO). */
const DEFAULT_PRIORITY = 6;
const DEBUG = 7;
const IDENTIFIER_LENGTH = 100;

// journalctl takes one --directory, so each directory is its own run; the
// machine's journals are one more run, with no directory.
function journalArgs(source: JournalSource): string[][] {
  const runs = source.directories.map((directory) => directoryArgs({ directory }));
  if (source.system && source.user) runs.push([]);
  else if (source.system) runs.push(['--system']);
  else if (source.user) runs.push(['--user']);
  return runs;
}

// --grep takes a PCRE2 pattern; the text is meant literally.
const literalPattern = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

function queryArgs(query: JournalQuery): string[] {
  const args = [
    '-o',
    'json',
    `--output-fields=${JOURNAL_FIELDS.join(',')}`,
    '--no-pager',
    '--all',
    // Newest first, so that -n counts the lines that match: journalctl 252 counts
    // -n back from the tail before it applies --grep.
    '--reverse',
    '-n',
    String(query.limit),
  ];
  const seconds = (date: Date, round: (value: number) => number) => `@${round(date.getTime() / 1000)}`;
  if (query.since) args.push(`--since=${seconds(query.since, Math.floor)}`);
  if (query.until) args.push(`--until=${seconds(query.until, Math.ceil)}`);
  // Debug is every entry, so no --priority: since systemd 257 (Debian 13), --priority=7 leaves out the entries
  // that name no priority.
  if (query.priority !== undefined && query.priority < DEBUG) args.push(`--priority=${query.priority}`);
  if (query.unit) args.push(query.scope === 'user' ? `--user-unit=${query.unit}` : `--unit=${query.unit}`);
  // systemd 252 is built with PCRE2 here, so journalctl filters the text itself.
  if (query.text) args.push(`--grep=${literalPattern(query.text)}`, '--case-sensitive=false');
  return args;
}

function toLine(json: string): JournalLine | null {
  // Which journal a line came from does not matter here.
  const entry = parseJournalLine(json, true);
  if (entry instanceof Error) return null;
  return {
    time: new Date(Number(entry.realtimeUs / 1000n)),
    priority: entry.priority ?? DEFAULT_PRIORITY,
    // A user unit's lines also carry the user manager's own unit (user@1000.service).
    unit: cleanLine(entry.userUnit ?? entry.unit ?? '', IDENTIFIER_LENGTH),
    identifier: cleanLine(entry.identifier ?? '', IDENTIFIER_LENGTH),
    message: cleanLine(entry.message),
  };
}

async function readOne(journal: string[], query: JournalQuery): Promise<JournalLine[]> {
  // journalctl --grep exits 1, as grep does, when nothing matches.
  const { stdout } = await journalctl([...journal, ...queryArgs(query)], undefined, query.text ? 1 : undefined);
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map(toLine)
    .filter((line): line is JournalLine => line !== null);
}

/** The newest `query.limit` matching lines of the readable journals, oldest first. */
export async function searchJournal(query: JournalQuery, source: JournalSource): Promise<JournalLine[]> {
  const runs = await Promise.allSettled(journalArgs(source).map((journal) => readOne(journal, query)));
  // One unreadable journal (another user's, a missing directory) leaves the others to answer.
  const failures = runs.filter((run) => run.status === 'rejected');
  if (failures.length > 0 && failures.length === runs.length) throw failures[0]?.reason;
  return runs
    .filter((run) => run.status === 'fulfilled')
    .flatMap((run) => run.value)
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .slice(-query.limit);
}
