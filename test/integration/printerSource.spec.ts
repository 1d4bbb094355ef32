// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The printers' source and actions on a real private system bus (dbus-daemon). cupsd and cups-pk-helper are not
// installed on this machine, so both are stand-ins here: cupsd an HTTP server on a domain socket that answers the
// IPP operations Steward sends, as cupsd would (RFC 8010 encoding), and records them; cups-pk-helper a bus
// connection owning its name that answers PrinterSetEnabled, JobCancelPurge and JobRestart as the helper does (an
// error text, empty on success) by changing the stand-in cupsd's queue or job.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import { Message, type MessageBus, MessageType } from '@jellybrick/dbus-next';

import type { ActionContext, ActionDefinition } from '../../service/src/fixes/action.js';
import { printerActions } from '../../service/src/kinds/printing/actions.js';
import { CupsClient } from '../../service/src/kinds/printing/cupsClient.js';
import {
  decodeResponse,
  encodeRequest,
  GROUP,
  type IppGroup,
  type IppMessage,
  OPERATION,
  TAG,
} from '../../service/src/kinds/printing/ipp.js';
import { NOTIFIER, PrinterSource } from '../../service/src/kinds/printing/source.js';
import type { PrinterState, PrintJob } from '../../service/src/kinds/printing/state.js';
import { createLogger } from '../../service/src/logging.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { jobEvent, printerEvent, startCupsNotifier } from '../support/cupsNotifier.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SUBSCRIPTION_ID = 42;
const STALE_ID = 7;
/** client-error-not-found, cupsd's answer to Get-Subscriptions when it has none. */
const NOT_FOUND = 0x0406;

/** The stand-in for cupsd: its queues, and every request it was sent (decoded). */
interface CupsStandIn {
  socket: string;
  /** Whether an earlier run left a subscription (else Get-Subscriptions finds none). */
  stale: boolean;
  printers: PrinterState[];
  /** Every job cupsd keeps, ended or not (job-state 7 and above have ended). */
  jobs: (PrintJob & { printer: string })[];
  requests: IppMessage[];
  server: Server;
}

function printerGroup(printer: PrinterState): IppGroup {
  return {
    tag: GROUP.printer,
    attributes: [
      { tag: TAG.name, name: 'printer-name', values: [printer.name] },
      { tag: TAG.enum, name: 'printer-state', values: [printer.state] },
      { tag: TAG.text, name: 'printer-state-message', values: [printer.stateMessage] },
      { tag: TAG.keyword, name: 'printer-state-reasons', values: printer.reasons.length ? printer.reasons : ['none'] },
      { tag: TAG.boolean, name: 'printer-is-accepting-jobs', values: [printer.acceptingJobs] },
    ],
  };
}

