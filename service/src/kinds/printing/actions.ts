// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// printing.resume_printer and printing.pause_printer: a CUPS queue enabled or disabled through cups-pk-helper
// (org.opensuse.CupsPkHelper.Mechanism's PrinterSetEnabled, the call GNOME Settings' printers panel makes, with
// polkit's own prompt); the queue's state is read before and after from cupsd itself.
// printing.accept_jobs and printing.reject_jobs: a queue made to take new jobs again, or to refuse them with the
// reason it had (PrinterSetAcceptJobs, as cupsaccept and cupsreject -r do).
// printing.cancel_job and printing.restart_job: a job that holds its queue up cancelled (JobCancelPurge without
// purging, as GNOME Settings cancels, so cupsd keeps its files) and printed again (JobRestart).
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { typedCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { boundedText } from '../../dbus/variants.js';
import type { ActionContext, ActionDefinition, Preview, Verification } from '../../fixes/action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { CupsClient } from './cupsClient.js';
import { deviceErrors, reasonWords } from './reasons.js';
import { type PrinterState, type PrintJob, rejectReasonOf } from './state.js';
import { PRINTER_STOPPED, refusalWords } from './stateDetector.js';

const HELPER = 'org.opensuse.CupsPkHelper.Mechanism';

/** A queue name as CUPS accepts it: printable, without space, '/', '#', quotes or '\\' (lpadmin(8)), at most 127. */
export const queueName = z.string().regex(/^[\p{L}\p{N}_.@+-]{1,127}$/u, 'not a printer queue name');

const printerParams = z.object({ printer: queueName }).strict();
type PrinterParams = z.infer<typeof printerParams>;
/** The reason a stop gives, as the queue's state message shows it: cupsd keeps 255 bytes of it. */
const pauseParams = printerParams.extend({ reason: z.string().min(1).max(255).optional() }).strict();
type PauseParams = z.infer<typeof pauseParams>;
/** cupsd's state message for a queue stopped without a reason (scheduler/ipp.c, stop_printer). */
const PAUSED = 'Paused';
/** The reason a queue was stopped for, where it has one of its own. */
const reasonOf = (printer: PrinterState) =>
  printer.state === PRINTER_STOPPED && printer.stateMessage !== '' && printer.stateMessage !== PAUSED
    ? cleanLine(printer.stateMessage, 255)
    : undefined;

async function queue(cups: CupsClient, name: string): Promise<PrinterState> {
  let printers: PrinterState[];
  try {
    printers = await cups.printers();
  } catch (error) {
    throw new StewardError(
      'Unavailable',
      format(_('The print system does not answer: {error}'), { error: (error as Error).message }),
    );
  }
  const printer = printers.find((candidate) => candidate.name === name);
  if (!printer) throw new StewardError('NotFound', format(_('There is no printer {printer}.'), { printer: name }));
  return printer;
}

/** PrinterSetEnabled, as GNOME Settings' switch calls it. */
async function setEnabled(context: ActionContext, printer: string, enabled: boolean): Promise<void> {
  await helperCall(context, 'PrinterSetEnabled', 'sb', [printer, enabled]);
}

/** cups-pk-helper's answer: an error text (cupsd's words), empty on success. */
const helperReply = z.tuple([boundedText(1000)]);

/**
 * Calls one of cups-pk-helper's methods that answer an error text, empty on success. The call waits for polkit's
 * dialog, then for cupsd: minutes at most (AUTHORIZED_CALL), and the helper leaving the bus ends it (PeerLeft).
 */
async function helperCall(context: ActionContext, member: string, signature: string, body: unknown[]): Promise<void> {
  const [error] = await reportingUnexpected(
    context.log,
    systemCall(
      typedCall(
        systemBusOf(context),
        { destination: HELPER, path: '/', interface: HELPER, member, signature, body, reply: 's' },
        helperReply,
        // cups-pk-helper is started by D-Bus activation when asked.
        { ...AUTHORIZED_CALL, autoStart: true },
      ),
      'cups-pk-helper',
    ),
  );
  if (error !== '')
    throw new StewardError('Internal', format(_('The print system refused: {error}'), { error: cleanLine(error) }));
}

/**
 * Whether the reason a change gives is on the queue: cupsd's own operation with the state message puts back what
 * cups-pk-helper cannot pass on, where cupsd lets this user (its SystemGroup) ask. Without a reason, nothing is lost.
 */
const reasonPutBack = (reason: string | undefined, put: (reason: string) => Promise<void>): Promise<boolean> =>
  reason === undefined
    ? Promise.resolve(true)
    : put(reason).then(
        () => true,
        () => false,
      );

function stateWords(printer: PrinterState): string {
  if (printer.state === PRINTER_STOPPED)
    return printer.stateMessage
      ? format(_('Printer {printer} is stopped: {message}'), { printer: printer.name, message: printer.stateMessage })
      : format(_('Printer {printer} is stopped'), { printer: printer.name });
  if (printer.acceptingJobs) return format(_('Printer {printer} is running'), { printer: printer.name });
  return refusalWords(printer);
}

/** Whether the queue is stopped as a pause asked, with its reason where it gave one. */
const stoppedAsAsked = (now: PrinterState, reason: string | undefined) =>
  now.state === PRINTER_STOPPED && (reason === undefined || now.stateMessage === reason);

/** Whether the queue refuses jobs as a refusal asked, with its reason where it gave one. */
const refusingAsAsked = (now: PrinterState, reason: string | undefined) =>
  !now.acceptingJobs && (reason === undefined || rejectReasonOf(now) === reason);

/** PrinterSetAcceptJobs, as cupsaccept and cupsreject ask cupsd (the helper passes on no reason). */
async function setAcceptJobs(context: ActionContext, printer: string, accept: boolean): Promise<void> {
  await helperCall(context, 'PrinterSetAcceptJobs', 'sbs', [printer, accept, '']);
}

export function printerActions(cups = new CupsClient()): ActionDefinition[] {
  const resume: ActionDefinition<PrinterParams> = {
    name: 'printing.resume_printer',
    title: _('Resume a stopped printer'),
    params: printerParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview({ printer }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: format(_('Resume Printer {printer}'), { printer }),
        details: [stateWords(now), _('CUPS sends the jobs it holds for it again.')],
        changesNothing: now.state !== PRINTER_STOPPED,
      };
    },
    async run({ printer }, context) {
      // The reason it was stopped for goes back with the stop that undoes this.
      const reason = reasonOf(await queue(cups, printer));
      await setEnabled(context, printer, true);
      return {
        summary: format(_('Resumed printer {printer}'), { printer }),
        undo: {
          action: 'printing.pause_printer',
          params: { printer, ...(reason && { reason }) },
          summary: reason
            ? format(_('Stop printer {printer} again: {reason}'), { printer, reason })
            : format(_('Stop printer {printer} again'), { printer }),
        },
      };
    },
    async verify({ printer }): Promise<Verification> {
      const now = await queue(cups, printer);
      return { ok: now.state !== PRINTER_STOPPED, observed: stateWords(now) };
    },
  };
  const pause: ActionDefinition<PauseParams> = {
    name: 'printing.pause_printer',
    title: _('Stop a printer'),
    params: pauseParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview({ printer, reason }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: reason
          ? format(_('Stop Printer {printer}: {reason}'), { printer, reason })
          : format(_('Stop Printer {printer}'), { printer }),
        details: [stateWords(now), _('CUPS holds the jobs sent to it until it is resumed.')],
        changesNothing: stoppedAsAsked(now, reason),
      };
    },
    async run({ printer, reason }, context) {
      await setEnabled(context, printer, false);
      // cups-pk-helper stops a queue without a reason ("Paused").
      const kept = await reasonPutBack(reason, (message) => cups.pausePrinter(printer, message));
      return {
        summary: !kept
          ? format(_('Stopped printer {printer}; CUPS did not let its reason be put back'), { printer })
          : reason
            ? format(_('Stopped printer {printer}: {reason}'), { printer, reason })
            : format(_('Stopped printer {printer}'), { printer }),
        undo: {
          action: 'printing.resume_printer',
          params: { printer },
          summary: format(_('Resume Printer {printer}'), { printer }),
        },
      };
    },
    async verify({ printer, reason }): Promise<Verification> {
      const now = await queue(cups, printer);
      return {
        ok: stoppedAsAsked(now, reason),
        observed: stateWords(now),
      };
    },
  };
  const info: ActionDefinition<PrinterParams> = {
    name: 'info.printer',
    title: _('Show a printer’s queue and why it is stopped'),
    params: printerParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ printer }): Promise<Preview> {
      return {
        summary: format(_('Show printer {printer}: its state, why it is stopped, its jobs'), { printer }),
        details: await describeQueue(cups, printer),
        changesNothing: false,
      };
    },
    async run({ printer }) {
      return {
        summary: (await describeQueue(cups, printer)).join('\n'),
        undo: { impossible: _('showing a printer changes nothing') },
      };
    },
    verify() {
      return Promise.resolve({ ok: true, observed: _('read the printer from CUPS') });
    },
  };
  return [info, resume, pause, ...acceptActions(cups), ...jobActions(cups)] as unknown as ActionDefinition[];
}

