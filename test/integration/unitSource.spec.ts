import { spawn, type ChildProcess } from 'node:child_process';
import { Variant, type MessageBus } from '@jellybrick/dbus-next';
import { callMethod } from '../../service/src/dbus/client.js';
import { createLogger } from '../../service/src/logging.js';
import type { UnitState, WatchEvent } from '../../service/src/watch/events.js';
import { UnitSource } from '../../service/src/watch/units.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import { nameHasOwner, waitFor } from '../support/service.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const UNIT = 'org.freedesktop.systemd1.Unit';
const SERVICE = 'org.freedesktop.systemd1.Service';
const MOCK = 'org.freedesktop.DBus.Mock';
/** The mock template's unit paths: '.' and '-' become '_'. */
const unitPath = (unit: string) => `${MANAGER_PATH}/unit/${unit.replace(/[.-]/g, '_')}`;

// The systemd template implements neither Subscribe nor ListUnitsFiltered;
// the listing is read from the mock's unit objects (a loop: exec'd
// comprehensions cannot see `args`).
const LIST_UNITS_FILTERED = `
ret = []
for path, obj in objects.items():
    unit = obj.props.get('${UNIT}')
    if path.startswith('${MANAGER_PATH}/unit/') and unit and unit['ActiveState'] in args[0]:
        ret.append((unit['Id'], '', 'loaded', unit['ActiveState'], '', '', path, 0, '', '/'))
`;

/** python3-dbusmock's systemd template: a fake manager on the private bus. */
async function startMockSystemd(bus: PrivateBus, client: MessageBus): Promise<ChildProcess> {
  // /usr/bin/python3: the `python3` on PATH may be another interpreter without dbusmock.
  const mock = spawn('/usr/bin/python3', ['-m', 'dbusmock', '--template', 'systemd', '--session'], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(async () => {
    if (mock.exitCode !== null) throw new Error(`python3-dbusmock exited with ${mock.exitCode}`);
    return nameHasOwner(client, SYSTEMD);
  }, 'the systemd mock');
  await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, 'Subscribe', '', '', '']);
  await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, 'Unsubscribe', '', '', '']);
  await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
    MANAGER,
    'ListUnitsFiltered',
    'as',
    'a(ssssssouso)',
    LIST_UNITS_FILTERED,
  ]);
  return mock;
}

function mockCall(client: MessageBus, path: string, member: string, signature: string, body: unknown[]) {
  return callMethod(client, { destination: SYSTEMD, path, interface: MOCK, member, signature, body });
}

/** A loaded, inactive service unit with the Service properties the source reads. */
async function addService(client: MessageBus, unit: string): Promise<void> {
  await mockCall(client, MANAGER_PATH, 'AddMockUnit', 's', [unit]);
  await mockCall(client, unitPath(unit), 'AddProperties', 'sa{sv}', [
    SERVICE,
    {
      Result: new Variant('s', 'success'),
      ExecMainCode: new Variant('i', 0),
      ExecMainStatus: new Variant('i', 0),
      NRestarts: new Variant('u', 0),
    },
  ]);
}

/** Sets properties and emits PropertiesChanged, as systemd does. */
const update = (client: MessageBus, unit: string, iface: string, properties: Record<string, Variant>) =>
  mockCall(client, unitPath(unit), 'UpdateProperties', 'sa{sv}', [iface, properties]);

/** The service's main process exited with `status`, or was killed by `signal`. */
async function fail(client: MessageBus, unit: string, how: { status: number } | { signal: number }) {
  await update(client, unit, SERVICE, {
    Result: new Variant('s', 'status' in how ? 'exit-code' : 'signal'),
    ExecMainCode: new Variant('i', 'status' in how ? 1 : 2),
    ExecMainStatus: new Variant('i', 'status' in how ? how.status : how.signal),
    NRestarts: new Variant('u', 2),
  });
  await update(client, unit, UNIT, { ActiveState: new Variant('s', 'failed') });
}

describe('UnitSource', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess | null;
  let sources: UnitSource[];

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = null;
    sources = [];
  });

  afterEach(async () => {
    await Promise.all(sources.map((source) => source.stop()));
    if (mock && mock.exitCode === null) {
      const exited = new Promise((resolve) => mock?.once('exit', resolve));
      mock.kill('SIGTERM');
      await exited;
    }
    await bus.stop();
  });

  async function watch() {
    const source = new UnitSource({
      name: 'units.user',
      bus: await bus.connect(),
      scope: 'user',
      log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
    });
    sources.push(source);
    const states: UnitState[] = [];
    const events: WatchEvent[] = [];
    await source.start((event) => {
      events.push(event);
      if (event.type === 'unit') states.push(event.state);
    });
    const until = (count: number) => waitFor(() => states.length >= count, `${count} unit events`);
    return { source, states, events, until };
  }

  const methodCalls = async (method: string) =>
    ((await mockCall(client, MANAGER_PATH, 'GetMethodCalls', 's', [method]))[0] as unknown[]).length;

  it('reports a unit as it fails, with its result and exit code, and again when it is active', async () => {
    mock = await startMockSystemd(bus, client);
    await addService(client, 'app.service');
    await addService(client, 'quiet.service');
    const { states, events, until } = await watch();
    expect(await methodCalls('Subscribe')).toBe(1);

    await update(client, 'quiet.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await fail(client, 'app.service', { status: 3 });
    // The same state again (systemd repeats ActiveState when SubState changes) is not a new failure.
    await update(client, 'app.service', UNIT, { ActiveState: new Variant('s', 'failed') });
    await until(1);
    await update(client, 'app.service', SERVICE, { Result: new Variant('s', 'success') });
    await update(client, 'app.service', UNIT, { ActiveState: new Variant('s', 'activating') });
    await update(client, 'app.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await until(2);

    expect(states).toEqual([
      { scope: 'user', unit: 'app.service', activeState: 'failed', result: 'exit-code', exitCode: 3, restarts: 2 },
      { scope: 'user', unit: 'app.service', activeState: 'active', result: 'success', exitCode: 3, restarts: 2 },
    ]);
    expect(events.every((event) => event.type === 'unit' && event.at instanceof Date)).toBeTrue();
  });

  it('reports the units already failed when it starts, without an exit code for a killed process', async () => {
    mock = await startMockSystemd(bus, client);
    await addService(client, 'old.service');
    await addService(client, 'fine.service');
    await fail(client, 'old.service', { signal: 9 });

    const { states } = await watch();

    expect(states).toEqual([
      { scope: 'user', unit: 'old.service', activeState: 'failed', result: 'signal', restarts: 2 },
    ]);
  });

  it('unsubscribes from systemd when it stops', async () => {
    mock = await startMockSystemd(bus, client);
    const { source } = await watch();

    await source.stop();

    expect(await methodCalls('Unsubscribe')).toBe(1);
  });

  it('fails to start, saying so, when systemd is not on the bus', async () => {
    await expectAsync(watch()).toBeRejectedWithError(
      /systemd's user manager \(org\.freedesktop\.systemd1\) is not on the bus/,
    );
  });
});