async function startCupsStandIn(dir: string): Promise<CupsStandIn> {
  const standIn: CupsStandIn = {
    socket: join(dir, 'cups.sock'),
    stale: true,
    printers: [],
    jobs: [],
    requests: [],
    server: createServer(),
  };
  standIn.server.on('request', (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const asked = decodeResponse(Buffer.concat(chunks));
      standIn.requests.push(asked);
      const groups: IppGroup[] = [{ tag: GROUP.operation, attributes: [] }];
      if (asked.code === OPERATION.cupsGetPrinters) groups.push(...standIn.printers.map(printerGroup));
      if (asked.code === OPERATION.getJobs) {
        const uri = asked.groups[0]?.attributes.find((attribute) => attribute.name === 'printer-uri')?.values[0];
        groups.push(
          ...standIn.jobs
            .filter((job) => uri === `ipp://localhost/printers/${job.printer}` && job.state < 7)
            .map((job) => ({
              tag: GROUP.job,
              attributes: [
                { tag: TAG.integer, name: 'job-id', values: [job.id] },
                { tag: TAG.enum, name: 'job-state', values: [job.state] },
                { tag: TAG.name, name: 'job-name', values: [job.name] },
              ],
            })),
        );
      }
      // Pause-Printer with a reason (cupsd's own, for the stop that undoes a resume): the queue stops with it.
      if (asked.code === OPERATION.pausePrinter) {
        const operation = asked.groups[0]?.attributes ?? [];
        const uri = operation.find((attribute) => attribute.name === 'printer-uri')?.values[0];
        const printer = standIn.printers.find((candidate) => uri === `ipp://localhost/printers/${candidate.name}`);
        const message = operation.find((attribute) => attribute.name === 'printer-state-message')?.values[0];
        if (printer) {
          printer.state = 5;
          if (typeof message === 'string') printer.stateMessage = message;
        }
      }
      if (asked.code === OPERATION.createPrinterSubscriptions)
        groups.push({
          tag: GROUP.subscription,
          attributes: [{ tag: TAG.integer, name: 'notify-subscription-id', values: [SUBSCRIPTION_ID] }],
        });
      // One left behind by an earlier Steward, and another program's (an RSS one).
      const none = asked.code === OPERATION.getSubscriptions && !standIn.stale;
      if (asked.code === OPERATION.getSubscriptions && standIn.stale)
        groups.push(
          ...[
            [STALE_ID, 'dbus://'],
            [STALE_ID + 1, 'rss://localhost:8080'],
          ].map(([id, uri]) => ({
            tag: GROUP.subscription,
            attributes: [
              { tag: TAG.integer, name: 'notify-subscription-id', values: [id as number] },
              { tag: TAG.uri, name: 'notify-recipient-uri', values: [uri as string] },
            ],
          })),
        );
      outgoing.writeHead(200, { 'Content-Type': 'application/ipp' });
      outgoing.end(encodeRequest({ code: none ? NOT_FOUND : 0, requestId: asked.requestId, groups }));
    });
  });
  await new Promise<void>((resolve) => standIn.server.listen(standIn.socket, resolve));
  return standIn;
}

const idle = (name: string): PrinterState => ({
  name,
  state: 3,
  stateMessage: '',
  reasons: [],
  acceptingJobs: true,
  heldJobs: [],
});

/** A signal as cupsd's notifier sends it (notifier/dbus.c), sent by another connection: a forgery. */
function notifierSignal(bus: MessageBus, printer: PrinterState) {
  bus.send(
    new Message({
      type: MessageType.SIGNAL,
      path: NOTIFIER.path,
      interface: NOTIFIER.interface,
      member: 'PrinterStateChanged',
      signature: 'sssusb',
      body: [
        'state changed',
        `ipp://localhost/printers/${printer.name}`,
        printer.name,
        printer.state,
        printer.reasons.join(','),
        printer.acceptingJobs,
      ],
    }),
  );
}

