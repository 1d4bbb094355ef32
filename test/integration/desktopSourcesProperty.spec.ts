// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A property of every D-Bus state source: whatever the service on the other end answers and signals, of any D-Bus
// type (answeringPeer.ts owns its name on a private bus, with seeded random replies and signals, and hands the name on
// now and then), the source throws nothing, emits only events of its own well-typed, bounded shape, and once the
// service answers as its interface says again, follows it again. The printers' source is told anything by both of
// its peers: CUPS's notifier (random signals, now and then a new notifier) and cupsd's socket (random IPP answers).
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import { type Message, type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { onBusError } from '../../service/src/dbus/connection.js';
import { ADAPTER, BLUEZ, BluezSource } from '../../service/src/kinds/bluetooth/source.js';
import { TimedatedSource } from '../../service/src/kinds/clock/source.js';
import { TIMEDATED, TIMEDATED_PATH } from '../../service/src/kinds/clock/timedated.js';
import { EXTENSIONS, SHELL, SHELL_PATH } from '../../service/src/kinds/extensions/shell.js';
import { ShellExtensionsSource } from '../../service/src/kinds/extensions/source.js';
import { CupsClient, PRINTER_ATTRIBUTES } from '../../service/src/kinds/printing/cupsClient.js';
import {
  decodeResponse,
  encodeRequest,
  GROUP,
  type IppAttribute,
  OPERATION,
  TAG,
} from '../../service/src/kinds/printing/ipp.js';
import { NOTIFIER, PrinterSource } from '../../service/src/kinds/printing/source.js';
import { createLogger } from '../../service/src/logging.js';
import type { EventSource, WatchEvent } from '../../service/src/watch/events.js';
import { NetworkManagerSource } from '../../service/src/watch/networkManager.js';
import { UnitSource } from '../../service/src/watch/units.js';
import { type Answer, AnsweringPeer } from '../support/answeringPeer.js';
import { completeTypes, Random, randomSignature, valueOf } from '../support/fuzz.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const SYSTEMD = 'org.freedesktop.systemd1';
const UNIT = 'org.freedesktop.systemd1.Unit';
const CUPS_UNIT = '/org/freedesktop/systemd1/unit/cups_2eservice';
const SEEDS = [1, 2, 3];
const ROUNDS = 300;

const bounded = (max: number) => z.string().max(max);
/**
 * A folder systemd makes of a *Directory= name (a D-Bus text of at most 4,096 characters) under its root:
 * under the user's home, whose path is at most PATH_MAX.
 */
const underRoot = bounded(4096 + 1 + 4096);
/** What each source may emit, whatever it was told. */
const EVENT = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('desktop'),
    at: z.date(),
    desktop: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('bluetooth'),
        bluetooth: z.strictObject({
          adapter: bounded(255),
          present: z.boolean(),
          powered: z.boolean(),
          blocked: z.boolean(),
        }),
      }),
      z.object({
        kind: z.literal('clock'),
        clock: z.strictObject({
          ntp: z.boolean(),
          canNtp: z.boolean(),
          synchronized: z.boolean(),
          // The machine's uptime when it was read (os.uptime), never timedated's word.
          uptimeSeconds: z.number().min(0).finite(),
          // When automatic time was seen switched on: an uptime as well.
          ntpOnSinceSeconds: z.number().min(0).finite().optional(),
        }),
      }),
      z.object({
        kind: z.literal('printer'),
        printer: z.strictObject({
          name: bounded(255).min(1),
          state: z.number().int().min(3).max(5),
          stateMessage: bounded(1023),
          reasons: z.array(bounded(255)).max(64),
          acceptingJobs: z.boolean(),
          // The held jobs' ids (IPP's job-id, a positive 32-bit integer), at most the 4,096 jobs one answer gives.
          heldJobs: z
            .array(
              z
                .number()
                .int()
                .min(1)
                .max(2 ** 31 - 1),
            )
            .max(4096),
        }),
      }),
      z.object({
        kind: z.literal('extension'),
        extension: z.strictObject({
          uuid: bounded(255),
          name: bounded(255),
          version: bounded(50),
          state: z.number().int().min(0).max(1000),
          error: bounded(500),
          path: bounded(500),
          enabled: z.boolean().optional(),
        }),
      }),
    ]),
  }),
  z.object({
    type: z.literal('connectivity'),
    at: z.date(),
    state: z.enum(['unknown', 'none', 'portal', 'limited', 'full']),
  }),
  z.object({
    type: z.literal('unit'),
    at: z.date(),
    state: z
      .strictObject({
        scope: z.literal('user'),
        unit: bounded(255).regex(/^[^/\s]+\.[a-z]+$/),
        activeState: z.enum(['failed', 'active']),
        result: bounded(64).optional(),
        exitCode: z.number().int().optional(),
        restarts: z.number().int().min(0).optional(),
        // As the typed replies bound them (dbus/systemd.ts): the fragment and 10,000 drop-ins, four Exec*= settings
        // of 1,000 commands of 10,000 arguments, 1,000 environment files, 10,000 names per *Directory= setting.
        paths: z
          .strictObject({
            files: z.array(bounded(4096)).max(1 + 10_000),
            programs: z.array(bounded(4096)).max(4 * 1000),
            arguments: z.array(bounded(4096)).max(4 * 1000 * 10_000),
            environmentFiles: z.array(bounded(4096)).max(1000),
            workingDirectory: bounded(4096),
            configuration: z.array(underRoot).max(10_000),
            written: z.array(underRoot).max(4 * 10_000 + 10_000 + 1),
          })
          .optional(),
      })
      .refine((state) => (state.activeState === 'failed') === (state.paths !== undefined), {
        message: 'a failed unit, and only a failed one, carries the paths its file names',
      }),
  }),
]);

