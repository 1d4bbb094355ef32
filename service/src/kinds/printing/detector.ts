// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// printer-problem: CUPS's scheduler says a print job or a queue failed. cupsd's own lines count, as
// findings/writers.ts proves them (CUPS's installed cupsd, as root, in cups.service): the backends and filters it
// runs speak through it, their stderr becoming its "[Job 42] …" lines, so a line no other process can fake says
// what the backend or filter said. The printing stack's other components (the backends that log themselves,
// cups-browsed, colord, cups-pk-helper, the kernel's USB printer driver) count where their error names its cause
// (componentFailure.ts: an errno, an IPP reason ending in "-error", a D-Bus error), and cups.service and
// cups-browsed.service failing are this kind's too (componentUnits.ts).

import { activationFailureTitle, busActivationFailure } from '../../desktop/busActivation.js';
import { componentFailure, deviceFailureIn } from '../../desktop/componentFailure.js';
import { lineLevel, programSaysFailed } from '../../desktop/componentLines.js';
import { ComponentUnitDetector } from '../../desktop/componentUnits.js';
import { Bursts } from '../../findings/detectors/bursts.js';
import { isJournal, isSystemManager, type JournalEvent, journalEvidence } from '../../findings/detectors/journal.js';
import {
  type Detector,
  type DetectorOutput,
  earliestDeadline,
  type FindingReport,
  type HeldOutput,
} from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const PRINTER_PROBLEM = 'printer-problem';

/** A failing queue retries every few seconds and each try logs several lines: one report per burst. */
const BURST_QUIET_MS = 5 * 60_000;
/** Jobs whose printer cupsd named, bounded: a busy print server queues many. */
const MAX_JOBS = 512;
/**
 * How long a job's error waits for the job's end: cupsd says a job completed once its filters and backend exited
 * well, which may be minutes after a filter's first complaint on a long job.
 */
export const JOB_END_WAIT_MS = 10 * 60_000;
/** LOG_ERR: cupsd logs a backend's or filter's "ERROR:" line at this level (job.c, update_job). */
const LOG_ERR = 3;
/** LOG_WARNING: its "WARNING:" lines, and finalize_job's "Backend … returned status …". */
const LOG_WARNING = 4;
const LOG_INFO = 6;

