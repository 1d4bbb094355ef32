// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// printer-problem from the queues' own state, as cupsd answers over IPP: a queue cupsd stopped (printer-state 5)
// holds every job sent to it until someone resumes it. A queue paused by hand is not a problem: cupsd's
// Pause-Printer leaves the state message "Paused" (scheduler/ipp.c, stop_printer).
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { PRINTER_PROBLEM } from './detector.js';
import type { PrinterState } from './state.js';

/** printer-state's "stopped" (RFC 8011 §5.4.12). */
export const PRINTER_STOPPED = 5;
const PAUSED_BY_HAND = 'Paused';

const stoppedByCups = (printer: PrinterState) =>
  printer.state === PRINTER_STOPPED && printer.stateMessage !== PAUSED_BY_HAND;

export class PrinterStoppedDetector implements Detector {
  readonly kinds = [PRINTER_PROBLEM];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'printer') return [];
    const { printer } = event.desktop;
    if (!stoppedByCups(printer)) return [{ resolve: { kind: PRINTER_PROBLEM, subject: printer.name, at: event.at } }];
    const reasons = printer.reasons.join(', ');
    const title = printer.stateMessage
      ? format(_('Printer {printer} is stopped: {message}'), { printer: printer.name, message: printer.stateMessage })
      : format(_('Printer {printer} is stopped'), { printer: printer.name });
    return [
      {
        report: {
          kind: PRINTER_PROBLEM,
          severity: 'warning',
          subject: printer.name,
          title,
          evidence: [
            {
              kind: 'text',
              text: reasons
                ? format(_('CUPS reports the queue stopped ({reasons})'), { reasons })
                : _('CUPS reports the queue stopped'),
              at: event.at,
            },
          ],
          at: event.at,
        },
      },
    ];
  }
}
