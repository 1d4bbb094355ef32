// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The local CUPS scheduler over its own socket: the printers' state (CUPS-Get-Printers), a queue's jobs that have
// not ended (Get-Jobs), and a subscription
// that has cupsd's D-Bus notifier announce their changes (Create-Printer-Subscriptions, notify-recipient-uri
// dbus://). The socket is root's: what it answers is cupsd's word, unlike a signal any bus client could send. Its
// answers are read within bounds (RFC 8011's sizes of names, texts and keywords) and a deadline; an answer outside
// them is an UnexpectedAnswer, never used.
import { request } from 'node:http';
import { userInfo } from 'node:os';

import { z } from 'zod';

import { peerWaits } from '../../dbus/peerWaits.js';
import { checkedAnswer, UnexpectedAnswer } from '../../dbus/unexpected.js';
import { boundedText } from '../../dbus/variants.js';
import {
  decodeResponse,
  encodeRequest,
  GROUP,
  groupsOf,
  type IppAttribute,
  IppError,
  type IppMessage,
  type IppValue,
  OPERATION,
  operationAttributes,
  TAG,
} from './ipp.js';
import type { PrinterState, PrintJob } from './state.js';

/** cupsd's domain socket (cups-files.conf's default Listen on Linux). */
export const CUPS_SOCKET = '/run/cups/cups.sock';

/**
 * The socket of the cupsd to ask: CUPS_SERVER where it names a domain socket (an absolute path), as libcups reads
 * it; a host name there is not followed, since only a local socket answers with the scheduler's own word.
 */
export function cupsSocket(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.CUPS_SERVER;
  return server?.startsWith('/') ? server : CUPS_SOCKET;
}

/** IPP status codes below 0x0100 are successes (RFC 8011 §4.1.6). */
const isSuccess = (status: number) => status < 0x0100;
/** client-error-not-found: cupsd's answer to Get-Subscriptions when there are none (scheduler/ipp.c). */
const NOT_FOUND = 0x0406;

/** What Steward asks of each printer: no more than the state it reports. */
export const PRINTER_ATTRIBUTES = [
  'printer-name',
  'printer-state',
  'printer-state-message',
  'printer-state-reasons',
  'printer-is-accepting-jobs',
];

/** The events whose signals tell that a queue's state may have changed (cupsd's event names, subscriptions.c). */
export const PRINTER_EVENTS = [
  'printer-state-changed',
  'printer-stopped',
  'printer-added',
  'printer-deleted',
  // A job held or released changes what waits in a queue.
  'job-created',
  'job-state-changed',
];

const first = (attributes: Map<string, IppValue[]>, name: string) => attributes.get(name)?.[0];

/** How the scheduler is named where it answered something unexpected. */
export const CUPSD = 'cupsd';
/** The most an answer may take: a thousand queues' states take a few hundred kilobytes. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** The most queues or jobs Steward takes from one answer. */
const MAX_ENTRIES = 4096;
/** How long cupsd may take to answer one request, whole. */
const ANSWER_DEADLINE_MS = 10_000;

// RFC 8011's sizes: name(MAX) and keyword 255 octets, text(MAX) 1023; one value where the attribute has one.
const one = <T extends z.ZodType>(value: T) => z.tuple([value]);
const name = boundedText(255, 255).min(1);
const printerAttributes = z.object({
  'printer-name': one(name),
  // printer-state: idle (3), processing (4), stopped (5).
  'printer-state': one(z.number().int().min(3).max(5)),
  'printer-state-message': one(boundedText(1023, 1023)).optional(),
  'printer-state-reasons': z.array(boundedText(255, 255)).max(64).optional(),
  'printer-is-accepting-jobs': one(z.boolean()).optional(),
});
const jobAttributes = z.object({
  'job-id': one(z.number().int().min(1)),
  // job-state: pending (3) … completed (9).
  'job-state': one(z.number().int().min(3).max(9)),
  'job-name': one(boundedText(255, 255)).optional(),
});

/** A queue's state from its attributes; attributes of other types or sizes are an UnexpectedAnswer from cupsd. */
export function printerFromAttributes(attributes: Map<string, IppValue[]>): PrinterState {
  const printer = checkedAnswer(printerAttributes, Object.fromEntries(attributes), CUPSD, 'CUPS-Get-Printers');
  return {
    name: printer['printer-name'][0],
    state: printer['printer-state'][0],
    stateMessage: printer['printer-state-message']?.[0] ?? '',
    reasons: (printer['printer-state-reasons'] ?? []).filter((reason) => reason !== 'none'),
    acceptingJobs: printer['printer-is-accepting-jobs']?.[0] !== false,
    heldJobs: [],
  };
}

