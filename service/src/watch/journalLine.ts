// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reads only the wanted fields of one line of `journalctl --output=json`,
// without building the whole object: JSON.parse of a journal line is most of
// the journal source's cost, and journalctl prints the fields in a different
// order on each line, which keeps V8's parser off its fast path. Anything but
// the flat "KEY":"text" form journalctl prints is left to JSON.parse
// (answered null), so the result is always what JSON.parse would give.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The index of the quote that closes the string opening at `open`; -1 when there is none. */
function stringEnd(line: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = line.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    let slashes = 0;
    while (line.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote;
  }
}

/** The index just past the array opening at `open` (binary and repeated fields), -1 when it does not close. */
function arrayEnd(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(line, i);
      if (i < 0) return -1;
    } else if (c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACKET && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The string values of the `wanted` fields on `line`, when every wanted one is a string and the line is a
 * flat object; null otherwise (arrays or null in a wanted field, anything unexpected), for JSON.parse to read.
 * Throws as JSON.parse would on a bad escape in a wanted value.
 */
export function scanJournalLine(line: string, wanted: ReadonlySet<string>): Record<string, string> | null {
  const fields: Record<string, string> = {};
  return scan(line, wanted, fields, null, same) ? fields : null;
}

/** An entry as scanJournalEntry reads it: the kept fields apart from the two that locate it. */
export interface ScannedEntry {
  fields: Record<string, string>;
  cursor?: string;
  realtime?: string;
}

/**
 * As scanJournalLine, for the journal source: __CURSOR and __REALTIME_TIMESTAMP go to their own slots, the
 * `kept` fields, each through `keep`, to `fields`. One object per entry, built once: the source reads every
 * entry of the journal, and a second object to copy the fields into was a third of its parsing time.
 */
export function scanJournalEntry(
  line: string,
  kept: ReadonlySet<string>,
  keep: (text: string) => string,
): ScannedEntry | null {
  const entry: ScannedEntry = { fields: {}, cursor: undefined, realtime: undefined };
  return scan(line, kept, entry.fields, entry, keep) ? entry : null;
}

const same = (text: string) => text;

/** Each wanted set's fields numbered in the set's order. */
const slotsOf = new WeakMap<ReadonlySet<string>, { slots: Map<string, number>; keys: string[] }>();

function numbered(wanted: ReadonlySet<string>) {
  let numbering = slotsOf.get(wanted);
  if (!numbering) {
    const keys = [...wanted];
    numbering = { slots: new Map(keys.map((key, slot) => [key, slot])), keys };
    slotsOf.set(wanted, numbering);
  }
  return numbering;
}

// The wanted values of the line being scanned, by slot (scanning is synchronous, so one array serves all).
const values: (string | undefined)[] = [];

function scan(
  line: string,
  wanted: ReadonlySet<string>,
  fields: Record<string, string>,
  located: ScannedEntry | null,
  keep: (text: string) => string,
): boolean {
  const { slots, keys } = numbered(wanted);
  values.length = 0;
  values.length = keys.length;
  if (!scanInto(line, slots, located)) return false;
  // Added in one order whatever order journalctl printed them in, the field objects share V8's hidden
  // classes: adding them as they came made every entry a shape of its own, which was most of the parsing time.
  keys.forEach((key, slot) => {
    const text = values[slot];
    if (text !== undefined) fields[key] = keep(text);
  });
  return true;
}

function scanInto(line: string, slots: ReadonlyMap<string, number>, located: ScannedEntry | null): boolean {
  if (line.charCodeAt(0) !== OPEN_BRACE || line.charCodeAt(line.length - 1) !== CLOSE_BRACE) return false;
  if (line.length === 2) return true;
  let i = 1;
  for (;;) {
    if (line.charCodeAt(i) !== QUOTE) return false;
    const keyEnd = line.indexOf('"', i + 1);
    if (keyEnd < 0 || line.charCodeAt(keyEnd + 1) !== COLON) return false;
    // Field names are upper-case letters, digits and "_": a backslash means something else.
    const key = line.slice(i + 1, keyEnd);
    if (key.includes('\\')) return false;
    const slot =
      located === null ? null : key === '__CURSOR' ? 'cursor' : key === '__REALTIME_TIMESTAMP' ? 'realtime' : null;
    const wantedSlot = slots.get(key);
    const want = slot !== null || wantedSlot !== undefined;
    const start = keyEnd + 2;
    const first = line.charCodeAt(start);
    let end: number;
    if (first === QUOTE) {
      const close = stringEnd(line, start);
      if (close < 0) return false;
      if (want) {
        const raw = line.slice(start + 1, close);
        const text = raw.includes('\\') ? (JSON.parse(line.slice(start, close + 1)) as string) : raw;
        if (slot !== null && located !== null) located[slot] = text;
        else if (wantedSlot !== undefined) values[wantedSlot] = text;
      }
      end = close + 1;
    } else if (first === OPEN_BRACKET && !want) {
      end = arrayEnd(line, start);
      if (end < 0) return false;
    } else {
      return false;
    }
    const next = line.charCodeAt(end);
    if (next === CLOSE_BRACE && end === line.length - 1) return true;
    if (next !== COMMA) return false;
    i = end + 1;
  }
}