// cupsd's error_log, where a report copies it from: "E [17/Mar/2021:10:00:00 +0100] " (log.c, cupsdLogMessage), or
// its date alone where the report left the level out.
const ERROR_LOG_PREFIX = /^(?:[EWIDdCAX] \[[^\]]*\] |\[\d{2}\/\w{3}\/\d{4}:[^\]]*\] )/;
// log.c: cupsdLogJob prefixes "[Job %d] ", cupsdLogPrinter "[Printer %s] ".
const JOB_PREFIX = /^\[Job (\d+)\] /;
const PRINTER_PREFIX = /^\[Printer ([^\]\s]+)\] /;
// cupsd's helpers that run backends and drivers outside a job, whose stderr it logs with their name first (scheduler/
// cups-deviced.c, cups-driverd.cxx): "[cups-deviced] PID 1234 (snmp) stopped with status 1!". Their lines are the
// scheduler's own words about the programs they ran.
const HELPER_PREFIX = /^\[cups-(?:deviced|driverd)\] /;
// cups-deviced runs every backend with no arguments to list the devices it finds, when a person opens "Add Printer"
// or runs lpinfo -v, and reports each that exited other than 0: "[cups-deviced] PID 2342 (dnssd) stopped with status
// 1!". A backend exits 1 there where its way of finding printers is not on this machine (CUPS's dnssd without a
// DNS-SD daemon, snmp without a socket it may open; cups-filters' driverless where ippfind found nothing, before
// 1.28.9: OpenPrinting/cups-filters#375): that list lacks its printers, and no job or queue failed. Claimed, quiet; a
// backend that crashed there is still told.
const LISTING_EXITED = /^PID \d+ \(.+?\) stopped with status \d+/;
// printers.c, add_printer_filter: a queue whose driver names a filter that is not installed or may not run, which
// cupsd stops with the reason "cups-missing-filter-error": 'Filter "hpcups" for printer "HP_LaserJet" not available:
// No such file or directory'.
const MISSING_FILTER = /^Filter "([^"]+)" for printer "([^"]+)" not available: (.+)$/;
// cups/file.c, _cupsFileCheck, as cupsd logs it before it runs one of its programs (scheduler/process.c,
// cupsdStartProcess; log.c, cupsdLogFCMessage: at err, after the queue's name where a queue's filter was checked): a
// backend, filter, notifier or monitor it will not run, because the file or a folder above it may be changed by others
// than root, is not there, is not a file, or was named by a relative path. 'File "/usr/lib/cups/notifier/dbus" has
// insecure permissions (0100775/uid=0/gid=0).', 'HP: File "/usr/lib/cups/filter/hpcups" not available: No such file or
// directory'. Some reports copy the quotes escaped.
const FILE_CHECK =
  /^(?:([^\s:"]+): )?(?:File|Directory) \\?"([^"\\]+)\\?" (has insecure permissions \([^)]*\)|not available: .+|is a (?:directory|file)|contains a relative path)\.?$/;
// conf.c, read_cupsd_conf, read_cups_files_conf, read_location and read_policy: cupsd refusing a line of its own
// configuration at err, "Unknown directive Foo on line 12 of /etc/cups/cupsd.conf.", "Missing value for
// SystemGroup on line 20 of /etc/cups/cups-files.conf.", before CUPS 1.4 without the file ("Unknown Location directive
// RunAsUser on line 23."). cupsd goes on without that line (or stops, where FatalErrors says so), so what the
// administrator set there is not in effect. Its warnings of the same form (a duplicate <Location>, an unknown LogLevel
// it replaced with the default) leave the configuration working.
const CONFIG_LINE_REFUSED = /\bon line \d+(?: of \S+?)?\.?$/;
// job.c, cupsdLoadJob and ipp.c, add_job: "[Job 42] Queued on \"HP_LaserJet\" by \"alice\"."
const QUEUED_ON = /^Queued on "([^"]+)" by /;
// log.c: cupsd logging to the journal gives a job's or printer's line its queue's URI ("URI=ipp://localhost/
// printers/Office"); only cupsd's lines are read, so the field is cupsd's word.
const QUEUE_URI = /^ipps?:\/\/[^/]+\/(?:printers|classes)\/([^/?#]+)$/;
// job.c, update_job: a message the backend marked as one it will retry after.
const RECOVERABLE = /^recoverable: /;
// A backend waiting its turn at a printer another computer is using (backend/ipp.c, lpd.c, socket.c: ECONNREFUSED's
// "The printer is in use.", "Printer is busy", "Waiting for printer to become available."): no failure.
const WAITING_ITS_TURN = /\b(?:is in use|is busy|Waiting for)\b/i;
// job.c, cupsdSetJobState: the job ended well ("Completed successfully." before CUPS 1.4).
const COMPLETED = /^(?:Job completed|Completed successfully)\.$/;
// What CUPS's own backends (backend/usb-*.c, socket.c, ipp.c, lpd.c, network.c, runloop.c) print of a printer that does
// not answer, is gone, or refused the job, from their message catalog: "The printer is not responding.", "There was an
// unrecoverable USB error.", "Print job was not accepted.", and the catalog's "Unable to …" of the device, the printer
// and the print data ("Unable to open device file", "Unable to locate printer \"%s\".", "Unable to write print
// data"). A report that left out the job's prefix still shows a backend's line, and a journal copied without levels
// shows them at info; not what they print while they wait ("The printer is in use.", "Waiting for printer to become
// available.").
const BACKEND_PRINTER_FAILED =
  /^(?:recoverable: )?(?:The printer (?:is not responding|did not respond|is unreachable at this time|may not exist or is unavailable at this time|is not connected|is offline|configuration is incorrect)|There was an unrecoverable USB error|Print job (?:was not accepted|too large|canceled at printer)|Printer cannot print (?:supplied content|with supplied options)|Remote host did not (?:accept (?:control|data) file|respond with command status byte)|Printer not connected|Unable to (?:open device file|locate printer|send data to printer|write print data|get printer status|open print file))\b/;
// Samba's status names (NTSTATUS, as nt_errstr() prints them), from the smb backend (smbspool) refused by the Windows
// share it prints to: "[Job 12] NT_STATUS_ACCESS_DENIED opening remote spool HP". Not the ones that mean success or
// a step of a logon.
const NT_STATUS_ERROR = /\bNT_STATUS_(?!OK\b|MORE_PROCESSING_REQUIRED\b|PENDING\b|SOME_NOT_MAPPED\b)[A-Z][A-Z0-9_]+\b/;
// Ghostscript, the interpreter most filters run, ending a job it could not render: "GPL Ghostscript 9.26:
// Unrecoverable error, exit code 1" (its main loop), or a PostScript error by its name, "Error: /invalidfont in
// findfont" (PLRM's error names, as gs_init.ps reports them).
const INTERPRETER_FAILED =
  /(?:\bUnrecoverable error, exit code \d+|^Error: \/(?:undefined|typecheck|rangecheck|invalidfont|ioerror|VMerror|limitcheck|stackunderflow|stackoverflow|syntaxerror|undefinedresult|undefinedfilename|unregistered|invalidaccess|invalidfileaccess|unmatchedmark|dictstackoverflow|execstackoverflow|timeout|interrupt|configurationerror|invalidrestore|invalidexit|invalidcontext|nocurrentpoint|undefinedresource) in )/;

interface Failure {
  /** What failed, in a few words, with the program's own names kept as they were printed. */
  what: string;
  severity: 'warning' | 'error';
  /** Whether the job's end decides it: a filter's or backend's error that may not have stopped the job. */
  untilJobEnds?: boolean;
}

const programName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

// The wording of cupsd's scheduler (OpenPrinting/cups scheduler/main.c, job.c), from CUPS 1.4 to 2.5.
const RULES: { regex: RegExp; failure: (match: RegExpExecArray) => Failure }[] = [
  // main.c, process_children: "PID 1234 (/usr/lib/cups/backend/ipp) stopped with status 1." (CUPS 1.2 and 1.3
  // ended it with "!", 1.1 named no program); exit codes above 100 add strerror: "… status 102 (No such file …)".
  {
    regex: /^PID \d+(?: \((.+?)\))? stopped with status (\d+)/,
    failure: (match) => ({
      what: match[1]
        ? format(_('{program} exited with status {status}'), { program: programName(match[1]), status: match[2] ?? '' })
        : format(_('a filter or backend exited with status {status}'), { status: match[2] ?? '' }),
      severity: 'error',
    }),
  },
  // "PID 1234 (/usr/lib/cups/filter/pdftopdf) crashed on signal 11."
  {
    regex: /^PID \d+ \((.+?)\) crashed on signal (\d+)/,
    failure: (match) => ({
      what: format(_('{program} crashed on signal {signal}'), {
        program: programName(match[1] ?? ''),
        signal: match[2] ?? '',
      }),
      severity: 'error',
    }),
  },
  // job.c, finalize_job: "Backend ipp returned status 1 (failed)" (before CUPS 2.4.3 without the scheme).
  {
    regex: /^Backend (?:(\S+) )?returned status (-?\d+) \(([^)]*)\)/,
    failure: (match) => ({
      what: match[1]
        ? format(_('the {backend} backend returned status {status} ({reason})'), {
            backend: match[1],
            status: match[2] ?? '',
            reason: match[3] ?? '',
          })
        : format(_('the backend returned status {status} ({reason})'), {
            status: match[2] ?? '',
            reason: match[3] ?? '',
          }),
      severity: 'error',
    }),
  },
  // finalize_job's job and printer state messages, in every state the job is left in: stopped, aborted, held (CUPS
  // 1.3, "Job held due to backend errors; …"), held indefinitely or temporarily; the part that failed is the backend or
  // a filter, as system-config-printer reads them.
  {
    regex: /^Printer stopped due to backend errors/,
    failure: () => ({ what: _('the queue stopped after backend errors'), severity: 'error' }),
  },
  {
    regex: /^Job (?:stopped|aborted|held(?: indefinitely| temporarily)?) due to (?:backend|filter) errors/,
    failure: () => ({ what: _('a job failed'), severity: 'error' }),
  },
  {
    regex: /^Job aborted after \d+ unsuccessful attempts/,
    failure: () => ({ what: _('a job failed'), severity: 'error' }),
  },
  {
    regex: MISSING_FILTER,
    failure: (match) => ({
      what: format(_('its filter {program} is not available ({reason})'), {
        program: match[1] ?? '',
        reason: match[3] ?? '',
      }),
      severity: 'error',
    }),
  },
  {
    regex: FILE_CHECK,
    failure: (match) => ({
      what: format(_('CUPS will not use {file}: {reason}'), { file: match[2] ?? '', reason: match[3] ?? '' }),
      severity: 'error',
    }),
  },
  // file.c, cupsdCreateConfFile and cupsdCloseCreatedConfFile, each at err: cupsd could not save a file of its own state
  // (printers.conf, classes.conf, subscriptions.conf, the job cache), 'Unable to create "/etc/cups/subscriptions.conf.N":
  // No such file or directory', 'Unable to write changes to "…": No space left on device'. What it meant to keep (its
  // queues, classes and subscriptions) is not on disk, and is gone when it next starts.
  {
    regex: /^Unable to (?:create|write changes to|sync changes to|finalize) "([^"]+)": (.+)$/,
    failure: (match) => ({
      what: format(_('CUPS could not save {file}: {reason}'), { file: match[1] ?? '', reason: match[2] ?? '' }),
      severity: 'error',
    }),
  },
  // job.c, dump_job_history: cupsd keeps a job's messages below its LogLevel and logs them, at debug, only where the job
  // ends with one of its filters or its backend having exited in error or crashed (finalize_job: job->status): "[Job
  // 72] The following messages were recorded from 15:05:19 to 15:05:20", the job's record following.
  {
    regex: /^The following messages were recorded from /,
    failure: () => ({
      what: _('a filter or the backend failed, and CUPS logged what the job recorded'),
      severity: 'error',
    }),
  },
  // job.c, cupsdContinueJob and cupsdUpdateJobs.
  {
    regex: /^Unable to start filter "([^"]+)"/,
    failure: (match) => ({
      what: format(_('{program} could not start'), { program: match[1] ?? '' }),
      severity: 'error',
    }),
  },
  {
    regex: /^Stopping unresponsive job\./,
    failure: () => ({ what: _('a job stopped answering'), severity: 'error' }),
  },
];

/** What a cupsd line is about by its prefix: a job ("[Job 12]"), a queue ("[Printer x]"), or neither. */
type About = 'job' | 'printer' | null;

function failureOf(text: string, priority: number | undefined, about: About): Failure | null {
  const aboutJobOrPrinter = about !== null;
  for (const { regex, failure } of RULES) {
    const match = regex.exec(text);
    if (match) return failure(match);
  }
  // A backend's or filter's own "ERROR: Unable to open device …" reaches the journal as cupsd's job line at
  // LOG_ERR: whatever its wording, the program printing the job said it failed, unless the job then completes. cupsd
  // completes a job only once its filters and backend exited well, so a complaint that did not stop it ("No %%Pages:
  // comment in header!", apple/cups#3790) was no failure: the job's end decides.
  if (aboutJobOrPrinter && priority !== undefined && priority <= LOG_ERR)
    return { what: format(_('“{message}”'), { message: text }), severity: 'error', untilJobEnds: about === 'job' };
  if (about === null && priority !== undefined && priority <= LOG_ERR && CONFIG_LINE_REFUSED.test(text))
    return {
      what: format(_('CUPS did not use a line of its configuration: “{message}”'), { message: text }),
      severity: 'error',
    };
  // Its "WARNING: …" reaches it at LOG_WARNING and becomes the printer's state message, which the print dialog shows
  // (update_job): the backends warn where the printer does not answer or cannot be reached. A job's warning is the
  // job not printing as it should, whatever its wording; not one the backend retries by itself, nor a wait.
  if (about === 'job' && priority === LOG_WARNING && !RECOVERABLE.test(text) && !WAITING_ITS_TURN.test(text))
    return { what: format(_('“{message}”'), { message: text }), severity: 'warning' };
  // Only a backend or a filter prints these, and only through cupsd: a report that left out the job's prefix still
  // shows a job's line.
  if (
    (priority === undefined || priority <= LOG_INFO) &&
    (BACKEND_PRINTER_FAILED.test(text) || INTERPRETER_FAILED.test(text))
  )
    return { what: format(_('“{message}”'), { message: text }), severity: 'error' };
  if (aboutJobOrPrinter && (priority === undefined || priority <= LOG_INFO) && NT_STATUS_ERROR.test(text))
    return { what: format(_('“{message}”'), { message: text }), severity: 'error' };
  // A job's or queue's line naming what its device or printer did (an errno: the device file denied or gone, the
  // printer refusing or unreachable) at any level but debug: the backend's own words on the device.
  if (aboutJobOrPrinter && (priority === undefined || priority <= LOG_INFO) && deviceFailureIn('printing', text))
    return { what: format(_('“{message}”'), { message: text }), severity: 'error' };
  // A job's or queue's line in which the backend or filter says in its own words that it failed ("Unable to locate
  // printer", "… failed"), at any level but debug: cupsd copies their stderr's lines, and a journal read without
  // levels still has the words; the debug lines that narrate a job are left out, and so is what the backend itself
  // marked "recoverable:" (job.c: a warning, the printer-state-reason "recoverable-warning"), unless at err.
  if (
    aboutJobOrPrinter &&
    priority !== undefined &&
    priority <= LOG_INFO &&
    !RECOVERABLE.test(text) &&
    programSaysFailed(text)
  )
    return { what: format(_('“{message}”'), { message: text }), severity: 'error' };
  return null;
}

export class PrinterProblemDetector implements Detector {
  readonly kinds = [PRINTER_PROBLEM];
  private readonly bursts = new Bursts(BURST_QUIET_MS, false);
  private readonly jobPrinters = new Map<string, string>();
  /** Jobs' errors waiting for the job's end, by job: a job that completes printed all the same. */
  private readonly jobErrors = new Map<
    string,
    { event: JournalEvent; output: () => DetectorOutput[]; until: number }
  >();
  /** cups.service and cups-browsed.service failing, from their manager's lines and systemd's D-Bus state. */
  private readonly units: ComponentUnitDetector;

  constructor(private readonly writers: Writers) {
    this.units = new ComponentUnitDetector('printing', PRINTER_PROBLEM, writers);
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return this.units.detect(event);
    return [...this.jobsOver(event), ...this.line(event)];
  }

  heldUntil(): number | undefined {
    return earliestDeadline(this.jobErrors.values());
  }

  /** The jobs' errors whose wait ended on this machine's clock with no end of their job, though the journal fell silent. */
  expire(now: number): HeldOutput[] {
    const expired: HeldOutput[] = [];
    for (const [jobId, { event, until }] of this.jobErrors) {
      if (until > now) continue;
      for (const output of this.tellJobError(jobId)) expired.push({ event, output });
    }
    return expired;
  }

  /** The jobs' errors whose wait is over by this line's time: their job did not complete within it. */
  private jobsOver(event: JournalEvent): DetectorOutput[] {
    const at = event.at.getTime();
    return [...this.jobErrors]
      .filter(([, held]) => at - held.event.at.getTime() >= JOB_END_WAIT_MS)
      .flatMap(([jobId]) => this.tellJobError(jobId));
  }

  private tellJobError(jobId: string): DetectorOutput[] {
    const held = this.jobErrors.get(jobId);
    this.jobErrors.delete(jobId);
    return held ? held.output() : [];
  }

  private line(event: JournalEvent): DetectorOutput[] {
    if (isSystemManager(event.entry)) return this.units.detect(event);
    const writer = this.writers.provenWriter(event.entry)?.name;
    if (writer === 'cupsd') return this.cupsdLine(event);
    const activation = busActivationFailure('printing', event.entry, writer);
    if (activation)
      return this.report(
        event,
        undefined,
        undefined,
        { what: activationFailureTitle(activation), severity: 'error' },
        true,
      );
    const failure = componentFailure('printing', event.entry, this.writers);
    if (!failure?.raise) return [];
    const printer = queueOfUri(event.entry.fields.URI) ?? '';
    return this.report(event, printer, undefined, { what: failure.title, severity: failure.severity }, true);
  }

  /** A printing component's error line that names no cause is still this kind's: claimed, never unrecognised. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && componentFailure('printing', event.entry, this.writers) !== null;
  }

  private cupsdLine(event: JournalEvent): DetectorOutput[] {
    const message = event.entry.message.replace(ERROR_LOG_PREFIX, '');
    const priority = lineLevel(event.entry);
    const job = JOB_PREFIX.exec(message);
    const printerLine = job ? null : PRINTER_PREFIX.exec(message);
    const helper = (job ?? printerLine) ? null : HELPER_PREFIX.exec(message);
    const text = message.slice((job ?? printerLine ?? helper)?.[0].length ?? 0);
    if (helper?.[0] === '[cups-deviced] ' && LISTING_EXITED.test(text)) return [];
    const jobId = job?.[1];
    if (jobId) {
      const queued = QUEUED_ON.exec(text);
      if (queued?.[1]) {
        this.rememberJob(jobId, queued[1]);
        return [];
      }
    }
    const printer =
      queueOfUri(event.entry.fields.URI) ??
      printerLine?.[1] ??
      MISSING_FILTER.exec(text)?.[2] ??
      FILE_CHECK.exec(text)?.[1] ??
      (jobId ? this.jobPrinters.get(jobId) : undefined);
    if (jobId && COMPLETED.test(text)) {
      this.jobPrinters.delete(jobId);
      this.jobErrors.delete(jobId);
      return printer ? [{ resolve: { kind: PRINTER_PROBLEM, subject: printer, at: event.at } }] : [];
    }
    const failure = failureOf(text, priority, job ? 'job' : printerLine ? 'printer' : null) ?? this.generic(event);
    if (!failure) return [];
    if (jobId && failure.untilJobEnds) {
      if (!this.jobErrors.has(jobId)) {
        const output = () => this.report(event, printer, jobId, failure, false);
        this.jobErrors.set(jobId, { event, output, until: Date.now() + JOB_END_WAIT_MS });
      }
      return [];
    }
    // The job's end told otherwise (stopped, aborted, a program's status): its first error is told with it.
    const earlier = jobId ? this.tellJobError(jobId) : [];
    return [...earlier, ...this.report(event, printer, jobId, failure, false)];
  }

  /** cupsd's own error about itself or a printer that names its cause (an errno, an IPP "-error" reason). */
  private generic(event: JournalEvent): Failure | null {
    const failure = componentFailure('printing', event.entry, this.writers);
    return failure?.raise ? { what: failure.title, severity: failure.severity } : null;
  }

  private report(
    event: JournalEvent,
    printer: string | undefined,
    jobId: string | undefined,
    failure: Failure,
    whole: boolean,
  ): DetectorOutput[] {
    // Without a queue's name the finding is about printing on this machine: CUPS's queue names are never empty.
    const subject = printer ?? '';
    if (!this.bursts.starts(subject, event.at)) return [];
    const report: FindingReport = {
      kind: PRINTER_PROBLEM,
      severity: failure.severity,
      subject,
      title: whole ? failure.what : printerTitle(printer, jobId, failure.what),
      evidence: [journalEvidence(event)],
      at: event.at,
    };
    return [{ report }];
  }

  private rememberJob(jobId: string, printer: string) {
    if (this.jobPrinters.size >= MAX_JOBS && !this.jobPrinters.has(jobId)) {
      const oldest = this.jobPrinters.keys().next().value;
      if (oldest !== undefined) this.jobPrinters.delete(oldest);
    }
    this.jobPrinters.set(jobId, printer);
  }
}

function queueOfUri(uri: string | undefined): string | undefined {
  const name = uri ? QUEUE_URI.exec(uri)?.[1] : undefined;
  if (!name) return undefined;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function printerTitle(printer: string | undefined, job: string | undefined, what: string): string {
  // Translators: {what} says what failed, such as "the ipp backend failed (failed)".
  if (printer && job) return format(_('Printer {printer}, job {job}: {what}'), { printer, job, what });
  if (printer) return format(_('Printer {printer}: {what}'), { printer, what });
  if (job) return format(_('Print job {job}: {what}'), { job, what });
  return format(_('Printing: {what}'), { what });
}
