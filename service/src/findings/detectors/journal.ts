// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the journal-based detectors.
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { isKernel, isSystemManager, isUserManager } from '../attribution.js';
import type { Evidence } from '../types.js';

// Who wrote a line is attribution's to say; the detectors take its tests from here with the other helpers.
export { isKernel, isSystemManager, isUserManager };

export type JournalEvent = Extract<WatchEvent, { type: 'journal' }>;

/** journald keeps the lines of UIDs from here on in each person's own journal, read apart from the system's. */
export const FIRST_PERSON_UID = 1000;

export function isJournal(event: WatchEvent): event is JournalEvent {
  return event.type === 'journal';
}

// Kernel lines as the detectors read them. journald strips the "[ 1234.567890] " time that dmesg prints, but
// lines pasted from dmesg (or dmesg -T: "[Mon Jun 20 09:18:02 2016] ") or an old syslog relay keep it: the
// detectors read both the same way.
const DMESG_TIME = /^(?:\[\s*(?:\d+\.\d+|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]\s*)+/;

/** The message without a leading dmesg time stamp. */
export function withoutDmesgTime(message: string): string {
  return message.replace(DMESG_TIME, '');
}

/** A kernel line as the kernel wrote it, without the time stamp dmesg or a syslog relay may have kept. */
export function kernelText(entry: JournalEntry): string {
  return withoutDmesgTime(entry.message);
}

/**
 * A process name without the parentheses around it, all of them: the kernel and systemd-coredump print
 * "(%s)" around a name that may itself be "(sd-pam)" or "(resolved)" (systemd's name for a child before
 * it executes the service's program), so "((sd-pam))" is "sd-pam", never "(sd-pam".
 */
export function bareProcessName(name: string): string {
  let bare = name.trim();
  while (bare.length > 2 && bare.startsWith('(') && bare.endsWith(')')) bare = bare.slice(1, -1).trim();
  return bare;
}

/** The first line of a message: coredump messages carry whole stack traces. */
export function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end < 0 ? message : message.slice(0, end);
}

export function journalEvidence(event: JournalEvent): Evidence {
  return { kind: 'journal', text: firstLine(event.entry.message), cursor: event.entry.cursor, at: event.at };
}

/**
 * The unit a message is about. A service manager names it in UNIT= / USER_UNIT= (its own _SYSTEMD_UNIT is
 * init.scope or user@1000.service, never the subject); any other program speaks of its own unit.
 */
export function unitOf(entry: JournalEntry): string | undefined {
  const named = entry.fields.UNIT ?? entry.fields.USER_UNIT;
  if (named !== undefined || isServiceManager(entry)) return subjectUnit(named);
  return subjectUnit(entry.fields._SYSTEMD_USER_UNIT ?? entry.fields._SYSTEMD_UNIT);
}

/** init.scope holds a service manager itself (and its helpers such as "(sd-pam)"): never what a finding is about. */
function subjectUnit(unit: string | undefined): string | undefined {
  return unit === 'init.scope' ? undefined : unit;
}

/** Messages written by a systemd service manager (PID 1, or a user's systemd), by journald's trusted fields. */
export function isServiceManager(entry: JournalEntry): boolean {
  return isSystemManager(entry) || isUserManager(entry);
}

/**
 * A system daemon speaking for itself: a process of the daemon's own system unit (only root can start one),
 * running the daemon's program. `name` is the program and unit name, e.g. "systemd-resolved".
 */
export function isDaemon(entry: JournalEntry, name: string): boolean {
  const { _SYSTEMD_UNIT: unit, _EXE: exe } = entry.fields;
  return unit === `${name}.service` && (exe === undefined || exe.slice(exe.lastIndexOf('/') + 1) === name);
}

/** A root process running the program `name` (its executable's file name, journald's trusted `_EXE`). */
export function isRootProgram(entry: JournalEntry, name: string): boolean {
  const exe = entry.fields._EXE ?? '';
  return entry.fields._UID === '0' && exe.slice(exe.lastIndexOf('/') + 1) === name;
}
