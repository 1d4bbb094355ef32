// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// extension-error: a GNOME Shell extension threw or failed to load, as gnome-shell's own journal lines say. Only
// the shell's lines count, as findings/writers.ts proves them: the installed gnome-shell program, run by the
// session's user, in the shell's unit or the login session's scope. An extension runs inside the shell, so its
// errors reach the journal as the shell's. A line is still only a line: the finding is GNOME Shell's report, vouched
// for by no one, and turning the extension off waits for the shell's own state (playbook.ts).
// The extension is named by the shell's own words ("Extension <uuid>: …") or by the first stack frame in a
// file under an extensions/<uuid>/ directory; an error whose stack has no such frame is the shell's own. An error at
// err printed without its stack, or gjs's critical about a destroyed object, names no one yet: a finding of its own
// (UNNAMED_SHELL_ERROR), which a frame that follows naming the extension replaces.
// Steward's own extension is never the subject, as in the state detector: it cannot be asked to turn itself off.
// Shells before 3.34 that gnome-session started could write to its standard error, and the preferences tool the
// shell ran wrote there too: gnome-session's proven lines are read the same way, as the shell's words it passed on
// (oleid/gnome-shell-teatime#12: prefs.js frames as gnome-session's). Its own lines never name an extension.

import { componentFailure } from '../../desktop/componentFailure.js';
import { LOG_ERR, LOG_WARNING } from '../../desktop/componentLines.js';
import { isJournal, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { STEWARD_UUID } from './shell.js';

export const EXTENSION_ERROR = 'extension-error';

/** A stack printed apart from its JS ERROR line (stderr, one journal line each) follows it within this time. */
const STACK_FOLLOWS_MS = 2_000;

// A file of an installed extension: ~/.local/share/gnome-shell/extensions/<uuid>/…, /usr/share/gnome-shell/
// extensions/<uuid>/…, as a path or a file:// URI (GNOME 45's modules). The uuid is a directory name.
// (No "/" in a character class here: xgettext, which reads this file for messages, would end the pattern there.)
const EXTENSION_FILE = /\/gnome-shell\/extensions\/([^\s"'`:]+?)\//;
// gjs's stack frames, one a line: "name@/path/file.js:12:3" ("get name@…" for an accessor), "@file:///path/file.js:12", " @~/path/file.js:4"
// (gjs before 1.50), and gjs's dump after a critical: "#0   7ffc63a2ceb0 b   /path/file.js:333 (7fd0 @ 359)". A dump's
// frame is long, and journalctl cuts a line at the terminal's width: one cut inside its closing "(… @ …)", the
// interpreter's own addresses, still names its file and line whole ("…/todaysFactsWidget.js:193 (0x7f047ef25d58 @ 4").
const FRAME =
  /^\s*(?:(?:[gs]et )?[^\s@]*@(?:file:\/\/|resource:\/\/|~?\/)\S*:\d+(?::\d+)?|#\d+\s+(?:0x)?[\da-f]+\s+[bi]\s+\S+:\d+\s*\(.*)\s*$/i;
// gjs's heading of a dumped stack: "== Stack trace for context 0x55869671d900 ==".
const STACK_HEADING = /^== Stack trace for context [\da-fx]+ ==$/;

// The shell's words for a failing extension (js/ui/extensionSystem.js, 3.x to 47): logExtensionError's
// "Extension <uuid>: <error>" (3.34 and later, after "JS ERROR: ") and "Extension "<uuid>" had error: <error>"
// (before), and "Error loading extension <uuid>" / "Failed to <do> extension <uuid>". Unquoted, a uuid is
// taken only in its usual "name@namespace" form, so that "Extension manager: …" names none.
const NAMED = [
  /\bExtension "([^"\s]+)" had error\b/,
  /^JS ERROR: Extension ([^\s":@]+@[^\s":]+): /,
  /\b(?:Error loading|Could not load|Failed to [a-z]+(?: [a-z]+)?) extension "?([^\s":@]+@[^\s":]+?)"?(?:[:.,]|\s|$)/i,
  // js/ui/extensionDownloader.js, since 3.10: an extension that could not be installed or updated, or whose settings
  // schema did not compile ("Error while installing <uuid>: …", "Error while downloading update for extension <uuid>:
  // (…)"), and "Failed to install extension updates for <uuid>" (extensionSystem.js). A uuid is its directory's name.
  /^Error while (?:installing|(?:updating|downloading update for|looking for schema for|compiling schema for) extension) "?([^\s":@]+@[^\s":]+?)"?: /,
  /^Failed to install extension updates for "?([^\s":@]+@[^\s":]+?)"?$/,
  // getSettings()'s error for an extension whose settings schema is not installed (extensionUtils.js 3.36 to 44,
  // sharedInternals.js since 45), whoever logged it: the extension cannot read its settings.
  /\bSchema \S+ could not be found for extension ([^\s":@]+@[^\s":]+?)\. Please check your installation\b/,
];
// GLib's own prefix where a line reached the journal through standard error (the shell before 3.34, started by
// gnome-session: "(gnome-shell:3365): Gjs-WARNING **: 10:12:01.123: JS ERROR: …", "GNOME Shell-Message: Extension …",
// "Gjs-Message: JS LOG: …"; gmessages.c: "** " without a domain, the program and PID for warnings and worse, the domain,
// the level, " **" for warnings and worse, the time since 2.50), and gjs's indentation before 1.34 ("    JS ERROR: …"):
// the shell's words follow it as they would in a line of its own.
const GLIB_PREFIX =
  /^\s*(?:\*\* )?(?:\([^\s():]+:\d+\): )?(?:[\w .-]+-)?(?:ERROR|CRITICAL|WARNING|Message|INFO|DEBUG)(?: \*\*)?: (?:\d{2}:\d{2}:\d{2}\.\d{3}: )?/;

/** A line of the shell's as its own code wrote it: without GLib's prefix and gjs's indentation. */
export const shellWords = (message: string): string => message.replace(GLIB_PREFIX, '').trimStart();
// "Extension <uuid>: …" without gjs's "JS ERROR: " is an error only at journald's warning level or above (gjs's
// logError): at notice or info it is an extension's own log() that names itself ("Extension ding@…: Loaded").
const NAMED_BARE = /^Extension ([^\s":@]+@[^\s":]+): /;
// The same line whose text is a JavaScript exception, as gjs prints one: its class ("TypeError", "Error",
// "GLib.Error", "Gio.IOErrorEnum") before a colon. That is logExtensionError's error, whatever level it came at.
const NAMED_EXCEPTION = /^Extension ([^\s":@]+@[^\s":]+): (?:[A-Z]\w*\.)*(?:[A-Z]\w*)?(?:Error|Exception|ErrorEnum)\b:/;
// gjs 1.80 and later print logError's error without "JS ERROR: ", its stack under a heading of its own:
// "TypeError: x is null\n\nStack trace:\n\t enable@file:///…". The heading is gjs's mark of an error's stack.
const STACK_SECTION = /\n\s*Stack trace:\s*\n/;
// An error of the shell's JavaScript whose stack follows: gjs's "JS ERROR", its "Unhandled promise rejection",
// and its critical about an object of an extension's used after it was destroyed.
// gjs before 1.34 printed its strict-mode warnings as "JS ERROR: !!!   WARNING: …": those are no errors.
const JS_ERROR =
  /\bJS ERROR: (?!!!!\s+WARNING\b)|\bUnhandled promise rejection\b|^Object \S+ \(0x[\da-f]+\), has been already (?:deallocated|disposed|finalized)/i;

// gjs's critical about an object used after C code destroyed it ("Object St.Bin (0x…), has been already deallocated —
// impossible to …"): JavaScript that kept an actor another part destroyed, in the shell nearly always an extension's.
const USED_AFTER_DESTROYED = /^Object \S+ \(0x[\da-f]+\), has been already (?:deallocated|disposed|finalized)/i;
/**
 * The subject of an error of the shell's JavaScript whose line names no extension: a JS ERROR printed without its
 * stack, or gjs's critical about a destroyed object. Replaced by the extension's own finding where a frame names one.
 */
export const UNNAMED_SHELL_ERROR = 'gnome-shell';

// A line whose level is not known (a report that left the levels out) is no error: a warning at most.
const atErr = (entry: JournalEntry) => (entry.priority ?? LOG_WARNING) <= LOG_ERR;

/** The writers whose lines carry the shell's words (findings/writers.ts's names): the shell, and its session manager. */
const SHELL_WORDS_WRITERS: ReadonlySet<string> = new Set(['gnome-shell', 'gnome-session']);

interface ShellError {
  uuid: string;
  /** The error's own words, the first line of what the shell logged. */
  message: string;
}

/** The extension a gnome-shell message says failed, or null when the message is no error of an extension's. */
export function extensionErrorOf(message: string, priority = LOG_WARNING): ShellError | null {
  const lines = shellWords(message).split('\n');
  const head = lines[0] ?? '';
  for (const regex of priority <= LOG_WARNING ? [...NAMED, NAMED_BARE] : [...NAMED, NAMED_EXCEPTION]) {
    const uuid = regex.exec(head)?.[1];
    if (uuid && validUuid(uuid)) return { uuid, message: head };
  }
  if (!JS_ERROR.test(head) && !STACK_SECTION.test(message)) return null;
  // The first frame in an extension's file names it: the frames above are where the error came from, the
  // shell's own frames below are what called the extension.
  const uuid = lines.map((line) => EXTENSION_FILE.exec(line)?.[1]).find((found) => found !== undefined);
  return uuid && validUuid(uuid) ? { uuid, message: head } : null;
}

// An extension's uuid names its directory: no path separators, and never "." or "..".
const validUuid = (uuid: string) => uuid.length <= 200 && uuid !== '.' && uuid !== '..' && !/[/\\]/.test(uuid);

export class ExtensionErrorDetector implements Detector {
  readonly kinds = [EXTENSION_ERROR];
  /** Per gnome-shell process, a JS ERROR whose stack was not in its own line and may follow it. */
  private readonly pendingStack = new Map<string, { at: number; message: string; attributed: boolean }>();

  constructor(private readonly writers: Writers) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !SHELL_WORDS_WRITERS.has(this.writers.provenWriter(event.entry)?.name ?? '')) return [];
    const message = shellWords(event.entry.message);
    const process = event.entry.fields._PID ?? '';
    const now = event.at.getTime();
    const found = extensionErrorOf(message, event.entry.priority);
    if (found) {
      this.pendingStack.delete(process);
      return found.uuid === STEWARD_UUID ? [] : [this.report(event, found)];
    }
    const heading = STACK_HEADING.test(message);
    if ((JS_ERROR.test(message) && !message.includes('\n')) || (heading && !this.pendingStack.has(process))) {
      // gjs dumps a stack only for a critical of the JavaScript that ran: its frames tell whose code it was.
      this.pendingStack.set(process, { at: now, message, attributed: false });
      // At err, the error is the shell's JavaScript failing before any frame says whose: a finding of its own, which
      // a frame naming an extension replaces.
      return !heading && atErr(event.entry) ? [this.unnamed(event, message)] : [];
    }
    if (USED_AFTER_DESTROYED.test(message) && atErr(event.entry))
      return [this.unnamed(event, message.split('\n')[0] ?? message)];
    const pending = this.pendingStack.get(process);
    if (!pending) return this.orphanDump(event, message);
    const ofStack = heading || FRAME.test(message);
    if (!ofStack || now - pending.at > STACK_FOLLOWS_MS) {
      this.pendingStack.delete(process);
      return [];
    }
    pending.at = now;
    const uuid = EXTENSION_FILE.exec(message)?.[1];
    if (pending.attributed || !uuid || !validUuid(uuid)) return [];
    pending.attributed = true;
    const named: DetectorOutput = { resolve: { kind: EXTENSION_ERROR, subject: UNNAMED_SHELL_ERROR, at: event.at } };
    return uuid === STEWARD_UUID ? [named] : [named, this.report(event, { uuid, message: pending.message })];
  }

  /** An error of the shell's JavaScript whose line names no extension: the shell's report, the line its evidence. */
  private unnamed(event: Parameters<typeof journalEvidence>[0], error: string): DetectorOutput {
    return {
      report: {
        kind: EXTENSION_ERROR,
        severity: 'warning',
        subject: UNNAMED_SHELL_ERROR,
        title: format(_('GNOME Shell’s JavaScript failed, and the line names no extension: {error}'), {
          error: cleanLine(error, 160),
        }),
        evidence: [journalEvidence(event)],
        at: event.at,
        attribution: { vouchedBy: null, reportedBy: 'GNOME Shell' },
      },
    };
  }

  /**
   * A stack frame whose heading the journal or the report lost: gjs's dump ("#4 … /…/extensions/<uuid>/file.js:141
   * (…)"), which it prints only on a critical or a crash, or a frame of an error's stack ("enable@/…/extensions/<uuid>/
   * extension.js:12:3"), which gjs prints only under a JS ERROR or an unhandled rejection; a report that quotes the
   * lines naming the extension (grep's) keeps those alone. Its first frame in an extension's file names it.
   */
  private orphanDump(event: Parameters<typeof journalEvidence>[0], message: string): DetectorOutput[] {
    const uuid = FRAME.test(message) ? EXTENSION_FILE.exec(message)?.[1] : undefined;
    if (!uuid || !validUuid(uuid) || uuid === STEWARD_UUID) return [];
    this.pendingStack.set(event.entry.fields._PID ?? '', { at: event.at.getTime(), message, attributed: true });
    return [this.report(event, { uuid, message: message.trim() })];
  }

  /** A line of the shell's that is an error of its own: claimed, so never unrecognised, and quiet. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && componentFailure('shell', event.entry, this.writers) !== null;
  }

  private report(event: Parameters<typeof journalEvidence>[0], { uuid, message }: ShellError): DetectorOutput {
    return {
      report: {
        kind: EXTENSION_ERROR,
        severity: 'warning',
        subject: uuid,
        title: format(_('The extension {uuid} failed: {error}'), { uuid, error: message.trim() }),
        evidence: [journalEvidence(event)],
        at: event.at,
        // Only the shell's words get here (writers.ts, by journald's trusted fields); a line vouches for no
        // change by itself: the shell's state does (stateDetector.ts).
        attribution: { vouchedBy: null, reportedBy: 'GNOME Shell' },
      },
    };
  }
}