/** A queue taking new jobs again, and refusing them again with the reason it had: each the other's undo. */
function acceptActions(cups: CupsClient) {
  const accept: ActionDefinition<PrinterParams> = {
    name: 'printing.accept_jobs',
    title: _('Let a printer accept jobs again'),
    params: printerParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview({ printer }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: format(_('Let Printer {printer} Accept Jobs Again'), { printer }),
        details: [stateWords(now), _('CUPS takes new jobs for it again.')],
        changesNothing: now.acceptingJobs,
      };
    },
    async run({ printer }, context) {
      // The reason it refused jobs for goes back with the refusal that undoes this.
      const reason = rejectReasonOf(await queue(cups, printer));
      await setAcceptJobs(context, printer, true);
      return {
        summary: format(_('Printer {printer} accepts jobs again'), { printer }),
        undo: {
          action: 'printing.reject_jobs',
          params: { printer, ...(reason && { reason }) },
          summary: reason
            ? format(_('Let printer {printer} refuse jobs again: {reason}'), { printer, reason })
            : format(_('Let printer {printer} refuse jobs again'), { printer }),
        },
      };
    },
    async verify({ printer }): Promise<Verification> {
      const now = await queue(cups, printer);
      return { ok: now.acceptingJobs, observed: stateWords(now) };
    },
  };
  const reject: ActionDefinition<PauseParams> = {
    name: 'printing.reject_jobs',
    title: _('Let a printer refuse new jobs'),
    params: pauseParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview({ printer, reason }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: reason
          ? format(_('Let Printer {printer} Refuse Jobs: {reason}'), { printer, reason })
          : format(_('Let Printer {printer} Refuse Jobs'), { printer }),
        details: [stateWords(now), _('CUPS refuses new jobs for it; those it holds still print.')],
        changesNothing: refusingAsAsked(now, reason),
      };
    },
    async run({ printer, reason }, context) {
      await setAcceptJobs(context, printer, false);
      // cups-pk-helper refuses jobs without a reason ("Rejecting Jobs").
      const kept = await reasonPutBack(reason, (message) => cups.rejectJobs(printer, message));
      return {
        summary: !kept
          ? format(_('Printer {printer} refuses jobs; CUPS did not let its reason be put back'), { printer })
          : reason
            ? format(_('Printer {printer} refuses jobs: {reason}'), { printer, reason })
            : format(_('Printer {printer} refuses jobs'), { printer }),
        undo: {
          action: 'printing.accept_jobs',
          params: { printer },
          summary: format(_('Let Printer {printer} Accept Jobs Again'), { printer }),
        },
      };
    },
    async verify({ printer, reason }): Promise<Verification> {
      const now = await queue(cups, printer);
      return {
        ok: refusingAsAsked(now, reason),
        observed: stateWords(now),
      };
    },
  };
  return [accept, reject] as const;
}

