// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Turns journal fixtures (arrays of entries as `journalctl --output=json` writes
// them, every field a string) into the WatchEvents the journald source emits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Detector, DetectorOutput, FindingReport, ResolutionReport } from '../../service/src/findings/types.js';
import type { JournalEntry, WatchEvent } from '../../service/src/watch/events.js';
import { parseJournalLine } from '../../service/src/watch/journalEntry.js';

export type JournalFields = Record<string, string>;

const FIXTURES = join('test', 'fixtures', 'journal');

export function readJournalFixture(name: string): JournalFields[] {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as JournalFields[];
}

/** The JournalEntry for one fixture entry, read by the source's own parser; `index` makes up a cursor when the entry has none. */
export function journalEntry(fields: JournalFields, index = 0): JournalEntry {
  const line = JSON.stringify({
    __CURSOR: `s=fixture;i=${index.toString(16)}`,
    __REALTIME_TIMESTAMP: '0',
    ...fields,
  });
  // Fixtures mix both journals: a user's own processes (uid ≥ 1000) wrote to the user journal.
  const system = fields._UID === undefined || Number(fields._UID) < 1000 || fields._TRANSPORT === 'kernel';
  const entry = parseJournalLine(line, system);
  if (entry instanceof Error) throw entry;
  return entry;
}

export function journalEvent(fields: JournalFields, index = 0): WatchEvent {
  const entry = journalEntry(fields, index);
  return { type: 'journal', at: new Date(Number(entry.realtimeUs / 1000n)), entry };
}

/** Every entry of a fixture file, in order, as events. */
export function journalEvents(name: string): WatchEvent[] {
  return readJournalFixture(name).map((fields, index) => journalEvent(fields, index));
}

/** Feeds events to a detector in order and collects what it says. */
export function runDetector(detector: Detector, events: readonly WatchEvent[]): DetectorOutput[] {
  return events.flatMap((event) => detector.detect(event));
}

export function reportsOf(outputs: readonly DetectorOutput[]): FindingReport[] {
  return outputs.flatMap((output) => ('report' in output ? [output.report] : []));
}

export function resolutionsOf(outputs: readonly DetectorOutput[]): ResolutionReport[] {
  return outputs.flatMap((output) => ('resolve' in output ? [output.resolve] : []));
}
