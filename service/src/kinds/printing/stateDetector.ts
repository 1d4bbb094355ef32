// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// printer-problem from the queues' own state, as cupsd answers over IPP:
// - a queue stopped (printer-state 5) holds every job sent to it until someone resumes it: by cupsd after its
//   backend failed, or by an administrator who gave a reason (cupsdisable -r "…": the state message says it). One
//   paused by hand without a reason is not a problem: cupsd's Pause-Printer leaves the state message "Paused"
//   (scheduler/ipp.c, stop_printer);
// - a queue that refuses new jobs (printer-is-accepting-jobs false: cupsreject, with its reason as the state
//   message) fails every print sent to it ("is not accepting jobs"), whatever its state;
// - a printer that says it cannot print (a printer-state-reasons keyword with the "-error" suffix: out of paper, a
//   jam, an open door; reasons.ts) keeps every job waiting until someone sees to it at the printer;
// - a job cupsd holds (job-state 4: printing set for later, or held until someone releases it) waits for good.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { PRINTER_PROBLEM } from './detector.js';
import { deviceErrors, reasonWords } from './reasons.js';
import { type PrinterState, rejectReasonOf } from './state.js';

/** printer-state's "stopped" (RFC 8011 §5.4.12). */
export const PRINTER_STOPPED = 5;
const PAUSED_BY_HAND = 'Paused';

const stoppedByCups = (printer: PrinterState) =>
  printer.state === PRINTER_STOPPED && printer.stateMessage !== PAUSED_BY_HAND;
/** The evidence's words for a held job, in IPP's own names (not translated: they are its API's). */
export const HELD_EVIDENCE = 'CUPS: job-state held';
/** The evidence's words for a queue that refuses jobs, in IPP's own names. */
export const REJECTING_EVIDENCE = 'CUPS: printer-is-accepting-jobs false';
/** The evidence's words for a printer that says it cannot print, in IPP's own names, before its keywords. */
export const DEVICE_EVIDENCE = 'CUPS: printer-state-reasons';

export class PrinterStoppedDetector implements Detector {
  readonly kinds = [PRINTER_PROBLEM];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'printer') return [];
    const { printer } = event.desktop;
    const at = event.at;
    if (!stoppedByCups(printer)) {
      if (!printer.acceptingJobs) return report(printer, refusalWords(printer), REJECTING_EVIDENCE, at);
      // Before a held job: releasing it prints nothing while the printer cannot print.
      return deviceErrors(printer.reasons).length > 0 ? deviceError(printer, at) : held(printer, at);
    }
    const reasons = printer.reasons.join(', ');
    const title = printer.stateMessage
      ? format(_('Printer {printer} is stopped: {message}'), { printer: printer.name, message: printer.stateMessage })
      : format(_('Printer {printer} is stopped'), { printer: printer.name });
    const evidence = reasons
      ? format(_('CUPS reports the queue stopped ({reasons})'), { reasons })
      : _('CUPS reports the queue stopped');
    return report(printer, title, evidence, at);
  }
}

function report(printer: PrinterState, title: string, evidence: string, at: Date): DetectorOutput[] {
  return [
    {
      report: {
        kind: PRINTER_PROBLEM,
        severity: 'warning',
        subject: printer.name,
        title,
        evidence: [{ kind: 'text', text: evidence, at }],
        at,
      },
    },
  ];
}

/** A printer that says it cannot print until someone sees to it: nothing on the computer fixes that. */
function deviceError(printer: PrinterState, at: Date): DetectorOutput[] {
  const errors = deviceErrors(printer.reasons);
  const title = format(_('Printer {printer} cannot print: {problem}'), {
    printer: printer.name,
    problem: errors.map(reasonWords).join('; '),
  });
  return report(printer, title, `${DEVICE_EVIDENCE} ${errors.map((e) => `${e}-error`).join(', ')}`, at);
}

/** A running queue with a job cupsd holds: the job waits until someone releases it. */
function held(printer: PrinterState, at: Date): DetectorOutput[] {
  const [job] = printer.heldJobs;
  if (job === undefined) return [{ resolve: { kind: PRINTER_PROBLEM, subject: printer.name, at } }];
  const title = format(_('Printer {printer} holds job {job}: it waits until it is released'), {
    printer: printer.name,
    job: String(job),
  });
  return report(printer, title, `${HELD_EVIDENCE}: ${printer.heldJobs.join(', ')}`, at);
}

/** A queue that refuses new jobs, in a person's words, with the administrator's reason where it has one. */
export function refusalWords(printer: PrinterState): string {
  const reason = rejectReasonOf(printer);
  return reason
    ? format(_('Printer {printer} does not accept jobs: {reason}'), { printer: printer.name, reason })
    : format(_('Printer {printer} does not accept jobs'), { printer: printer.name });
}