/** The queue as cupsd has it: its state and reason first (the reason is the administrator's or the backend's words). */
async function describeQueue(cups: CupsClient, name: string): Promise<string[]> {
  const printer = await queue(cups, name);
  const jobs = await cups.jobs(name).catch(() => null);
  return [
    stateWords(printer),
    ...deviceErrors(printer.reasons).map((error) =>
      format(_('The printer reports: {problem}'), { problem: reasonWords(error) }),
    ),
    ...(printer.reasons.length > 0
      ? [format(_('CUPS’s reasons: {reasons}'), { reasons: printer.reasons.join(', ') })]
      : []),
    printer.acceptingJobs ? _('It accepts new jobs') : _('It does not accept new jobs'),
    ...(jobs === null
      ? [_('Its jobs could not be read')]
      : jobs.length === 0
        ? [_('No jobs wait in it')]
        : jobs.map((job) => jobWords({ printer: name, job: job.id }, job))),
  ];
}

const jobParams = z
  .object({
    printer: queueName,
    job: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
  })
  .strict();
type JobParams = z.infer<typeof jobParams>;

/** job-state values (RFC 8011 §5.3.7) of a job that has not ended. */
const JOB_STATES: Readonly<Record<number, string>> = {
  3: N_('waiting'),
  4: N_('held'),
  5: N_('printing'),
  6: N_('stopped'),
};

/** The job as cupsd lists it among the queue's jobs that have not ended; undefined once it ended. */
async function openJob(cups: CupsClient, { printer, job }: JobParams): Promise<PrintJob | undefined> {
  await queue(cups, printer);
  const jobs = await cups.jobs(printer).catch((error: unknown) => {
    throw new StewardError(
      'Unavailable',
      format(_('The print system does not answer: {error}'), { error: (error as Error).message }),
    );
  });
  return jobs.find((candidate) => candidate.id === job);
}