interface Signal {
  path: string;
  iface: string;
  member: string;
  signature: string;
  /** The keys its a{sv} documents, with their types: given hostile values of that type or another. */
  keys?: Record<string, string>;
  /** Its first argument, where it names an interface. */
  arg0?: string;
}

interface Case {
  source: (bus: MessageBus) => EventSource;
  name: string;
  /** The replies its interface declares, by member. */
  replies: Record<string, string>;
  keys: Record<string, string>;
  signals: Signal[];
  /** The right answer to a call, for the end of the run. */
  right: (call: Message) => Answer | null;
  /** Right signals after the storm; the last must make the source emit an event `followed` recognises. */
  settle: (Signal & { body: unknown[] })[];
  followed: (event: WatchEvent) => boolean;
}

const log = createLogger({ level: 'error', journal: false, write: () => undefined });
const propertiesChanged = (path: string, iface: string, keys: Record<string, string>): Signal => ({
  path,
  iface: PROPERTIES,
  member: 'PropertiesChanged',
  signature: 'sa{sv}as',
  keys,
  arg0: iface,
});
const changed = (path: string, iface: string, values: Record<string, Variant>) => ({
  ...propertiesChanged(path, iface, {}),
  body: [iface, values, []],
});

const CASES: Case[] = [
  {
    name: BLUEZ,
    source: (bus) => new BluezSource({ name: 'desktop.bluetooth', bus, log }),
    replies: { GetManagedObjects: 'a{oa{sa{sv}}}' },
    keys: { Powered: 'b', PowerState: 's', Address: 's' },
    signals: [
      { path: '/', iface: 'org.freedesktop.DBus.ObjectManager', member: 'InterfacesAdded', signature: 'oa{sa{sv}}' },
      { path: '/', iface: 'org.freedesktop.DBus.ObjectManager', member: 'InterfacesRemoved', signature: 'oas' },
      propertiesChanged('/org/bluez/hci0', ADAPTER, { Powered: 'b', PowerState: 's' }),
    ],
    right: ({ member }) =>
      member === 'GetManagedObjects'
        ? {
            signature: 'a{oa{sa{sv}}}',
            body: [{ '/org/bluez/hci9': { [ADAPTER]: { Powered: new Variant('b', true) } } }],
          }
        : null,
    settle: [changed('/org/bluez/hci9', ADAPTER, { Powered: new Variant('b', false) })],
    followed: (event) =>
      event.type === 'desktop' &&
      event.desktop.kind === 'bluetooth' &&
      event.desktop.bluetooth.adapter === '/org/bluez/hci9' &&
      !event.desktop.bluetooth.powered,
  },
  {
    name: TIMEDATED,
    source: (bus) => new TimedatedSource({ name: 'desktop.clock', bus, log }),
    replies: { GetAll: 'a{sv}' },
    keys: { NTP: 'b', CanNTP: 'b', NTPSynchronized: 'b' },
    signals: [propertiesChanged(TIMEDATED_PATH, TIMEDATED, { NTP: 'b', CanNTP: 'b' })],
    right: ({ member }) =>
      member === 'GetAll'
        ? { signature: 'a{sv}', body: [{ NTP: new Variant('b', true), CanNTP: new Variant('b', true) }] }
        : null,
    settle: [
      changed(TIMEDATED_PATH, TIMEDATED, { NTP: new Variant('b', true), CanNTP: new Variant('b', true) }),
      changed(TIMEDATED_PATH, TIMEDATED, { NTP: new Variant('b', false) }),
    ],
    followed: (event) => event.type === 'desktop' && event.desktop.kind === 'clock' && !event.desktop.clock.ntp,
  },
  {
    name: SHELL,
    source: (bus) => new ShellExtensionsSource({ name: 'desktop.extensions', bus, log }),
    replies: { ListExtensions: 'a{sa{sv}}', GetExtensionInfo: 'a{sv}' },
    keys: { state: 'd', error: 's', path: 's', enabled: 'b', name: 's', version: 'd', uuid: 's' },
    signals: [{ path: SHELL_PATH, iface: EXTENSIONS, member: 'ExtensionStateChanged', signature: 'sa{sv}' }],
    right: ({ member }) => (member === 'ListExtensions' ? { signature: 'a{sa{sv}}', body: [{}] } : null),
    settle: [
      {
        path: SHELL_PATH,
        iface: EXTENSIONS,
        member: 'ExtensionStateChanged',
        signature: 'sa{sv}',
        body: ['live@example.org', { state: new Variant('d', 3), error: new Variant('s', 'TypeError') }],
      },
    ],
    followed: (event) =>
      event.type === 'desktop' &&
      event.desktop.kind === 'extension' &&
      event.desktop.extension.uuid === 'live@example.org' &&
      event.desktop.extension.state === 3,
  },
  {
    name: NM,
    source: (bus) => new NetworkManagerSource({ name: 'network.manager', bus, log }),
    replies: { GetAll: 'a{sv}' },
    keys: { Connectivity: 'u', State: 'u' },
    signals: [
      propertiesChanged(NM_PATH, NM, { Connectivity: 'u', State: 'u' }),
      { path: NM_PATH, iface: NM, member: 'StateChanged', signature: 'u' },
    ],
    right: ({ member }) =>
      member === 'GetAll'
        ? { signature: 'a{sv}', body: [{ Connectivity: new Variant('u', 4), State: new Variant('u', 70) }] }
        : null,
    settle: [
      { path: NM_PATH, iface: NM, member: 'StateChanged', signature: 'u', body: [70] },
      changed(NM_PATH, NM, { Connectivity: new Variant('u', 4) }),
      changed(NM_PATH, NM, { Connectivity: new Variant('u', 1) }),
    ],
    followed: (event) => event.type === 'connectivity' && event.state === 'none',
  },
  {
    name: SYSTEMD,
    source: (bus) => new UnitSource({ name: 'units.user', bus, scope: 'user', log }),
    replies: { ListUnitsFiltered: 'a(ssssssouso)', Get: 'v', Subscribe: '' },
    keys: { ActiveState: 's', LoadState: 's' },
    signals: [propertiesChanged(CUPS_UNIT, UNIT, { ActiveState: 's', LoadState: 's' })],
    right: ({ member, body }) => {
      if (member === 'Subscribe') return { signature: '', body: [] };
      if (member === 'ListUnitsFiltered') return { signature: 'a(ssssssouso)', body: [[]] };
      // The unit's name; the other properties the source asks for, this manager has not.
      return member === 'Get' && body[1] === 'Id' ? { signature: 'v', body: [new Variant('s', 'cups.service')] } : null;
    },
    settle: [changed(CUPS_UNIT, UNIT, { ActiveState: new Variant('s', 'failed') })],
    followed: (event) =>
      event.type === 'unit' && event.state.unit === 'cups.service' && event.state.activeState === 'failed',
  },
];