describe('the printers source', () => {
  let bus: PrivateBus;
  let dir: TempDir;
  let cups: CupsStandIn;
  let source: PrinterSource;
  let printers: PrinterState[];
  let logLines: string[];

  beforeEach(async () => {
    bus = await startPrivateBus({ system: true });
    dir = await makeTempDir('steward-cups-');
    cups = await startCupsStandIn(dir.path);
    cups.printers = [idle('Office'), idle('Lab')];
    logLines = [];
    const log = createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) });
    source = new PrinterSource(await bus.connect(), log, new CupsClient(cups.socket));
    printers = [];
    await source.start((event: WatchEvent) => {
      if (event.type === 'desktop' && event.desktop.kind === 'printer') printers.push(event.desktop.printer);
    });
  });

  afterEach(async () => {
    await source.stop();
    await new Promise((resolve) => cups.server.close(resolve));
    await bus.stop();
    await dir.remove();
  });

  it('subscribes cupsd to announce queue changes over D-Bus and reads every queue once', () => {
    const subscribe = cups.requests.find((request) => request.code === OPERATION.createPrinterSubscriptions);
    const subscription = subscribe?.groups.find((group) => group.tag === GROUP.subscription)?.attributes;
    expect(subscription?.map(({ name, values }) => [name, values])).toEqual([
      ['notify-recipient-uri', ['dbus://']],
      [
        'notify-events',
        [
          'printer-state-changed',
          'printer-stopped',
          'printer-added',
          'printer-deleted',
          'job-created',
          'job-state-changed',
        ],
      ],
      ['notify-lease-duration', [0]],
    ]);
    expect(printers.map((printer) => [printer.name, printer.state])).toEqual([
      ['Office', 3],
      ['Lab', 3],
    ]);
  });

  const reads = () => cups.requests.filter((request) => request.code === OPERATION.cupsGetPrinters).length;

  it("reads the queues again on the notifier's signal and tells only the queue that changed (CUPS's own notifier)", async () => {
    expect(reads()).toBe(1);
    const stopped = { ...idle('Office'), state: 5, stateMessage: 'Printer stopped due to backend errors.' };
    cups.printers = [{ ...stopped, reasons: ['paused'] }, idle('Lab')];
    const notifier = await startCupsNotifier(bus.address);
    try {
      notifier.send(printerEvent('printer-state-changed', stopped));
      await waitFor(() => printers.length === 3, 'the stopped queue');
    } finally {
      await notifier.stop();
    }
    expect(printers[2]).toEqual({ ...stopped, reasons: ['paused'] });
    expect(reads()).toBe(2);
  });

  it("reads the queues' jobs again on the notifier's job signals (their own type): a job held, then released", async () => {
    const office = idle('Office');
    const held = { id: 9, state: 4, name: 'later.pdf' };
    cups.jobs = [{ printer: 'Office', ...held }];
    const notifier = await startCupsNotifier(bus.address);
    try {
      // lp -H indefinite: cupsd tells the job created, held; nothing of the queue's own state changes.
      notifier.send(jobEvent('job-created', office, held, 'job-hold-until-specified'));
      await waitFor(() => printers.length === 3, 'the queue with its held job');
      expect(printers[2]).toEqual({ ...office, heldJobs: [9] });
      // Released and printed: cupsd tells the job completed.
      cups.jobs = [{ printer: 'Office', ...held, state: 9 }];
      notifier.send(jobEvent('job-completed', office, { ...held, state: 9 }, 'job-completed-successfully'));
      await waitFor(() => printers.length === 4, 'the queue without it');
    } finally {
      await notifier.stop();
    }
    expect(printers[3]).toEqual(office);
    expect(logLines.filter((line) => line.includes('answered something unexpected'))).toEqual([]);
  });

  it("takes the notifier's signals from its own connection only: another's is dropped and said so", async () => {
    const stopped = { ...idle('Office'), state: 5, stateMessage: 'Printer stopped due to backend errors.' };
    cups.printers = [stopped, idle('Lab')];
    // A connection of Steward's own user (root runs the specs) sends the notifier's signal: no read.
    const forger = await bus.connect();
    for (let i = 0; i < 20; i++) notifierSignal(forger, stopped);
    await waitFor(
      () => logLines.filter((line) => line.includes('answered something unexpected')).length > 0,
      'the forgery told',
    );
    // CUPS's notifier, after the forgeries: its signal is the first to make Steward read the queues again.
    const notifier = await startCupsNotifier(bus.address);
    try {
      notifier.send(printerEvent('printer-stopped', stopped));
      await waitFor(() => printers.length === 3, 'the stopped queue');
    } finally {
      await notifier.stop();
    }
    expect(reads()).withContext('one read at the start, one for the notifier').toBe(2);
    expect(logLines.filter((line) => line.includes('answered something unexpected'))).toHaveSize(1);
  });

  const cancelled = () =>
    cups.requests
      .filter((request) => request.code === OPERATION.cancelSubscription)
      .flatMap(
        (request) =>
          request.groups[0]?.attributes.find((attribute) => attribute.name === 'notify-subscription-id')?.values ?? [],
      );

  it('cancels a D-Bus subscription an earlier run left behind before subscribing, and its own when it stops', async () => {
    expect(cancelled()).toEqual([STALE_ID]);
    await source.stop();
    expect(cancelled()).toEqual([STALE_ID, SUBSCRIPTION_ID]);
  });

  it('subscribes when cupsd has no earlier subscription of its (not found)', async () => {
    await source.stop();
    cups.stale = false;
    cups.requests.length = 0;
    const log = createLogger({ level: 'debug', journal: false, write: () => undefined });
    source = new PrinterSource(await bus.connect(), log, new CupsClient(cups.socket));
    await source.start(() => undefined);
    expect(cups.requests.map((request) => request.code)).toEqual([
      OPERATION.getSubscriptions,
      OPERATION.createPrinterSubscriptions,
      OPERATION.cupsGetPrinters,
      // The jobs of each queue (Office, Lab), for the held ones.
      OPERATION.getJobs,
      OPERATION.getJobs,
    ]);
    expect(cancelled()).toEqual([]);
  });
});

