import type { ChildProcess } from 'node:child_process';
import { Variant, type MessageBus } from '@jellybrick/dbus-next';
import { callMethod } from '../../service/src/dbus/client.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd, UNIT, update } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';

// The whole path for units: systemd's D-Bus signals → the unit source → the
// unit-failed detector → the store → the Findings interface.
describe('findings from systemd unit states, on the bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let systemd: ChildProcess;
  let service: RunningService;
  let client: MessageBus;

  const findings = async () => {
    const [list] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: FINDINGS,
      member: 'List',
      signature: 'a{sv}',
      body: [{ state: new Variant('s', 'all') }],
    });
    return (list as Record<string, Variant>[]).map((finding) =>
      Object.fromEntries(Object.entries(finding).map(([key, value]) => [key, value.value as unknown])),
    );
  };
  const findingOf = async (unit: string) => (await findings()).find((f) => f.subject === unit);

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    systemd = await startMockSystemd(bus, client);
    await addService(client, 'backup.service');
    home = await makeTempDir();
    service = await startConfiguredService(bus, client, home.path, { watch: quietWatch({ units: true }) });
  });

  afterAll(async () => {
    await service.stop();
    await stopMockSystemd(systemd);
    await bus.stop();
    await home.remove();
  });

  it('reports a user unit as it fails, with its exit code, and resolves it when it is active again', async () => {
    const [capabilities] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: ['io.github.steward.Steward1', 'Capabilities'],
    });
    expect((capabilities as Variant<string[]>).value).toContain('systemd.user');

    await fail(client, 'backup.service', { status: 3 });
    await waitFor(async () => (await findingOf('backup.service')) !== undefined, 'the unit-failed finding');
    expect(await findingOf('backup.service')).toEqual(
      jasmine.objectContaining({
        kind: 'unit-failed',
        severity: 'error',
        state: 'active',
        title: 'backup.service failed (exit code 3)',
        count: 1,
      }),
    );

    await update(client, 'backup.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await waitFor(async () => (await findingOf('backup.service'))?.state === 'resolved', 'the finding to resolve');
    expect((await findingOf('backup.service'))?.count).toBe(1);
  }, 20_000);
});
