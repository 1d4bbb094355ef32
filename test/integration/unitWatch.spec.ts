// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { UnitManager } from '../../service/src/fixes/actions/systemdUnits.js';
import { busContext } from '../support/busContext.js';
import { monitorCalls } from '../support/busMonitor.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import {
  addService,
  MANAGER_PATH,
  mockCall,
  startMockSystemd,
  stopMockSystemd,
  UNIT,
  update,
} from '../support/systemdMock.js';

// systemd sends a unit's PropertiesChanged, its ActiveState and LoadState among them, whenever anything of it changes:
// another unit that names it loaded or unloaded is enough, and reading a unit that is not loaded loads it. A watch
// that read units on each such signal heard its own reads: in the gym's idle hour the repair watch, the gone watch
// and the unit source kept systemd loading and unloading units thousands of times a second (issue 61).
describe('a unit watched for a change', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  let context: ActionContext;

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = await startMockSystemd(bus, client);
    context = busContext(await bus.connect(), null);
  });

  afterEach(async () => {
    await stopMockSystemd(mock);
    await bus.stop();
  });

  /** What systemd sends of a unit when another unit that names it comes or goes: its states as they are. */
  const resent = async (unit: string, activeState: string, times = 20) => {
    for (let i = 0; i < times; i++) {
      await update(client, unit, UNIT, {
        ActiveState: new Variant('s', activeState),
        LoadState: new Variant('s', 'loaded'),
      });
    }
  };

  it('changes when the unit becomes active or is loaded anew, not when systemd sends its states again', async () => {
    await addService(client, 'database.service');
    let changes = 0;
    const stop = await new UnitManager(context, 'user').watchUnits(['database.service'], () => (changes += 1));
    await resent('database.service', 'inactive');
    await update(client, 'database.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await waitFor(() => changes > 0, 'the unit to become active');
    await resent('database.service', 'active');
    // Masked: its load state changes (signals come in order, so the echoes above were all heard before this).
    await update(client, 'database.service', UNIT, { LoadState: new Variant('s', 'masked') });
    await waitFor(() => changes > 1, 'the unit to be masked');
    expect(changes).toBe(2);
    await stop();
  });

  it('tells a loaded unit that is gone from one that is there, without loading either', async () => {
    await addService(client, 'loaded.service');
    await update(client, 'loaded.service', UNIT, { LoadState: new Variant('s', 'not-found') });
    await addService(client, 'present.service');
    const monitor = await monitorCalls(bus.address, `member='LoadUnit'`);
    const manager = new UnitManager(context, 'user');
    expect(await manager.known('present.service')).toBeTrue();
    // Its file deleted and the manager reloaded: still loaded (failed units are), as not-found.
    expect(await manager.known('loaded.service')).toBeFalse();
    expect(monitor.callFlags()).toEqual([]);
    await monitor.stop();
  });

  it('reads a unit that is not loaded from its unit file, without loading it', async () => {
    // systemd's GetUnit says NoSuchUnit for a unit not loaded (the stand-in's knows only the units it was told of),
    // and GetUnitFileState "No such file" for a name without a unit file.
    const answer = (member: string, reply: string, code: string) =>
      mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, member, 's', reply, code]);
    await answer('GetUnit', 'o', raise('Unit not loaded.', 'org.freedesktop.systemd1.NoSuchUnit'));
    await answer(
      'GetUnitFileState',
      's',
      `if args[0] != 'ondisk.service':\n    ${raise('No such file', 'org.freedesktop.DBus.Error.FileNotFound')}\n` +
        `ret = 'disabled'`,
    );
    const monitor = await monitorCalls(bus.address, `member='LoadUnit'`);
    const units = new UnitManager(context, 'user');
    expect(await units.known('ondisk.service')).toBeTrue();
    expect(await units.known('deleted.service')).toBeFalse();
    expect(monitor.callFlags()).toEqual([]);
    await monitor.stop();
  });
});

const MANAGER = 'org.freedesktop.systemd1.Manager';
const raise = (message: string, name: string) => `raise dbus.exceptions.DBusException('${message}', name='${name}')`;
