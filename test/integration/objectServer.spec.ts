// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { MAX_ERROR_MESSAGE, StewardError } from '../../service/src/dbus/errors.js';
import { parseIntrospection } from '../../service/src/dbus/introspection.js';
import { type InterfaceImpl, method, ObjectServer } from '../../service/src/dbus/objectServer.js';
import { createLogger } from '../../service/src/logging.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';

const [fixture] = parseIntrospection(`<node>
  <interface name="io.github.steward.Test1">
    <method name="Echo">
      <arg name="text" type="s" direction="in"/><arg name="count" type="u" direction="in"/>
      <arg name="echoed" type="s" direction="out"/>
    </method>
    <method name="Pair"><arg name="a" type="s" direction="out"/><arg name="b" type="u" direction="out"/></method>
    <method name="WhoAmI"><arg name="sender" type="s" direction="out"/></method>
    <method name="Missing"><arg name="id" type="s" direction="in"/></method>
    <method name="Crash"/>
    <method name="WrongReply"><arg name="number" type="u" direction="out"/></method>
    <method name="Never"/>
    <signal name="Happened"><arg name="what" type="s"/></signal>
    <property name="Level" type="u" access="read"/>
  </interface>
</node>`);
const PATH = '/io/github/steward/Test1';
const IFACE = 'io.github.steward.Test1';