/** At most MAX_ENTRIES groups of an answer: more is no answer to trust. */
function entries(answer: IppMessage, tag: number, operation: string): Map<string, IppValue[]>[] {
  const groups = groupsOf(answer, tag);
  if (groups.length > MAX_ENTRIES)
    throw new UnexpectedAnswer(CUPSD, operation, `${groups.length} entries, more than any scheduler has`);
  return groups;
}

export class CupsClient {
  private requestId = 0;

  constructor(
    private readonly socketPath = cupsSocket(),
    private readonly user = 'steward',
    /** How long cupsd may take to answer one request, whole; past it, cupsd is a stuck peer. */
    private readonly deadlineMs = ANSWER_DEADLINE_MS,
  ) {}

  /** Every queue this cupsd has, with its state. */
  async printers(): Promise<PrinterState[]> {
    const answer = await this.send(OPERATION.cupsGetPrinters, [
      { tag: TAG.keyword, name: 'requested-attributes', values: PRINTER_ATTRIBUTES },
    ]);
    return entries(answer, GROUP.printer, 'CUPS-Get-Printers').map((attributes) => printerFromAttributes(attributes));
  }

  /** The jobs of `printer` that have not ended, oldest first. */
  async jobs(printer: string): Promise<PrintJob[]> {
    const answer = await this.send(OPERATION.getJobs, [
      { tag: TAG.uri, name: 'printer-uri', values: [`ipp://localhost/printers/${encodeURIComponent(printer)}`] },
      { tag: TAG.keyword, name: 'which-jobs', values: ['not-completed'] },
      { tag: TAG.keyword, name: 'requested-attributes', values: ['job-id', 'job-state', 'job-name'] },
    ]);
    return entries(answer, GROUP.job, 'Get-Jobs').map((attributes) => {
      const job = checkedAnswer(jobAttributes, Object.fromEntries(attributes), CUPSD, 'Get-Jobs');
      return { id: job['job-id'][0], state: job['job-state'][0], name: job['job-name']?.[0] ?? '' };
    });
  }

  /**
   * Asks cupsd to announce `events` of every queue over D-Bus, without expiry (lease 0, which cupsd keeps
   * while its MaxLeaseDuration is 0, the default); the subscription's id, to cancel it.
   */
  async subscribeOverDbus(events = PRINTER_EVENTS): Promise<number> {
    const answer = await this.send(
      OPERATION.createPrinterSubscriptions,
      [{ tag: TAG.uri, name: 'printer-uri', values: ['ipp://localhost/'] }],
      [
        { tag: TAG.uri, name: 'notify-recipient-uri', values: ['dbus://'] },
        { tag: TAG.keyword, name: 'notify-events', values: events },
        { tag: TAG.integer, name: 'notify-lease-duration', values: [0] },
      ],
    );
    const id = groupsOf(answer, GROUP.subscription)
      .map((attributes) => first(attributes, 'notify-subscription-id'))
      .find((value) => typeof value === 'number');
    if (id === undefined) throw new IppError('cupsd answered Create-Printer-Subscriptions without a subscription id');
    return id;
  }

  /** The ids of the D-Bus subscriptions this user (Steward) made earlier: a crash leaves them behind. */
  async ownDbusSubscriptions(): Promise<number[]> {
    const answer = await this.send(
      OPERATION.getSubscriptions,
      [
        { tag: TAG.uri, name: 'printer-uri', values: ['ipp://localhost/'] },
        { tag: TAG.boolean, name: 'my-subscriptions', values: [true] },
        { tag: TAG.keyword, name: 'requested-attributes', values: ['notify-subscription-id', 'notify-recipient-uri'] },
      ],
      undefined,
      [NOT_FOUND],
    );
    return groupsOf(answer, GROUP.subscription).flatMap((attributes) => {
      const id = first(attributes, 'notify-subscription-id');
      return typeof id === 'number' && first(attributes, 'notify-recipient-uri') === 'dbus://' ? [id] : [];
    });
  }