/** A reply of the declared type with hostile values, or of any other type. */
function randomAnswer(random: Random, declared: string | undefined, keys: Record<string, string>): Answer {
  const signature = declared && random.chance(0.5) ? declared : randomSignature(random);
  const dictKeys = new Map(Object.entries(keys));
  return {
    signature,
    body: completeTypes(signature).map((type) =>
      // A nested a{sv} (BlueZ's objects, the shell's list) gets the documented keys too.
      type.endsWith('a{sv}}') && type.startsWith('a{')
        ? { [String(valueOf(type[2] ?? 's', random, 1))]: valueOf(type.slice(3, -1), random, 1, dictKeys) }
        : valueOf(type, random, 0, dictKeys),
    ),
  };
}

function randomSignal(random: Random, signal: Signal): Answer {
  const answer = randomAnswer(random, signal.signature, signal.keys ?? {});
  if (signal.arg0 && answer.signature === signal.signature && random.chance(0.7)) answer.body[0] = signal.arg0;
  return answer;
}

// cupsd's side: queues with attributes of any IPP type the source reads, of hostile sizes, and now and then more
// queues than any scheduler has.
const IPP_TAGS = [TAG.integer, TAG.boolean, TAG.enum, TAG.text, TAG.name, TAG.keyword, TAG.uri];
/** client-error-not-found: cupsd's answer to Get-Subscriptions when there are none. */
const NOT_FOUND = 0x0406;

