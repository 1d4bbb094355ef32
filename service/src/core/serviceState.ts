// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { EventEmitter } from 'node:events';

import { bounded } from '../dbus/errors.js';

const MAX_PROBLEM = 500;

export type State = 'starting' | 'idle' | 'busy' | 'attention' | 'degraded';

interface Snapshot {
  state: State;
  reason: string;
  capabilities: string[];
}

/**
 * What the core interface reports. Parts of the service report problems here;
 * the State shown is the most serious one, so a problem in one part is not
 * hidden by another part becoming idle.
 */
export class ServiceState extends EventEmitter<{ changed: [names: ('State' | 'StateReason' | 'Capabilities')[]] }> {
  private started = false;
  private readonly problems = new Map<string, string>();
  private attention: string | null = null;
  private caps: string[] = [];
  private capProblems: Record<string, string> = {};
  private capDetails: Record<string, string> = {};
  /** What a part watches only in part, and why, by part. */
  private readonly partNotes = new Map<string, string>();
  private last: Snapshot = this.snapshot();

  get state(): State {
    return this.last.state;
  }

  get reason(): string {
    return this.last.reason;
  }

  get capabilities(): string[] {
    return this.caps;
  }

  /** Why probed capabilities are missing, by name; empty before start. */
  get capabilityProblems(): Record<string, string> {
    return this.capProblems;
  }

  /** What the probes found behind present capabilities, by name; empty before start. */
  get capabilityDetails(): Record<string, string> {
    return this.capDetails;
  }

  markStarted(
    capabilities: string[],
    problems: Record<string, string> = {},
    details: Record<string, string> = {},
  ): void {
    this.started = true;
    this.caps = [...capabilities];
    this.capProblems = { ...problems };
    this.capDetails = { ...details };
    this.update();
  }

  /** Records (or with `null`, clears) a problem of part `source` that makes the service degraded. */
  setProblem(source: string, problem: string | null): void {
    if (problem === null) this.problems.delete(source);
    // A problem can quote what it found (an invalid configuration's keys): the status stays readable.
    else this.problems.set(source, bounded(problem, MAX_PROBLEM));
    this.update();
  }

  /**
   * Records (or with `null`, clears) what part `source` does only in part, and why ("folders past a limit are not
   * watched"): shown in the status and by `steward doctor`, without making the service degraded.
   */
  setNote(source: string, note: string | null): void {
    if (note === null) this.partNotes.delete(source);
    else this.partNotes.set(source, bounded(note, MAX_PROBLEM));
  }

  /** The notes of every part, in the order they came. */
  get notes(): string[] {
    return [...this.partNotes.values()];
  }

  /** Records (or with `null`, clears) something on the machine the user should look at, e.g. "2 problems found". */
  setAttention(reason: string | null): void {
    this.attention = reason;
    this.update();
  }

  private snapshot(): Snapshot {
    const reasons = [...this.problems.values()];
    if (!this.started) return { state: 'starting', reason: '', capabilities: [] };
    // Steward's own problems come first: while it is degraded, its findings may be incomplete.
    if (reasons.length > 0) return { state: 'degraded', reason: reasons.join(' '), capabilities: this.caps };
    if (this.attention) return { state: 'attention', reason: this.attention, capabilities: this.caps };
    return { state: 'idle', reason: '', capabilities: this.caps };
  }

  private update(): void {
    const next = this.snapshot();
    const changed: ('State' | 'StateReason' | 'Capabilities')[] = [];
    if (next.state !== this.last.state) changed.push('State');
    if (next.reason !== this.last.reason) changed.push('StateReason');
    if (next.capabilities.join() !== this.last.capabilities.join()) changed.push('Capabilities');
    this.last = next;
    if (changed.length > 0) this.emit('changed', changed);
  }
}
