// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type DBusError, type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { API_VERSION } from '../../service/src/dbus/interfaces.js';
import { parseIntrospection } from '../../service/src/dbus/introspection.js';
import { documentedKeys, interfaceDifferences } from '../support/contract.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  gdbusCall,
  homeEnv,
  nameHasOwner,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const CORE = 'io.github.steward.Steward1';
const coreXml = () => readFile(join('dbus-interfaces', `${CORE}.xml`), 'utf8');

/** Every interface in dbus-interfaces/, core first: what the service must export. */
async function declaredInterfaces() {
  const files = (await readdir('dbus-interfaces')).filter((file) => file.endsWith('.xml')).sort();
  const parsed = await Promise.all(
    files.map(async (file) => parseIntrospection(await readFile(join('dbus-interfaces', file), 'utf8'))),
  );
  return parsed.flat().sort((a, b) => a.name.localeCompare(b.name));
}

async function gdbusError(address: string, method: string, ...args: string[]): Promise<string> {
  try {
    await gdbusCall(address, method, ...args);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error('gdbus succeeded');
}

const callCore = (client: MessageBus, member: string, iface = CORE, signature = '', body: unknown[] = []) =>
  callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });

describe('the service on a private session bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    service = spawnService(bus.address, homeEnv(home.path));
    await waitUntilReady(client, service);
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('exports exactly the interfaces, members and signatures the XML files declare (contract)', async () => {
    const [xml] = await callCore(client, 'Introspect', 'org.freedesktop.DBus.Introspectable');
    const live = parseIntrospection(xml as string);
    const declared = await declaredInterfaces();
    expect(live.map((i) => i.name).sort()).toEqual(
      [
        'org.freedesktop.DBus.Peer',
        'org.freedesktop.DBus.Introspectable',
        'org.freedesktop.DBus.Properties',
        ...declared.map((i) => i.name),
      ].sort(),
    );
    for (const iface of declared) {
      const exported = live.find((i) => i.name === iface.name)!;
      expect(exported.methods.length).withContext(iface.name).toBeGreaterThan(0);
      expect(interfaceDifferences(iface, exported)).withContext(iface.name).toEqual([]);
    }
  });

  it('answers every declared property with its declared type', async () => {
    for (const iface of await declaredInterfaces()) {
      const [all] = await callCore(client, 'GetAll', 'org.freedesktop.DBus.Properties', 's', [iface.name]);
      expect(Object.keys(all as Record<string, Variant>).sort())
        .withContext(iface.name)
        .toEqual(iface.properties.map((p) => p.name).sort());
      for (const property of iface.properties) {
        const [value] = await callCore(client, 'Get', 'org.freedesktop.DBus.Properties', 'ss', [
          iface.name,
          property.name,
        ]);
        expect((value as Variant).signature)
          .withContext(`${iface.name}.${property.name}`)
          .toBe(property.type);
      }
    }
    const [state] = await callCore(client, 'Get', 'org.freedesktop.DBus.Properties', 'ss', [CORE, 'State']);
    expect((state as Variant).value).toBe('idle');
    const [apiVersion] = await callCore(client, 'Get', 'org.freedesktop.DBus.Properties', 'ss', [CORE, 'ApiVersion']);
    expect((apiVersion as Variant).value).toBe(API_VERSION);
  });

  it('returns the documented status dictionary from GetStatus', async () => {
    const declared = parseIntrospection(await coreXml())[0]!;
    const documented = documentedKeys(
      declared.methods.find((m) => m.name === 'GetStatus')!.annotations['org.gtk.GDBus.DocString']!,
    );
    const [status] = await callCore(client, 'GetStatus');
    const entries = Object.entries(status as Record<string, Variant>).map(
      ([key, value]) => [key, value.signature] as const,
    );
    expect(new Map(entries)).toEqual(documented);

    const { stdout } = await gdbusCall(bus.address, `${CORE}.GetStatus`);
    expect(stdout).toContain(`'api-version': <uint32 ${API_VERSION}>`);
    expect(stdout).toContain("'state': <'idle'>");
    expect(stdout).toContain(`'config-file': <'${join(home.path, 'config', 'steward', 'config.json')}'>`);
  });

  it('answers a call with wrong arguments with Error.InvalidArgs and a clear message', async () => {
    const stderr = await gdbusError(bus.address, `${CORE}.GetStatus`, 'unexpected');
    expect(stderr).toContain(
      'GDBus.Error:io.github.steward.Steward1.Error.InvalidArgs: GetStatus takes arguments (), but was called with (s)',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('uses the standard errors of the standard interfaces', async () => {
    const errorName = async (member: string, signature: string, body: unknown[]) => {
      try {
        await callCore(client, member, 'org.freedesktop.DBus.Properties', signature, body);
      } catch (error) {
        return (error as DBusError).type;
      }
      return 'no error';
    };
    expect(await errorName('Get', 'ss', [CORE, 'Nope'])).toBe('org.freedesktop.DBus.Error.UnknownProperty');
    expect(await errorName('GetAll', 's', ['org.example.Nope'])).toBe('org.freedesktop.DBus.Error.UnknownInterface');
    expect(await errorName('Set', 'ssv', [CORE, 'State', new Variant('s', 'idle')])).toBe(
      'org.freedesktop.DBus.Error.PropertyReadOnly',
    );
  });

  it('lets tools walk the object tree from /', async () => {
    const children = async (path: string) => {
      const [xml] = await callMethod(client, {
        destination: BUS_NAME,
        path,
        interface: 'org.freedesktop.DBus.Introspectable',
        member: 'Introspect',
      });
      return [...(xml as string).matchAll(/<node name="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await children('/')).toEqual(['io']);
    expect(await children('/io/github/steward')).toEqual(['Steward1']);
  });

  it('refuses to start a second instance, with a clear message', async () => {
    const second = spawnService(bus.address, homeEnv(home.path));
    expect(await second.exited).toBe(1);
    expect(second.log()).toContain('the bus name io.github.steward.Steward1 is already owned by another process');
    expect(await nameHasOwner(client, BUS_NAME)).toBeTrue();
  });

  it('creates its state directory private to the user', async () => {
    expect((await stat(join(home.path, 'state', 'steward'))).mode & 0o777).toBe(0o700);
  });

  it('steward status prints the status, also as JSON', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const human = await run(process.execPath, [CLI_SCRIPT, 'status'], { env });
    expect(human.stdout).toMatch(new RegExp(`^Steward \\d+\\.\\d+\\.\\d+ \\(API ${API_VERSION}\\): idle\n`));
    const json = await run(process.execPath, [CLI_SCRIPT, 'status', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual(
      jasmine.objectContaining({ running: true, state: 'idle', 'api-version': API_VERSION }),
    );
  });
});

describe('the service lifecycle', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;

  beforeEach(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
  });

  afterEach(async () => {
    await bus.stop();
    await home.remove();
  });

  it('releases its name and exits cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const service = spawnService(bus.address, homeEnv(home.path));
      await waitUntilReady(client, service);
      expect(await service.stop(signal))
        .withContext(signal)
        .toBe(0);
      expect(await nameHasOwner(client, BUS_NAME)).toBeFalse();
      expect(service.log()).toContain(`stopping signal=${signal}`);
    }
  });

  it('stops when its bus goes away, rather than lingering without it', async () => {
    const service = spawnService(bus.address, homeEnv(home.path));
    await waitUntilReady(client, service);
    await bus.stop();
    expect(await service.exited).toBe(1);
    // Ready is not idle: a watcher may still be mid-call, which the connection reports as an error, not a close.
    expect(service.log()).toMatch(/the session bus closed the connection; stopping|session bus connection lost/);
    bus = await startPrivateBus();
  });

  it('stops when its bus goes away while it is still starting, its watchers already running', async () => {
    // Seen on Debian 13: a spec's bus stopped just as activation started the service, which then ran on for hours.
    let owned!: () => void;
    const named = new Promise<void>((resolve) => (owned = resolve));
    await new SignalRouter(client).subscribe(
      { sender: 'org.freedesktop.DBus', interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged' },
      ([name, , owner]) => {
        if (name === BUS_NAME && owner) owned();
      },
    );
    const service = spawnService(bus.address, homeEnv(home.path));
    await named;
    await bus.stop();
    expect(await service.exited).toBe(1);
    // The bus may go mid-call too, which the connection reports as an error rather than a close.
    expect(service.log()).toMatch(/the session bus closed the connection; stopping|session bus connection lost/);
    bus = await startPrivateBus();
  });

  it('runs on defaults with a broken configuration, says why, keeps the file, and recovers on SIGHUP', async () => {
    const configDir = join(home.path, 'config', 'steward');
    const configFile = join(configDir, 'config.json');
    await mkdir(configDir, { recursive: true });
    await writeFile(configFile, '{ "logLevel": "shout" }');
    const service = spawnService(bus.address, homeEnv(home.path));
    await waitUntilReady(client, service);

    const [status] = await callCore(client, 'GetStatus');
    const values = status as Record<string, Variant>;
    expect(values.state?.value).toBe('degraded');
    expect(values['config-valid']?.value).toBeFalse();
    expect(values['state-reason']?.value).toContain(`${configFile}: logLevel:`);
    expect(service.log()).toMatch(/WARNING configuration ignored, using defaults problem=/);
    expect(await readFile(configFile, 'utf8')).toBe('{ "logLevel": "shout" }');

    const changes: Record<string, Variant>[] = [];
    const router = new SignalRouter(client);
    const unsubscribe = await router.subscribe(
      { path: OBJECT_PATH, interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
      (body) => changes.push(body[1] as Record<string, Variant>),
    );
    await writeFile(configFile, '{ "logLevel": "debug" }');
    service.process.kill('SIGHUP');
    await waitFor(() => changes.some((c) => c.State?.value === 'idle'), 'State to become idle');
    expect(changes.find((c) => c.State)?.StateReason?.value).toBe('');
    await unsubscribe();
    await service.stop();
  });

  it('says “not running” from steward status with exit status 3 when the service is absent', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const result = await run(process.execPath, [CLI_SCRIPT, 'status', '--json'], { env }).catch(
      (error: unknown) => error,
    );
    expect((result as { code: number }).code).toBe(3);
    expect(JSON.parse((result as { stdout: string }).stdout)).toEqual({ running: false });
  });
});

describe('capabilities', () => {
  let sessionBus: PrivateBus;
  let systemBus: PrivateBus;
  let home: TempDir;

  beforeAll(async () => {
    home = await makeTempDir();
    // Activation files make names activatable without any real daemon behind them.
    const services = join(home.path, 'system-services');
    await mkdir(services);
    for (const name of ['org.freedesktop.PackageKit', 'org.freedesktop.systemd1']) {
      await writeFile(join(services, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=/bin/false\n`);
    }
    sessionBus = await startPrivateBus();
    systemBus = await startPrivateBus({ serviceDirs: [services] });
  });

  afterAll(async () => {
    await sessionBus.stop();
    await systemBus.stop();
    await home.remove();
  });

  it('reports running daemons and on-demand services, but not a daemon that is only activatable', async () => {
    const networkManager = await systemBus.connect();
    await networkManager.requestName('org.freedesktop.NetworkManager', 4);
    const client = await sessionBus.connect();
    const service = spawnService(sessionBus.address, {
      ...homeEnv(home.path),
      DBUS_SYSTEM_BUS_ADDRESS: systemBus.address,
    });
    await waitUntilReady(client, service);
    const [capabilities] = await callCore(client, 'Get', 'org.freedesktop.DBus.Properties', 'ss', [
      CORE,
      'Capabilities',
    ]);
    const names = (capabilities as Variant).value as string[];
    expect(names).toContain('network');
    expect(names).toContain('packagekit');
    expect(names).not.toContain('systemd.system');
    expect(names).not.toContain('systemd.user');
    expect(names).toEqual([...names].sort());
    await service.stop();
  });

  it('works without a system bus and says so in the log', async () => {
    const client = await sessionBus.connect();
    const service = spawnService(sessionBus.address, {
      ...homeEnv(home.path),
      DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(home.path, 'no-such-socket')}`,
    });
    await waitUntilReady(client, service);
    expect(service.log()).toContain('system bus unavailable; system-wide capabilities are off');
    const [capabilities] = await callCore(client, 'Get', 'org.freedesktop.DBus.Properties', 'ss', [
      CORE,
      'Capabilities',
    ]);
    expect(((capabilities as Variant).value as string[]).filter((c) => ['network', 'packagekit'].includes(c))).toEqual(
      [],
    );
    await service.stop();
  });
});