describe('ObjectServer', () => {
  let bus: PrivateBus;
  let serverBus: MessageBus;
  let client: MessageBus;
  let server: ObjectServer;
  let level = 1;
  const logLines: string[] = [];

  const impl: InterfaceImpl = {
    properties: { Level: () => level },
    methods: {
      Echo: method(z.tuple([z.string().max(10), z.number().int().min(1)]), ([text, count]) => text.repeat(count)),
      Pair: method(z.tuple([]), () => ['x', 2]),
      WhoAmI: method(z.tuple([]), (_args, context) => context.sender),
      Missing: method(z.tuple([z.string()]), ([id]) => {
        throw new StewardError('NotFound', `no proposal ${id}`);
      }),
      Crash: method(z.tuple([]), () => {
        throw new Error('secret internal detail');
      }),
      WrongReply: method(z.tuple([]), () => 'not a number'),
      Never: method(z.tuple([]), () => new Promise(() => undefined)),
    },
  };

  const call = (member: string, signature = '', body: unknown[] = [], timeoutMs?: number) =>
    callMethod(
      client,
      { destination: serverBus.name as string, path: PATH, interface: IFACE, member, signature, body },
      { timeoutMs },
    );

  beforeAll(async () => {
    bus = await startPrivateBus();
    serverBus = await bus.connect();
    client = await bus.connect();
    server = new ObjectServer(
      serverBus,
      createLogger({ level: 'debug', journal: true, write: (l) => logLines.push(l) }),
    );
    server.export(PATH, fixture!, impl);
  });

  afterAll(() => bus.stop());

  it('passes validated arguments and the reply', async () => {
    expect(await call('Echo', 'su', ['ab', 3])).toEqual(['ababab']);
  });

  it('replies with several out arguments', async () => {
    expect(await call('Pair')).toEqual(['x', 2]);
  });

  it('tells the handler who called', async () => {
    expect(await call('WhoAmI')).toEqual([client.name]);
  });

  it('refuses arguments that fail validation, naming the argument', async () => {
    const error = await errorOf(call('Echo', 'su', ['far too long text', 0]));
    expect(error.type).toBe('io.github.steward.Steward1.Error.InvalidArgs');
    expect(error.text).toContain('Invalid arguments for Echo');
    expect(error.text).toContain('argument “text”');
    expect(error.text).toContain('argument “count”');
  });

  it('refuses a call with the wrong signature', async () => {
    const error = await errorOf(call('Echo', 's', ['ab']));
    expect(error.type).toBe('io.github.steward.Steward1.Error.InvalidArgs');
    expect(error.text).toBe('Echo takes arguments (su), but was called with (s)');
  });

  it('passes our named errors through', async () => {
    const error = await errorOf(call('Missing', 's', ['p1']));
    expect(error.type).toBe('io.github.steward.Steward1.Error.NotFound');
    expect(error.text).toBe('no proposal p1');
  });

  it('cuts an error message that echoes a huge argument, and logs no more of it', async () => {
    logLines.length = 0;
    const error = await errorOf(call('Missing', 's', ['p'.repeat(1_000_000)]));
    expect(error.type).toBe('io.github.steward.Steward1.Error.NotFound');
    expect(error.text.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE);
    expect(error.text).toMatch(/^no proposal p+… \(\d+ more characters\)$/);
    expect(logLines.join('\n').length).toBeLessThan(10_000);
  });

  it('turns any other exception into Internal without leaking the stack, and logs it', async () => {
    const error = await errorOf(call('Crash'));
    expect(error.type).toBe('io.github.steward.Steward1.Error.Internal');
    expect(error.text).not.toContain('secret');
    expect(error.text).not.toMatch(/\bat /);
    expect(logLines.some((line) => line.startsWith('<3>call failed') && line.includes('secret internal detail'))).toBe(
      true,
    );
  });

  it('reports a reply that does not match the declared signature as Internal', async () => {
    const error = await errorOf(call('WrongReply'));
    expect(error.type).toBe('io.github.steward.Steward1.Error.Internal');
  });

  it('answers property reads with the declared type', async () => {
    const [value] = await callMethod(client, {
      destination: serverBus.name as string,
      path: PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [IFACE, 'Level'],
    });
    expect((value as Variant).signature).toBe('u');
    expect((value as Variant).value).toBe(level);
  });

  it('emits PropertiesChanged and declared signals', async () => {
    const router = new SignalRouter(client);
    const seen: unknown[][] = [];
    const stopProps = await router.subscribe(
      { path: PATH, interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
      (body) => seen.push(body),
    );
    const stopSignal = await router.subscribe({ path: PATH, interface: IFACE, member: 'Happened' }, (body) =>
      seen.push(body),
    );
    level = 5;
    server.emitPropertiesChanged(PATH, IFACE, ['Level']);
    server.emitSignal(PATH, IFACE, 'Happened', ['it did']);
    await call('Pair'); // a round trip, so both signals have arrived
    expect(seen.length).toBe(2);
    const [iface, changed] = seen[0] as [string, Record<string, Variant>];
    expect(iface).toBe(IFACE);
    expect(changed.Level?.value).toBe(5);
    expect(seen[1]).toEqual(['it did']);
    await stopProps();
    await stopSignal();
  });

  it('refuses to export an implementation that does not match the XML', () => {
    const { Echo: _echo, ...withoutEcho } = impl.methods;
    expect(() => server.export('/x', fixture!, { ...impl, methods: withoutEcho })).toThrowError(
      /method Echo is declared but not implemented/,
    );
    expect(() =>
      server.export('/x', fixture!, { ...impl, methods: { ...impl.methods, Extra: method(z.tuple([]), () => 1) } }),
    ).toThrowError(/method Extra is implemented but not declared/);
    expect(() =>
      server.export('/x', fixture!, { ...impl, methods: { ...impl.methods, Missing: method(z.tuple([]), () => 1) } }),
    ).toThrowError(/method Missing validates 0 arguments but declares 1/);
    expect(() => server.export('/x', fixture!, { ...impl, properties: {} })).toThrowError(
      /property Level is declared but not implemented/,
    );
  });

  it('gives up on a call that is never answered, with a Timeout error', async () => {
    const started = Date.now();
    const error = await errorOf(call('Never', '', [], 300));
    expect(error).toEqual(jasmine.any(StewardError));
    expect((error as unknown as StewardError).errorName).toBe('Timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('SignalRouter', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let observer: MessageBus;

  const matchRules = async () => {
    const [stats] = await callMethod(observer, {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus.Debug.Stats',
      member: 'GetConnectionStats',
      signature: 's',
      body: [client.name],
    });
    return (stats as Record<string, Variant>).MatchRules?.value as number;
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    observer = await bus.connect();
  });
  afterAll(() => bus.stop());

  it('leaves no match rule behind after 1000 subscribe/unsubscribe cycles', async () => {
    const router = new SignalRouter(client);
    const before = await matchRules();
    for (let i = 0; i < 1000; i += 1) {
      const unsubscribe = await router.subscribe(
        { path: '/io/github/steward/Steward1', interface: 'org.freedesktop.DBus.Properties', member: `M${i % 7}` },
        () => undefined,
      );
      await unsubscribe();
    }
    expect(router.matchRuleCount).toBe(0);
    expect(await matchRules()).toBe(before);
    expect(client.listenerCount('message')).toBe(0);
  });

  it('shares one rule between subscribers of the same signal', async () => {
    const router = new SignalRouter(client);
    const before = await matchRules();
    const filter = { interface: 'io.github.steward.Test1', member: 'Happened' };
    const first = await router.subscribe(filter, () => undefined);
    const second = await router.subscribe(filter, () => undefined);
    expect(await matchRules()).toBe(before + 1);
    await first();
    await first(); // unsubscribing twice does no harm
    expect(await matchRules()).toBe(before + 1);
    await second();
    expect(await matchRules()).toBe(before);
  });
});
