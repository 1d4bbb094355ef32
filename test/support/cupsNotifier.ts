// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// CUPS's own D-Bus notifier (/usr/lib/cups/notifier/dbus, Debian's cups-daemon), run as cupsd runs it: as its
// User (lp), with the events of a subscription on its standard input as IPP messages. It connects to the system bus
// that DBUS_SYSTEM_BUS_ADDRESS names and signals each event on org.cups.cupsd.Notifier; it ends when its input does.
import { spawn } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { userInfo } from 'node:os';

import { encodeRequest, type IppAttribute, TAG } from '../../service/src/kinds/printing/ipp.js';
import type { PrinterState, PrintJob } from '../../service/src/kinds/printing/state.js';
import { makeTempDir } from './tempDir.js';

export const CUPS_DBUS_NOTIFIER = '/usr/lib/cups/notifier/dbus';
/** The event-notification attributes group (RFC 3995). */
const EVENT_GROUP = 0x07;
/** Debian's lp, the User cupsd runs its notifiers as. */
const LP = 7;

/** The attributes of a printer event that notifier/dbus.c reads, as cupsd hands them to it (subscriptions.c). */
const printerAttributes = (event: string, printer: PrinterState, text: string): IppAttribute[] => [
  { tag: TAG.charset, name: 'attributes-charset', values: ['utf-8'] },
  { tag: TAG.language, name: 'attributes-natural-language', values: ['en'] },
  { tag: TAG.keyword, name: 'notify-subscribed-event', values: [event] },
  { tag: TAG.text, name: 'notify-text', values: [text] },
  { tag: TAG.uri, name: 'notify-printer-uri', values: [`ipp://localhost/printers/${printer.name}`] },
  { tag: TAG.name, name: 'printer-name', values: [printer.name] },
  { tag: TAG.enum, name: 'printer-state', values: [printer.state] },
  { tag: TAG.keyword, name: 'printer-state-reasons', values: printer.reasons.length ? printer.reasons : ['none'] },
  { tag: TAG.boolean, name: 'printer-is-accepting-jobs', values: [printer.acceptingJobs] },
];

const eventMessage = (attributes: IppAttribute[]) =>
  encodeRequest({ code: 0, requestId: 1, groups: [{ tag: EVENT_GROUP, attributes }] });

/** A printer event as cupsd hands it to a notifier (scheduler/subscriptions.c): the attributes notifier/dbus.c reads. */
export function printerEvent(event: string, printer: PrinterState): Buffer {
  return eventMessage(printerAttributes(event, printer, `Printer "${printer.name}" state changed.`));
}

/**
 * A job event (job-created, job-state-changed…): the printer's attributes, then the job's that notifier/dbus.c
 * reads for its job signals (notify-job-id, job-state, job-state-reasons, job-name, job-impressions-completed).
 */
export function jobEvent(event: string, printer: PrinterState, job: PrintJob, reason: string): Buffer {
  return eventMessage([
    ...printerAttributes(event, printer, `Job ${job.id} ${reason}.`),
    { tag: TAG.integer, name: 'notify-job-id', values: [job.id] },
    { tag: TAG.enum, name: 'job-state', values: [job.state] },
    { tag: TAG.keyword, name: 'job-state-reasons', values: [reason] },
    { tag: TAG.name, name: 'job-name', values: [job.name] },
    { tag: TAG.integer, name: 'job-impressions-completed', values: [0] },
  ]);
}

export interface CupsNotifier {
  /** Hands the notifier an event, as cupsd does; it signals it on the bus. */
  send(event: Buffer): void;
  /** Ends its input, as cupsd does when the subscription ends; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Runs CUPS's notifier as lp (root runs the specs) on the bus at `address`: as under cupsd, it runs for as long as
 * its input is open, one connection to the bus for all the events it is handed.
 */
export async function startCupsNotifier(address: string): Promise<CupsNotifier> {
  // Its lock file (one notifier at a time) goes to TMPDIR: a folder of this run's own, lp's to write.
  const tmp = await makeTempDir('steward-cups-notifier-');
  await chmod(tmp.path, 0o777);
  const asLp = userInfo().uid === 0 ? { uid: LP, gid: LP } : {};
  const notifier = spawn(CUPS_DBUS_NOTIFIER, ['dbus://', ''], {
    ...asLp,
    env: { DBUS_SYSTEM_BUS_ADDRESS: address, TMPDIR: tmp.path, PATH: '/usr/bin:/bin' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let said = '';
  notifier.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    notifier.once('error', reject);
    notifier.once('exit', resolve);
  });
  exited.catch(() => undefined);
  return {
    send: (event) => notifier.stdin.write(event),
    async stop() {
      notifier.stdin.end();
      const code = await exited;
      await tmp.remove();
      if (code !== 0) throw new Error(`${CUPS_DBUS_NOTIFIER} exited with ${code}: ${said}`);
    },
  };
}
