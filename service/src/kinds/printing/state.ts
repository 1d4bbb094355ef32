// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { cleanLine } from '../../untrustedText.js';

/** One CUPS queue as IPP's CUPS-Get-Printers tells it. */
export interface PrinterState {
  name: string;
  /** printer-state: 3 idle, 4 processing, 5 stopped. */
  state: number;
  stateMessage: string;
  reasons: string[];
  acceptingJobs: boolean;
  /** The ids of its jobs cupsd holds (job-state 4: held until a time, or until someone releases them). */
  heldJobs: number[];
}

/** One job of a queue that has not ended, as IPP's Get-Jobs tells it. */
export interface PrintJob {
  id: number;
  /** job-state: 3 pending, 4 held, 5 processing, 6 stopped (RFC 8011 §5.3.7). */
  state: number;
  /** job-name, '' where cupsd keeps it private to its owner (JobPrivateValues). Untrusted: the sender chose it. */
  name: string;
}

/** cupsd's state message for a queue that refuses jobs without a reason (scheduler/ipp.c, reject_jobs). */
const REJECTING = 'Rejecting Jobs';

/** The reason a queue refuses new jobs for (cupsreject -r), where it has one of its own. */
export const rejectReasonOf = (printer: PrinterState): string | undefined =>
  !printer.acceptingJobs && printer.stateMessage !== '' && printer.stateMessage !== REJECTING
    ? cleanLine(printer.stateMessage, 255)
    : undefined;
