// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Findings: what Steward tells the user about. Detectors report them; the
// store deduplicates them by (kind, subject) and keeps them across restarts.
import { SEVERITIES, type Severity } from '../severity.js';
import type { WatchEvent } from '../watch/events.js';
import type { Attribution } from './attribution.js';

export { SEVERITIES, type Severity };

export interface Evidence {
  /** What the evidence is, e.g. 'journal', 'file', 'metric'. */
  kind: 'journal' | 'file' | 'metric' | 'text';
  /** One line for people, e.g. the log line or "4.2 GB free of 250 GB". */
  text: string;
  /** The journal cursor of a log line, to find it again. */
  cursor?: string;
  /**
   * Which journal the line is in: 'system', 'user', or an extra journal directory the service follows
   * (watch.journal.directories); set by the pipeline from the source that read it.
   */
  journal?: string;
  /** A file the evidence names: the changed file, the configuration file a daemon complained about. */
  path?: string;
  /** The line of `path` the evidence names (1-based). */
  line?: number;
  /**
   * The unit a journal line is from, or about where a service manager wrote it, by journald's trusted fields; set by
   * the pipeline. Not a scope or slice, which hold many programs. What ties a finding to others of one problem.
   */
  unit?: string;
  /**
   * The program of `unit` that wrote the line (journald's _COMM), where the unit's own process wrote it: not a service
   * manager or the kernel, whose lines are about others. What ties a unit's failure to a finding about that program
   * (dpkg's interrupted run, in the unit dpkg was killed in).
   */
  writer?: string;
  /** When the evidence was seen. */
  at: Date;
}

/** A detector saw a problem (again). */
export interface FindingReport {
  kind: string;
  severity: Severity;
  /** What the finding is about: a unit, a path, an interface, a mount; '' for the machine as a whole. */
  subject: string;
  /** One line for people, e.g. "bluetooth.service failed (exit code 1)". */
  title: string;
  evidence: Evidence[];
  at: Date;
  /** Who vouches for it; the pipeline sets it from the event the detector read. */
  attribution?: Attribution;
  /** More evidence of the occurrence last reported (a line that came late): added to it, not counted again. */
  sameOccurrence?: boolean;
}

/** A detector saw that a problem's condition cleared (the unit is active again, space was freed). */
export interface ResolutionReport {
  kind: string;
  subject: string;
  at: Date;
}

export type DetectorOutput = { report: FindingReport } | { resolve: ResolutionReport };

/**
 * Turns events into findings. Each detector is small, has one job, and may keep
 * state between events (counting restarts, remembering recent changes).
 */
export interface Detector {
  /** The finding kinds it reports, e.g. ['unit-failed']. */
  readonly kinds: readonly string[];
  /** Runs after every other detector, told whether any of them had output for the event (it claimed it). */
  readonly runsLast?: boolean;
  detect(event: WatchEvent, claimed?: boolean): DetectorOutput[];
  /**
   * Whether the event is one this detector reads as part of its kind though it reports nothing for it now (a
   * failure below its threshold, a reason kept for when a unit fails): a line no other detector is to call
   * unrecognised. Read without changing the detector's state.
   */
  claims?(event: WatchEvent): boolean;
  /**
   * When the earliest line it holds for the lines that may follow it stops waiting (ms since the epoch), if it holds
   * one: the pipeline then calls `expire`, so a wait has its deadline though the journal falls silent.
   */
  heldUntil?(): number | undefined;
  /** Reports what it held whose wait ended by `now`, each with the event it was held for. */
  expire?(now: number): HeldOutput[];
}

/** What a detector held for a line that did not come, reported once the wait is over. */
export interface HeldOutput {
  event: WatchEvent;
  output: DetectorOutput;
}

/** The earliest deadline of what a detector holds (its `heldUntil`), or undefined when it holds nothing. */
export function earliestDeadline(held: Iterable<{ until: number }>): number | undefined {
  let earliest: number | undefined;
  for (const { until } of held) earliest = Math.min(earliest ?? until, until);
  return earliest;
}