function ippValue(random: Random, tag: number): string | number | boolean {
  if (tag === TAG.integer || tag === TAG.enum) return random.pick([-2147483648, -1, 0, 3, 4, 5, 6, 2147483647]);
  if (tag === TAG.boolean) return random.chance(0.5);
  // An IPP value is at most 65,535 bytes long.
  return random.pick([
    '',
    'none',
    'paused',
    'Office',
    '\u202e\u2066x\u2069',
    'x'.repeat(1024),
    'é'.repeat(600),
    'a'.repeat(60_000),
  ]);
}

function randomQueues(random: Random): { tag: number; attributes: IppAttribute[] }[] {
  const count = random.chance(0.05) ? 5000 : random.below(4);
  return Array.from({ length: count }, () => ({
    tag: GROUP.printer,
    attributes: PRINTER_ATTRIBUTES.filter(() => random.chance(0.85)).map((name) => {
      const tag = random.pick(IPP_TAGS);
      const values = Array.from({ length: random.chance(0.1) ? 100 : 1 + random.below(2) }, () =>
        ippValue(random, tag),
      );
      return { tag, name, values };
    }),
  }));
}

const queue = (state: number): { tag: number; attributes: IppAttribute[] } => ({
  tag: GROUP.printer,
  attributes: [
    { tag: TAG.name, name: 'printer-name', values: ['Office'] },
    { tag: TAG.enum, name: 'printer-state', values: [state] },
    { tag: TAG.text, name: 'printer-state-message', values: ['Printer stopped due to backend errors.'] },
    { tag: TAG.keyword, name: 'printer-state-reasons', values: ['paused'] },
    { tag: TAG.boolean, name: 'printer-is-accepting-jobs', values: [true] },
  ],
});

