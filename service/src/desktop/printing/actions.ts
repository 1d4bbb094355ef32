// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// printing.resume_printer and printing.pause_printer: a CUPS queue enabled or disabled through cups-pk-helper
// (org.opensuse.CupsPkHelper.Mechanism's PrinterSetEnabled, the call GNOME Settings' printers panel makes, with
// polkit's own prompt); the queue's state is read before and after from cupsd itself.
import { z } from 'zod';

import { callMethod } from '../../dbus/client.js';
import { StewardError } from '../../dbus/errors.js';
import type { ActionContext, ActionDefinition, Preview, Verification } from '../../fixes/action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import { _, format } from '../../i18n.js';
import { CupsClient } from './cupsClient.js';
import type { PrinterState } from './state.js';
import { PRINTER_STOPPED } from './stateDetector.js';

const HELPER = 'org.opensuse.CupsPkHelper.Mechanism';

/** A queue name as CUPS accepts it: printable, without space, '/', '#', quotes or '\\' (lpadmin(8)), at most 127. */
export const queueName = z.string().regex(/^[\p{L}\p{N}_.@+-]{1,127}$/u, 'not a printer queue name');

const printerParams = z.object({ printer: queueName }).strict();
type PrinterParams = z.infer<typeof printerParams>;

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

/** PrinterSetEnabled: cups-pk-helper answers an error text, empty on success. */
async function setEnabled(context: ActionContext, printer: string, enabled: boolean): Promise<void> {
  const [error] = await systemCall(
    callMethod(
      systemBusOf(context),
      {
        destination: HELPER,
        path: '/',
        interface: HELPER,
        member: 'PrinterSetEnabled',
        signature: 'sb',
        body: [printer, enabled],
      },
      // cups-pk-helper is started by D-Bus activation when asked.
      { ...AUTHORIZED_CALL, autoStart: true },
    ),
    'cups-pk-helper',
  );
  if (typeof error === 'string' && error !== '')
    throw new StewardError('Internal', format(_('The print system refused: {error}'), { error }));
}

const stateWords = (printer: PrinterState) =>
  printer.state === PRINTER_STOPPED
    ? printer.stateMessage
      ? format(_('Printer {printer} is stopped: {message}'), { printer: printer.name, message: printer.stateMessage })
      : format(_('Printer {printer} is stopped'), { printer: printer.name })
    : format(_('Printer {printer} is running'), { printer: printer.name });

export function printerActions(cups = new CupsClient()): ActionDefinition[] {
  const resume: ActionDefinition<PrinterParams> = {
    name: 'printing.resume_printer',
    title: _('Resume a stopped printer'),
    params: printerParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    async preview({ printer }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: format(_('Resume printer {printer}'), { printer }),
        details: [stateWords(now), _('CUPS sends the jobs it holds for it again.')],
        changesNothing: now.state !== PRINTER_STOPPED,
      };
    },
    async run({ printer }, context) {
      await setEnabled(context, printer, true);
      return {
        summary: format(_('Resumed printer {printer}'), { printer }),
        undo: {
          action: 'printing.pause_printer',
          params: { printer },
          summary: format(_('Stop printer {printer} again'), { printer }),
        },
      };
    },
    async verify({ printer }): Promise<Verification> {
      const now = await queue(cups, printer);
      return { ok: now.state !== PRINTER_STOPPED, observed: stateWords(now) };
    },
  };
  const pause: ActionDefinition<PrinterParams> = {
    name: 'printing.pause_printer',
    title: _('Stop a printer'),
    params: printerParams,
    risk: 'low',
    needsAuthorization: true,
    readOnly: false,
    async preview({ printer }): Promise<Preview> {
      const now = await queue(cups, printer);
      return {
        summary: format(_('Stop printer {printer}'), { printer }),
        details: [stateWords(now), _('CUPS holds the jobs sent to it until it is resumed.')],
        changesNothing: now.state === PRINTER_STOPPED,
      };
    },
    async run({ printer }, context) {
      await setEnabled(context, printer, false);
      return {
        summary: format(_('Stopped printer {printer}'), { printer }),
        undo: {
          action: 'printing.resume_printer',
          params: { printer },
          summary: format(_('Resume printer {printer}'), { printer }),
        },
      };
    },
    async verify({ printer }): Promise<Verification> {
      const now = await queue(cups, printer);
      return { ok: now.state === PRINTER_STOPPED, observed: stateWords(now) };
    },
  };
  return [resume, pause] as unknown as ActionDefinition[];
}