function jobWords({ printer, job }: JobParams, open: PrintJob | undefined): string {
  if (!open) return format(_('Job {job} on {printer} has ended'), { job: String(job), printer });
  const words = JOB_STATES[open.state];
  const state = words === undefined ? String(open.state) : _(words);
  // The document's name is the sender's text: shown as a line of plain text, never as markup.
  return open.name
    ? format(_('Job {job} ({document}) on {printer} is {state}'), {
        job: String(job),
        document: cleanLine(open.name, 80),
        printer,
        state,
      })
    : format(_('Job {job} on {printer} is {state}'), { job: String(job), printer, state });
}

/** What tells cancelling a job from printing it again; everything else the two share. */
interface JobChange {
  name: string;
  title: string;
  /** Whether cupsd lists the job among those not ended once the change is made. */
  openAfter: boolean;
  call: (job: number) => [member: string, signature: string, body: unknown[]];
  summary: (words: { job: string; printer: string }) => string;
  done: (words: { job: string; printer: string }) => string;
  details: string[];
  undo: string;
}

function jobAction(
  cups: CupsClient,
  change: JobChange,
  undoSummary: JobChange['summary'],
): ActionDefinition<JobParams> {
  const wordsOf = (params: JobParams) => ({ job: String(params.job), printer: params.printer });
  return {
    name: change.name,
    title: change.title,
    params: jobParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview(params): Promise<Preview> {
      const open = await openJob(cups, params);
      return {
        summary: change.summary(wordsOf(params)),
        details: [jobWords(params, open), ...change.details],
        changesNothing: (open !== undefined) === change.openAfter,
      };
    },
    async run(params, context) {
      await helperCall(context, ...change.call(params.job));
      return {
        summary: change.done(wordsOf(params)),
        undo: { action: change.undo, params: { ...params }, summary: undoSummary(wordsOf(params)) },
      };
    },
    async verify(params): Promise<Verification> {
      const open = await openJob(cups, params);
      return { ok: (open !== undefined) === change.openAfter, observed: jobWords(params, open) };
    },
  };
}

function jobActions(cups: CupsClient): ActionDefinition<JobParams>[] {
  const cancel: JobChange = {
    name: 'printing.cancel_job',
    title: _('Cancel a print job'),
    openAfter: false,
    call: (job) => ['JobCancelPurge', 'ib', [job, false]],
    summary: (words) => format(_('Cancel Job {job} on {printer}'), words),
    done: (words) => format(_('Cancelled job {job} on {printer}'), words),
    details: [_('CUPS keeps the job’s files for a day, so it can be printed again.')],
    undo: 'printing.restart_job',
  };
  const restart: JobChange = {
    name: 'printing.restart_job',
    title: _('Print a cancelled job again'),
    openAfter: true,
    call: (job) => ['JobRestart', 'i', [job]],
    summary: (words) => format(_('Print job {job} on {printer} again'), words),
    done: (words) => format(_('Job {job} on {printer} is waiting to print again'), words),
    details: [],
    undo: 'printing.cancel_job',
  };
  return [jobAction(cups, cancel, restart.summary), jobAction(cups, restart, cancel.summary), releaseAction(cups)];
}

/** job-state "held" (RFC 8011 §5.3.7). */
const HELD = 4;

/**
 * printing.release_job: a job cupsd holds sent on, as GNOME Settings' print queue releases it (cups-pk-helper's
 * JobSetHoldUntil "no-hold"). Once released the job goes to the printer, and one printed cannot be held again: no undo.
 */
function releaseAction(cups: CupsClient): ActionDefinition<JobParams> {
  const words = (params: JobParams) => ({ job: String(params.job), printer: params.printer });
  return {
    name: 'printing.release_job',
    title: _('Release a held print job'),
    params: jobParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    changes: 'desktop',
    async preview(params): Promise<Preview> {
      const open = await openJob(cups, params);
      return {
        summary: format(_('Release job {job} on {printer}'), words(params)),
        details: [jobWords(params, open), _('CUPS sends it to the printer.')],
        changesNothing: open?.state !== HELD,
      };
    },
    async run(params, context) {
      await helperCall(context, 'JobSetHoldUntil', 'is', [params.job, 'no-hold']);
      return {
        summary: format(_('Released job {job} on {printer}'), words(params)),
        undo: { impossible: _('A released job goes to the printer; once printed it cannot be held again') },
      };
    },
    async verify(params): Promise<Verification> {
      const open = await openJob(cups, params);
      return { ok: open?.state !== HELD, observed: jobWords(params, open) };
    },
  };
}
