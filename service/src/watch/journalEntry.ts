// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One line of `journalctl --output=json` → a JournalEntry.
import type { JournalEntry, JournalFields } from './events.js';
import { JOURNAL_FIELDS } from './journalFields.js';
import { scanJournalEntry, type ScannedEntry } from './journalLine.js';

export { JOURNAL_FIELDS };

const KEPT = new Set<string>(JOURNAL_FIELDS);

/** Longest field text kept (in UTF-16 code units); longer values are cut and marked. */
export const FIELD_CAP = 16 * 1024;

type JsonValue = string | number | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * journalctl prints a value as a string, as an array of byte numbers when it
 * is not printable UTF-8, and as an array of those when the field repeats.
 */
function decodeValue(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'number')) return Buffer.from(value).toString('utf8');
    return value.map(decodeValue).join('\n');
  }
  // null: a field over 4096 bytes without --all; numbers and objects do not occur
  return value === null ? '' : JSON.stringify(value);
}

function cap(text: string): string {
  if (text.length <= FIELD_CAP) return text;
  return `${text.slice(0, FIELD_CAP)}… [truncated from ${text.length} characters]`;
}

function integer(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The whole line as an object: what the scanner leaves to JSON.parse (binary and repeated fields). */
function parseObject(line: string): Record<string, JsonValue> {
  const parsed = JSON.parse(line) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  return parsed as Record<string, JsonValue>;
}

/** What the scanner leaves to JSON.parse (binary and repeated fields), read the same way. */
function parsedEntry(line: string): ScannedEntry {
  const raw = parseObject(line);
  const fields: Record<string, string> = {};
  for (const key in raw) if (KEPT.has(key)) fields[key] = cap(decodeValue(raw[key] as JsonValue));
  // Not strings when journalctl printed them otherwise: the caller refuses the entry then.
  return {
    fields,
    cursor: raw.__CURSOR as string | undefined,
    realtime: raw.__REALTIME_TIMESTAMP as string | undefined,
  };
}

/** The entry on `line`, or an error saying why it is not one. */
export function parseJournalLine(line: string, system: boolean): JournalEntry | Error {
  let scanned: ScannedEntry;
  try {
    scanned = scanJournalEntry(line, KEPT, cap) ?? parsedEntry(line);
  } catch (error) {
    return error as Error;
  }
  const { fields, cursor, realtime } = scanned as { fields: JournalFields; cursor?: unknown; realtime?: unknown };
  if (typeof cursor !== 'string' || !cursor || typeof realtime !== 'string' || !/^\d+$/.test(realtime)) {
    return new Error('an entry without __CURSOR or __REALTIME_TIMESTAMP');
  }
  const priority = integer(fields.PRIORITY);
  return {
    cursor,
    realtimeUs: BigInt(realtime),
    message: fields.MESSAGE ?? '',
    priority: priority !== undefined && priority <= 7 ? priority : undefined,
    unit: fields._SYSTEMD_UNIT ?? fields.UNIT,
    userUnit: fields._SYSTEMD_USER_UNIT ?? fields.USER_UNIT,
    identifier: fields.SYSLOG_IDENTIFIER ?? fields._COMM,
    pid: integer(fields._PID),
    transport: fields._TRANSPORT,
    system,
    fields,
  };
}