/** The stand-in for cups-pk-helper: owns its name, and enables or disables the stand-in cupsd's queue. */
async function startHelperStandIn(bus: MessageBus, cups: CupsStandIn): Promise<string[][]> {
  const calls: string[][] = [];
  await bus.requestName('org.opensuse.CupsPkHelper.Mechanism', 4);
  bus.addMethodHandler((message: Message) => {
    if (message.interface !== 'org.opensuse.CupsPkHelper.Mechanism') return false;
    if (message.member === 'JobCancelPurge' || message.member === 'JobRestart') {
      const [id, purge] = message.body as [number, boolean?];
      calls.push([message.member, String(id), ...(purge === undefined ? [] : [String(purge)])]);
      const job = cups.jobs.find((candidate) => candidate.id === id);
      // cupsd restarts only a job that ended and whose files it kept; it cancels one that has not ended.
      const ok = message.member === 'JobRestart' ? job !== undefined && job.state >= 7 : job !== undefined;
      if (job && ok) job.state = message.member === 'JobRestart' ? 3 : 7;
      bus.send(Message.newMethodReturn(message, 's', [ok ? '' : 'client-error-not-possible']));
      return true;
    }
    if (message.member !== 'PrinterSetEnabled') return false;
    const [name, enabled] = message.body as [string, boolean];
    calls.push([name, String(enabled)]);
    const printer = cups.printers.find((candidate) => candidate.name === name);
    if (printer) {
      printer.state = enabled ? 3 : 5;
      printer.stateMessage = enabled ? '' : 'Paused';
    }
    bus.send(Message.newMethodReturn(message, 's', [printer ? '' : 'client-error-not-found']));
    return true;
  });
  return calls;
}

