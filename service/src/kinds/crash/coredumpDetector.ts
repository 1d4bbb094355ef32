// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// coredump: systemd-coredump caught a crashing process.
import { bareProcessName, isJournal, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format, ngettext } from '../../i18n.js';
import type { JournalFields, WatchEvent } from '../../watch/events.js';

export const COREDUMP = 'coredump';

// Message IDs from systemd's catalog (catalog/systemd.catalog.in): "Process @COREDUMP_PID@ (@COREDUMP_COMM@)
// dumped core", and "… terminated abnormally" for a crash handed to systemd-coredump --backtrace with its trace.
const MESSAGE_COREDUMP = 'fc2e22bc6ee647b6b90729ab34a250b1';
const MESSAGE_BACKTRACE = '1f4e0a44a88649939aaea34fc6da8c95';
// "Process 4242 (gnome-calculato) of user 1000 dumped core." followed by the stack trace; the name may itself be in
// parentheses, "Process 1211 ((sd-pam)) of user 1000 dumped core.". (Newer versions first log "… terminated
// abnormally with signal 11/SEGV, processing...", without the ID: not a report.)
const DUMPED_CORE = /^Process (\d+) \((.+?)\) of user (\d+) dumped core\.?/;

/** Crashes of one program are counted over a day: a person says "it crashed three times today". */
const COUNT_WINDOW_MS = 24 * 60 * 60_000;
/** Programs whose crashes are counted, bounded: a machine has a few that crash. */
const MAX_COUNTED = 256;

const isCatalogued = (fields: JournalFields) =>
  fields.MESSAGE_ID === MESSAGE_COREDUMP || fields.MESSAGE_ID === MESSAGE_BACKTRACE;

/** The process a record of systemd-coredump's is about (COREDUMP_PID, or its "Process 4242 (…) … dumped core"). */
export function crashedProcess(entry: { message: string; fields: JournalFields }): string | undefined {
  if (!isCoredumpRecord(entry.fields)) return undefined;
  return (isCatalogued(entry.fields) ? entry.fields.COREDUMP_PID : undefined) ?? DUMPED_CORE.exec(entry.message)?.[1];
}

export class CoredumpDetector implements Detector {
  readonly kinds = [COREDUMP];
  /** When each program (the finding's subject) crashed within the window, oldest first. */
  private readonly crashes = new Map<string, number[]>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const fields = entry.fields;
    // MESSAGE_ID, the COREDUMP_* fields and the identifier are the writer's to set: any user can log them.
    if (!isCoredumpRecord(fields)) return [];
    const parsed = DUMPED_CORE.exec(entry.message);
    if (!isCatalogued(fields) && !parsed) return [];
    const comm = fields.COREDUMP_COMM ?? parsed?.[2];
    const subject = fields.COREDUMP_EXE ?? (comm && bareProcessName(comm));
    if (!subject) return [];
    // COREDUMP_COMM is cut to 15 characters ("gnome-calculato"): prefer the executable's name.
    const name = fields.COREDUMP_EXE ? subject.slice(subject.lastIndexOf('/') + 1) : subject;
    const signal = fields.COREDUMP_SIGNAL_NAME ?? (fields.COREDUMP_SIGNAL && `signal ${fields.COREDUMP_SIGNAL}`);
    const unit = fields.COREDUMP_USER_UNIT ?? fields.COREDUMP_UNIT;
    const inUnit = unit && !unit.endsWith('.scope') && !unit.endsWith('.slice') ? unit : undefined;
    const times = this.count(subject, event.at.getTime());
    return [
      {
        report: {
          kind: COREDUMP,
          severity: 'error',
          subject,
          title: times > 1 ? repeatedTitle(name, signal, times) : crashTitle(name, signal, inUnit),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  /** Records a crash of `subject` at `at`; how many it had within the window, this one included. */
  private count(subject: string, at: number): number {
    const recent = (this.crashes.get(subject) ?? []).filter((time) => Math.abs(at - time) < COUNT_WINDOW_MS);
    recent.push(at);
    if (!this.crashes.has(subject) && this.crashes.size >= MAX_COUNTED) this.crashes.clear();
    this.crashes.set(subject, recent);
    return recent.length;
  }
}

/** "gjs-console crashed 3 times (SIGTRAP)": the count within the day, which the finding's title keeps up to date. */
function repeatedTitle(name: string, signal: string | undefined, times: number): string {
  const count = String(times);
  return signal
    ? format(ngettext('{name} crashed {count} time ({signal})', '{name} crashed {count} times ({signal})', times), {
        name,
        count,
        signal,
      })
    : format(ngettext('{name} crashed {count} time', '{name} crashed {count} times', times), { name, count });
}

/**
 * Whether journald's trusted fields say systemd-coredump itself wrote the entry: its program, run as root (the
 * kernel starts it as the core pattern's helper, or its socket unit does). `_COMM` is cut to 15 characters.
 * journald reads them from /proc after the entry arrives (systemd#2913): a systemd-coredump that has ended by then,
 * its parent not having reaped it yet, has kept its name but no longer has an executable, so its `_EXE` is left out;
 * root's `_COMM` then says it alone.
 */
export function isCoredumpRecord(fields: JournalFields): boolean {
  const exe = fields._EXE;
  const named = fields._COMM === 'systemd-coredum' || fields._COMM === 'systemd-coredump';
  if (fields._UID !== '0' || !named) return false;
  return exe === undefined || exe.slice(exe.lastIndexOf('/') + 1) === 'systemd-coredump';
}

function crashTitle(name: string, signal: string | undefined, unit: string | undefined): string {
  if (signal && unit) return format(_('{name} crashed ({signal}) in {unit}'), { name, signal, unit });
  if (signal) return format(_('{name} crashed ({signal})'), { name, signal });
  if (unit) return format(_('{name} crashed in {unit}'), { name, unit });
  return format(_('{name} crashed'), { name });
}
