// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { createLogger } from '../../service/src/logging.js';
import type { UnitState, WatchEvent } from '../../service/src/watch/events.js';
import type { UnitPaths } from '../../service/src/watch/unitPaths.js';
import { UnitSource } from '../../service/src/watch/units.js';
import { monitorCalls } from '../support/busMonitor.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import {
  addService,
  fail,
  MANAGER_PATH,
  mockCall,
  SERVICE,
  startMockSystemd,
  stopMockSystemd,
  UNIT,
  unitPath,
  update,
} from '../support/systemdMock.js';

/** What a failed unit's file names where the stand-in's unit has no file, runs nothing, and names no folders. */
const NO_PATHS: UnitPaths = {
  files: [],
  programs: [],
  arguments: [],
  environmentFiles: [],
  workingDirectory: '',
  configuration: [],
  written: [],
};

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
    if (mock) await stopMockSystemd(mock);
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
      {
        scope: 'user',
        unit: 'app.service',
        activeState: 'failed',
        result: 'exit-code',
        exitCode: 3,
        restarts: 2,
        paths: NO_PATHS,
      },
      // Only a failure carries what the unit's file names.
      { scope: 'user', unit: 'app.service', activeState: 'active', result: 'success', exitCode: 3, restarts: 2 },
    ]);
    expect(events.every((event) => event.type === 'unit' && event.at instanceof Date)).toBeTrue();
  });

  it('dates a failure by the manager’s StateChangeTimestamp, not by when its properties were read', async () => {
    mock = await startMockSystemd(bus, client);
    await addService(client, 'app.service');
    const { events, until } = await watch();
    const changed = new Date('2026-03-14T09:00:00.250Z');
    await mockCall(client, unitPath('app.service'), 'AddProperties', 'sa{sv}', [
      UNIT,
      { StateChangeTimestamp: new Variant('t', BigInt(changed.getTime()) * 1000n) },
    ]);
    await fail(client, 'app.service', { status: 3 });
    await until(1);
    expect(events.map((event) => event.at)).toEqual([changed]);
  });

  it('asks systemd nothing when a unit that never failed is sent again, however often', async () => {
    mock = await startMockSystemd(bus, client);
    await addService(client, 'app.service');
    await addService(client, 'busy.service');
    const { states, until } = await watch();
    const reads = await monitorCalls(
      bus.address,
      `path='${MANAGER_PATH}/unit/busy_service',interface='org.freedesktop.DBus.Properties'`,
    );
    // systemd sends a unit's ActiveState whenever anything of it changes (another unit that names it loaded or
    // unloaded): in the gym's idle hour thousands a second, each read back here, a queue that grew without end.
    for (let i = 0; i < 50; i++) {
      await update(client, 'busy.service', UNIT, { ActiveState: new Variant('s', i % 2 ? 'active' : 'inactive') });
    }
    // Signals come in order: once this failure is reported, every one above was handled.
    await fail(client, 'app.service', { status: 1 });
    await until(1);
    expect(states.map((state) => state.unit)).toEqual(['app.service']);
    expect(reads.callFlags()).toEqual([]);
    await reads.stop();
  });

  it('reports the units already failed when it starts, without an exit code for a killed process', async () => {
    mock = await startMockSystemd(bus, client);
    await addService(client, 'old.service');
    await addService(client, 'fine.service');
    await fail(client, 'old.service', { signal: 9 });

    const { states } = await watch();

    expect(states).toEqual([
      { scope: 'user', unit: 'old.service', activeState: 'failed', result: 'signal', restarts: 2, paths: NO_PATHS },
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
