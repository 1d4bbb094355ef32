// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The last lines each unit logged, so that a unit-failed finding shows why the
// unit failed (nginx's "unknown directive" line) and not only that it did.
import { type SystemError, systemErrorIn } from '../../causes/systemError.js';
import type { Evidence } from '../types.js';
import { firstLine, isServiceManager, type JournalEvent } from './journal.js';

export interface UnitLogOptions {
  linesPerUnit?: number;
  /** Units remembered at once; the least recently logging one is forgotten first. */
  maxUnits?: number;
}

const MAX_LINE = 500;

const namesObject = (error: SystemError) =>
  error.path !== undefined || error.port !== undefined || error.host !== undefined;

export class UnitLog {
  private readonly linesPerUnit: number;
  private readonly maxUnits: number;
  // A Map iterates in insertion order: re-inserting on each line makes it an LRU.
  private readonly lines = new Map<string, Evidence[]>();
  /**
   * Each unit's last line that carries a system error, kept past its last lines: Java's exception comes before its
   * stack frames, Node's before its stack and the error's fields, and the frames alone say nothing of why.
   */
  private readonly errorLines = new Map<string, { line: Evidence; error: SystemError }>();

  constructor(options: UnitLogOptions = {}) {
    this.linesPerUnit = options.linesPerUnit ?? 5;
    this.maxUnits = options.maxUnits ?? 256;
  }

  /**
   * Keeps the line for `unit`, by default the unit whose own process wrote it (not systemd writing about it); returns
   * the unit it was kept for.
   */
  remember(event: JournalEvent, unit = this.writer(event)): string | undefined {
    const entry = event.entry;
    if (!unit || entry.message === '') return undefined;
    const kept = this.lines.get(unit) ?? [];
    this.lines.delete(unit);
    const text = firstLine(entry.message);
    const comm = entry.fields._COMM;
    const line: Evidence = {
      kind: 'journal',
      text: text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text,
      cursor: entry.cursor,
      at: event.at,
      // The program of the unit's own that wrote it: what ties the unit's failure to a finding about that program.
      ...(comm !== undefined && unit === this.writer(event) ? { writer: comm } : {}),
    };
    kept.push(line);
    if (kept.length > this.linesPerUnit) kept.shift();
    this.lines.set(unit, kept);
    this.rememberError(unit, line);
    if (this.lines.size > this.maxUnits) {
      const oldest = this.lines.keys().next().value as string;
      this.lines.delete(oldest);
      this.errorLines.delete(oldest);
    }
    return unit;
  }

  /** A later error replaces the one kept unless only the earlier names what it is about (a path, port or host). */
  private rememberError(unit: string, line: Evidence): void {
    const error = systemErrorIn(line.text);
    if (!error) return;
    const kept = this.errorLines.get(unit);
    if (!kept || namesObject(error) || !namesObject(kept.error)) this.errorLines.set(unit, { line, error });
  }

  private writer({ entry }: JournalEvent): string | undefined {
    return isServiceManager(entry) ? undefined : (entry.userUnit ?? entry.unit);
  }

  /** The unit's last lines, oldest first; taking them starts the next failure afresh. */
  take(unit: string): Evidence[] {
    const kept = this.lines.get(unit) ?? [];
    const error = this.errorLines.get(unit)?.line;
    this.lines.delete(unit);
    this.errorLines.delete(unit);
    return error && !kept.includes(error) ? [error, ...kept] : kept;
  }
}
