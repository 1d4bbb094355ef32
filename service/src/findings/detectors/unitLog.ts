// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The last lines each unit logged, so that a unit-failed finding shows why the
// unit failed (nginx's "unknown directive" line) and not only that it did.
import type { Evidence } from '../types.js';
import { firstLine, isServiceManager, type JournalEvent } from './journal.js';

export interface UnitLogOptions {
  linesPerUnit?: number;
  /** Units remembered at once; the least recently logging one is forgotten first. */
  maxUnits?: number;
}

const MAX_LINE = 500;

export class UnitLog {
  private readonly linesPerUnit: number;
  private readonly maxUnits: number;
  // A Map iterates in insertion order: re-inserting on each line makes it an LRU.
  private readonly lines = new Map<string, Evidence[]>();

  constructor(options: UnitLogOptions = {}) {
    this.linesPerUnit = options.linesPerUnit ?? 5;
    this.maxUnits = options.maxUnits ?? 256;
  }

  /** Keeps the line for `unit`, by default the unit whose own process wrote it (not systemd writing about it). */
  remember(event: JournalEvent, unit = this.writer(event)): void {
    const entry = event.entry;
    if (!unit || entry.message === '') return;
    const kept = this.lines.get(unit) ?? [];
    this.lines.delete(unit);
    const text = firstLine(entry.message);
    kept.push({
      kind: 'journal',
      text: text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text,
      cursor: entry.cursor,
      at: event.at,
    });
    if (kept.length > this.linesPerUnit) kept.shift();
    this.lines.set(unit, kept);
    if (this.lines.size > this.maxUnits) this.lines.delete(this.lines.keys().next().value as string);
  }

  private writer({ entry }: JournalEvent): string | undefined {
    return isServiceManager(entry) ? undefined : (entry.userUnit ?? entry.unit);
  }

  /** The unit's last lines, oldest first; taking them starts the next failure afresh. */
  take(unit: string): Evidence[] {
    const kept = this.lines.get(unit) ?? [];
    this.lines.delete(unit);
    return kept;
  }
}