/** A cupsd on a socket of its own, answering the queues `queues()` gives; subscriptions always succeed. */
async function cupsdStandIn(socket: string, queues: () => { tag: number; attributes: IppAttribute[] }[]) {
  const server: Server = createServer((incoming, outgoing) => {
    // The client may end a request it no longer waits for (a source stopped, an answer past its bounds): the stand-in's
    // side of that socket then errs (ECONNRESET, EPIPE), which is the client's right, not an escape of the source's.
    incoming.on('error', () => undefined);
    outgoing.on('error', () => undefined);
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const asked = decodeResponse(Buffer.concat(chunks));
      const groups = [{ tag: GROUP.operation, attributes: [] as IppAttribute[] }];
      if (asked.code === OPERATION.cupsGetPrinters) groups.push(...queues());
      if (asked.code === OPERATION.createPrinterSubscriptions)
        groups.push({
          tag: GROUP.subscription,
          attributes: [{ tag: TAG.integer, name: 'notify-subscription-id', values: [1] }],
        });
      const code = asked.code === OPERATION.getSubscriptions ? NOT_FOUND : 0;
      outgoing.writeHead(200, { 'Content-Type': 'application/ipp' });
      outgoing.end(encodeRequest({ code, requestId: asked.requestId, groups }));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

const NOTIFIER_MEMBERS = ['PrinterStateChanged', 'PrinterStopped', 'PrinterAdded', 'PrinterDeleted', 'JobState'];

/** Runs `work`; nothing it starts may throw past it (an uncaught exception, an unhandled rejection). */
async function expectNothingEscapes(work: () => Promise<void>): Promise<void> {
  const escaped: unknown[] = [];
  const record = (error: unknown) => escaped.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  try {
    await work();
  } finally {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  }
  expect(escaped).toEqual([]);
}

describe('the D-Bus state sources, told anything of any D-Bus type (property)', () => {
  let bus: PrivateBus;

  beforeEach(async () => {
    bus = await startPrivateBus();
  });

  afterEach(async () => {
    await bus.stop();
  });

  for (const testCase of CASES) {
    it(`${testCase.name}: throws nothing, emits only well-typed events, and follows the service once it is right again`, async () => {
      await expectNothingEscapes(async () => {
        for (const seed of SEEDS) {
          const random = new Random(seed);
          const peer = new AnsweringPeer(await bus.connect(), (call) =>
            randomAnswer(random, testCase.replies[call.member ?? ''], testCase.keys),
          );
          await peer.own(testCase.name);
          const events: WatchEvent[] = [];
          const source = testCase.source(await bus.connect());
          await source.start((event) => events.push(event)).catch(() => undefined);
          for (let round = 0; round < ROUNDS; round++) {
            const signal = random.pick(testCase.signals);
            const { signature, body } = randomSignal(random, signal);
            peer.signal(signal.path, signal.iface, signal.member, signature, body);
            // Now and then the service restarts: the source reads its state again.
            if (round % 50 === 49) {
              await peer.release(testCase.name);
              await peer.own(testCase.name);
            }
          }
          // Right again: one restart, read as the interface says, then right signals.
          peer.answer((call) => testCase.right(call));
          // The read that follows the restart comes once the source's match rules name the owner again (but see below).
          peer.answered.clear();
          await peer.release(testCase.name);
          await peer.own(testCase.name);
          await waitFor(() => (peer.answered.get(Object.keys(testCase.replies)[0]!) ?? 0) > 0, 'a read');
          const before = events.length;
          const settle = () => {
            for (const signal of testCase.settle)
              peer.signal(signal.path, signal.iface, signal.member, signal.signature, signal.body);
          };
          settle();
          // The read above may be one the source queued before the restart, answered before its match rule for the
          // new owner reached the bus; a signal sent then is lost to it, as to any client. So the right signals are
          // sent again, about once a second, until the source follows them.
          let checks = 0;
          await waitFor(() => {
            if (events.slice(before).some(testCase.followed)) return true;
            if (++checks % 20 === 0) settle();
            return false;
          }, `seed ${seed}: the source to follow the right signals again`);
          await source.stop();
          for (const event of events) {
            const checked = EVENT.safeParse(event);
            expect(checked.success)
              .withContext(`seed ${seed}: ${JSON.stringify(event).slice(0, 300)}`)
              .toBeTrue();
          }
          peer.connection.disconnect();
        }
      });
    });
  }

  it('the printers source, told anything by CUPS’s notifier and by cupsd: throws nothing, emits only well-typed bounded queues, and follows cupsd once it is right again', async () => {
    await expectNothingEscapes(async () => {
      for (const seed of SEEDS) await printersRun(seed);
    });
  });

  /** One seeded run of the printers source against a notifier and a cupsd that answer anything. */
  async function printersRun(seed: number): Promise<void> {
    const random = new Random(seed);
    const dir = await makeTempDir('steward-cups-');
    let right = false;
    const server = await cupsdStandIn(join(dir.path, 'cups.sock'), () => (right ? [queue(5)] : randomQueues(random)));
    const events: WatchEvent[] = [];
    // Steward as a login user's (4242): the spec's connections, root's, are a system account's, as the notifier is.
    const source = new PrinterSource(await bus.connect(), log, new CupsClient(join(dir.path, 'cups.sock')), 4242);
    await source.start((event) => events.push(event));
    // A notifier connection the spec drops may still have signals on their way: its socket's reset is the spec's.
    const notifierConnection = async () => {
      const connection = await bus.connect();
      onBusError(connection, () => undefined);
      return new AnsweringPeer(connection, () => null);
    };
    let notifier = await notifierConnection();
    for (let round = 0; round < ROUNDS; round++) {
      const { signature, body } = randomAnswer(random, 'sssusb', {});
      notifier.signal(NOTIFIER.path, NOTIFIER.interface, random.pick(NOTIFIER_MEMBERS), signature, body);
      // Now and then cupsd starts a new notifier: another connection.
      if (round % 50 === 49) {
        notifier.connection.disconnect();
        notifier = await notifierConnection();
      }
    }
    // cupsd right again: the notifier's right signal makes the source read the stopped queue.
    right = true;
    const before = events.length;
    notifier.signal(NOTIFIER.path, NOTIFIER.interface, 'PrinterStopped', 'sssusb', [
      'Printer "Office" stopped.',
      'ipp://localhost/printers/Office',
      'Office',
      5,
      'paused',
      true,
    ]);
    await waitFor(
      () =>
        events
          .slice(before)
          .some(
            (event) =>
              event.type === 'desktop' &&
              event.desktop.kind === 'printer' &&
              event.desktop.printer.name === 'Office' &&
              event.desktop.printer.state === 5,
          ),
      `seed ${seed}: the source to follow cupsd again`,
    );
    await source.stop();
    notifier.connection.disconnect();
    await new Promise((resolve) => server.close(resolve));
    await dir.remove();
    for (const event of events) {
      const checked = EVENT.safeParse(event);
      expect(checked.success)
        .withContext(`seed ${seed}: ${JSON.stringify(event).slice(0, 300)}`)
        .toBeTrue();
    }
  }
});