describe('the printer actions', () => {
  let bus: PrivateBus;
  let dir: TempDir;
  let cups: CupsStandIn;
  let helperCalls: string[][];
  let context: ActionContext;
  let resume: ActionDefinition;
  let pause: ActionDefinition;

  beforeEach(async () => {
    bus = await startPrivateBus({ system: true });
    dir = await makeTempDir('steward-cups-');
    cups = await startCupsStandIn(dir.path);
    cups.printers = [{ ...idle('Office'), state: 5, stateMessage: 'Printer stopped due to backend errors.' }];
    helperCalls = await startHelperStandIn(await bus.connect(), cups);
    const log = createLogger({ level: 'debug', journal: false, write: () => undefined });
    context = { systemBus: await bus.connect(), log } as ActionContext;
    const actions = printerActions(new CupsClient(cups.socket));
    [resume, pause] = ['printing.resume_printer', 'printing.pause_printer'].map((name) =>
      actions.find((action) => action.name === name)!,
    ) as [ActionDefinition, ActionDefinition];
  });

  afterEach(async () => {
    await new Promise((resolve) => cups.server.close(resolve));
    await bus.stop();
    await dir.remove();
  });

  const options = { progress: () => undefined, signal: new AbortController().signal };

  it('resumes a stopped queue through cups-pk-helper, verified from cupsd, with stopping it again as the undo', async () => {
    const params = resume.params.parse({ printer: 'Office' });
    const preview = await resume.preview(params, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details[0]).toBe('Printer Office is stopped: Printer stopped due to backend errors.');
    const outcome = await resume.run(params, context, options);
    expect(helperCalls).toEqual([['Office', 'true']]);
    // The undo stops it with the reason it was stopped for.
    const reason = 'Printer stopped due to backend errors.';
    expect(outcome.undo).toEqual({
      action: 'printing.pause_printer',
      params: { printer: 'Office', reason },
      summary: `Stop printer Office again: ${reason}`,
    });
    expect(await resume.verify(params, context)).toEqual({ ok: true, observed: 'Printer Office is running' });
    expect((await resume.preview(params, context)).changesNothing).toBeTrue();
    // The undo puts the queue back as it was: stopped, with its reason (cups-pk-helper, then cupsd's Pause-Printer).
    const undoParams = pause.params.parse((outcome.undo as { params: unknown }).params);
    await pause.run(undoParams, context, options);
    expect(helperCalls).toEqual([
      ['Office', 'true'],
      ['Office', 'false'],
    ]);
    expect(await pause.verify(undoParams, context)).toEqual({
      ok: true,
      observed: `Printer Office is stopped: ${reason}`,
    });
    // A stop without a reason is cups-pk-helper's own: "Paused".
    await resume.run(params, context, options);
    await pause.run(params, context, options);
    expect(await pause.verify(params, context)).toEqual({ ok: true, observed: 'Printer Office is stopped: Paused' });
  });

  it('cancels the job that holds the queue up, verified from cupsd, and prints it again as the undo', async () => {
    cups.jobs = [
      { printer: 'Office', id: 72, state: 6, name: 'scan.pdf\u001b[31m' },
      { printer: 'Office', id: 73, state: 3, name: 'letter.odt' },
    ];
    const actions = printerActions(new CupsClient(cups.socket));
    const [cancel, restart] = ['printing.cancel_job', 'printing.restart_job'].map((name) =>
      actions.find((action) => action.name === name)!,
    ) as [ActionDefinition, ActionDefinition];
    const params = cancel.params.parse({ printer: 'Office', job: 72 });
    const preview = await cancel.preview(params, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details[0]).toBe('Job 72 (scan.pdf) on Office is stopped');
    const outcome = await cancel.run(params, context, options);
    expect(helperCalls).toEqual([['JobCancelPurge', '72', 'false']]);
    expect(outcome.undo).toEqual({
      action: 'printing.restart_job',
      params: { printer: 'Office', job: 72 },
      summary: 'Print job 72 on Office again',
    });
    expect(await cancel.verify(params, context)).toEqual({ ok: true, observed: 'Job 72 on Office has ended' });
    expect((await cancel.preview(params, context)).changesNothing).toBeTrue();
    // The undo: cupsd kept the job's files, and takes it up again.
    expect((await restart.preview(params, context)).changesNothing).toBeFalse();
    await restart.run(params, context, options);
    expect(await restart.verify(params, context)).toEqual({
      ok: true,
      observed: 'Job 72 (scan.pdf) on Office is waiting',
    });
    // A job number outside IPP's range, or one given as text, is refused by the schema.
    expect(cancel.params.safeParse({ printer: 'Office', job: 0 }).success).toBeFalse();
    expect(cancel.params.safeParse({ printer: 'Office', job: '72; rm' }).success).toBeFalse();
  });

  it('refuses a bad queue name and an unknown queue by name, never with a stack trace', async () => {
    expect(resume.params.safeParse({ printer: 'Office/../x' }).success).toBeFalse();
    expect(resume.params.safeParse({ printer: 'Office', extra: 1 }).success).toBeFalse();
    await expectAsync(resume.preview({ printer: 'Lab' }, context)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'NotFound', message: 'There is no printer Lab.' }),
    );
    // The run reads the queue first (for the reason its undo gives back): cups-pk-helper is never asked.
    await expectAsync(resume.run({ printer: 'Lab' }, context, options)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'NotFound', message: 'There is no printer Lab.' }),
    );
    expect(helperCalls).toEqual([]);
    // A stop asks cups-pk-helper at once, and its refusal is told in cupsd's words.
    await expectAsync(pause.run({ printer: 'Lab' }, context, options)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Internal', message: 'The print system refused: client-error-not-found' }),
    );
    expect(helperCalls).toEqual([['Lab', 'false']]);
  });
});
