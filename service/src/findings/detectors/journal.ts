// Helpers shared by the journal-based detectors.
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import type { Evidence } from '../types.js';

export type JournalEvent = Extract<WatchEvent, { type: 'journal' }>;

export function isJournal(event: WatchEvent): event is JournalEvent {
  return event.type === 'journal';
}

/** The kernel log: _TRANSPORT=kernel, or forwarded kernel lines whose identifier is "kernel". */
export function isKernel(entry: JournalEntry): boolean {
  return entry.transport === 'kernel' || entry.identifier === 'kernel';
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
 * The unit a message from a service manager is about. PID 1 and the user
 * manager name it in UNIT= / USER_UNIT=; _SYSTEMD_UNIT would be init.scope or
 * user@1000.service there.
 */
export function unitOf(entry: JournalEntry): string | undefined {
  return entry.fields.UNIT ?? entry.fields.USER_UNIT ?? entry.unit ?? entry.userUnit;
}

/** Messages written by a systemd service manager (PID 1 or a user's systemd). */
export function isServiceManager(entry: JournalEntry): boolean {
  return entry.identifier === 'systemd' || entry.fields._PID === '1' || entry.pid === 1;
}