  /**
   * Pause-Printer with a state message, as `cupsdisable -r` sends it: the queue stops and says why. cupsd's own
   * policy decides who may (its SystemGroup, through the socket's peer credentials); a refusal is an IppError.
   */
  async pausePrinter(printer: string, message: string): Promise<void> {
    await this.withStateMessage(OPERATION.pausePrinter, printer, message);
  }

  /**
   * CUPS-Reject-Jobs with a state message, as `cupsreject -r` sends it: the queue refuses new jobs and says why. The
   * same policy as Pause-Printer decides who may.
   */
  async rejectJobs(printer: string, message: string): Promise<void> {
    await this.withStateMessage(OPERATION.cupsRejectJobs, printer, message);
  }

  /** An administrator's operation on a queue that sets its state message (through /admin/, as lpadmin's). */
  private async withStateMessage(code: number, printer: string, message: string): Promise<void> {
    await this.send(
      code,
      [
        { tag: TAG.uri, name: 'printer-uri', values: [`ipp://localhost/printers/${encodeURIComponent(printer)}`] },
        { tag: TAG.text, name: 'printer-state-message', values: [message] },
      ],
      undefined,
      [],
      '/admin/',
    );
  }

  async cancelSubscription(id: number): Promise<void> {
    await this.send(OPERATION.cancelSubscription, [
      { tag: TAG.uri, name: 'printer-uri', values: ['ipp://localhost/'] },
      { tag: TAG.integer, name: 'notify-subscription-id', values: [id] },
    ]);
  }

  private async send(
    code: number,
    operation: IppAttribute[],
    subscription?: IppAttribute[],
    alsoFine: number[] = [],
    path = '/',
  ): Promise<IppMessage> {
    const groups = [
      operationAttributes(...operation, { tag: TAG.name, name: 'requesting-user-name', values: [this.user] }),
      ...(subscription ? [{ tag: GROUP.subscription, attributes: subscription }] : []),
    ];
    const body = encodeRequest({ code, requestId: ++this.requestId, groups });
    const answer = decodeResponse(await this.post(code, body, path));
    if (!isSuccess(answer.code) && !alsoFine.includes(answer.code))
      throw new IppError(`cupsd refused operation 0x${code.toString(16)}: status 0x${answer.code.toString(16)}`);
    return answer;
  }

  /**
   * Posts `body`; cupsd's whole answer, within MAX_ANSWER_BYTES and the deadline (cupsd is then stuck). Where cupsd
   * asks who is calling (HTTP 401) and takes the domain socket's peer credentials, it is sent again naming this
   * process's user, as libcups does: cupsd checks the name against the socket's peer.
   */
  private async post(code: number, body: Buffer, path: string, peerCred = false): Promise<Buffer> {
    const authorization = peerCred ? { Authorization: `PeerCred ${userInfo().username}` } : {};
    const operation = `IPP operation 0x${code.toString(16)}`;
    const end = peerWaits.begin(CUPSD, operation);
    let late = false;
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const outgoing = request(
          {
            socketPath: this.socketPath,
            path,
            method: 'POST',
            headers: {
              'Content-Type': 'application/ipp',
              'Content-Length': body.length,
              Host: 'localhost',
              ...authorization,
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_ANSWER_BYTES)
                return outgoing.destroy(new IppError(`cupsd answered more than ${MAX_ANSWER_BYTES} bytes`));
              chunks.push(chunk);
            });
            response.on('end', () => {
              const offered = String(response.headers['www-authenticate'] ?? '');
              if (response.statusCode === 401 && !peerCred && /\bPeerCred\b/.test(offered))
                resolve(this.post(code, body, path, true));
              else if (response.statusCode === 200) resolve(Buffer.concat(chunks));
              else reject(new IppError(`cupsd answered HTTP ${response.statusCode ?? '?'}`));
            });
            response.on('error', reject);
          },
        );
        const timer = setTimeout(() => {
          late = true;
          peerWaits.stuck(CUPSD, `did not answer ${operation} within ${this.deadlineMs / 1000} s`);
          outgoing.destroy(new IppError(`cupsd did not answer within ${this.deadlineMs / 1000} s`));
        }, this.deadlineMs);
        outgoing.on('close', () => clearTimeout(timer));
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    } finally {
      // An error is an answer too; only a request past its deadline leaves cupsd stuck.
      end(!late);
    }
  }
}
