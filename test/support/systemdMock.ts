// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// python3-dbusmock's systemd template as a fake service manager on a private
// bus, with units that fail and recover the way systemd reports it.
import { type ChildProcess, spawn } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { remoteErrorName } from '../../service/src/dbus/errors.js';
import type { PrivateBus } from './privateBus.js';
import { nameHasOwner, waitFor } from './service.js';

const SYSTEMD = 'org.freedesktop.systemd1';
export const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
export const UNIT = 'org.freedesktop.systemd1.Unit';
export const SERVICE = 'org.freedesktop.systemd1.Service';
const MOCK = 'org.freedesktop.DBus.Mock';
/** The mock template's unit paths: '.' and '-' become '_'. */
export const unitPath = (unit: string) => `${MANAGER_PATH}/unit/${unit.replace(/[.-]/g, '_')}`;

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

// LoadUnit answers for any name, as systemd does: a unit it has no file for
// comes back 'not-found'. The template's units lack UnitFileState, which
// systemd's always have. The template's AddMockUnit only turns '.' and '-'
// into '_'; other names (templates' '@', '\x2d' escapes) get systemd's own
// object path escaping, every byte but [A-Za-z0-9] as _XX.
const LOAD_UNIT = `
if args[0] not in self.units:
    plain = True
    for c in args[0]:
        if not (c.isascii() and (c.isalnum() or c in '._-')):
            plain = False
    if plain:
        self.AddMockUnit(args[0])
    else:
        label = ''
        for b in args[0].encode():
            label += chr(b) if chr(b).isascii() and chr(b).isalnum() else '_%02x' % b
        self.units[args[0]] = '${MANAGER_PATH}/unit/' + label
        self.AddObject(self.units[args[0]], '${UNIT}', {'Id': args[0], 'Names': [args[0]], 'LoadState': 'loaded', 'ActiveState': 'inactive'}, [])
    objects[self.units[args[0]]].props['${UNIT}'].update({'LoadState': 'not-found', 'UnitFileState': ''})
objects[self.units[args[0]]].props['${UNIT}'].setdefault('UnitFileState', 'static')
ret = self.units[args[0]]
`;

const unitFiles = (state: string, change: string) => `
changes = []
for name in args[0]:
    objects[self.units[name]].UpdateProperties('${UNIT}', {'UnitFileState': '${state}'})
    changes.append(${change})
`;

/**
 * A job method that leaves the unit `activeState` and ends `result`. Unlike
 * the template's StartUnit and StopUnit, which emit JobRemoved after their
 * reply, it emits it before, as a job that finishes at once may.
 */
export const jobMethod = (activeState: string, result: string) => `
self.next_job_id += 1
job = '${MANAGER_PATH}/job/%d' % self.next_job_id
objects[self.units[args[0]]].UpdateProperties('${UNIT}', {'ActiveState': '${activeState}'})
self.EmitSignal('${MANAGER}', 'JobRemoved', 'uoss', [self.next_job_id, job, args[0], '${result}'])
ret = job
`;

/** python3-dbusmock's systemd template: a fake manager on the private bus. */
export async function startMockSystemd(bus: PrivateBus, client: MessageBus): Promise<ChildProcess> {
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
  await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, 'LoadUnit', 's', 'o', LOAD_UNIT]);
  await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
    MANAGER,
    'RestartUnit',
    'ss',
    'o',
    jobMethod('active', 'done'),
  ]);
  return mock;
}

export function mockCall(client: MessageBus, path: string, member: string, signature: string, body: unknown[]) {
  return callMethod(client, { destination: SYSTEMD, path, interface: MOCK, member, signature, body });
}

/** A loaded, inactive service unit with the Service properties the source reads. */
export async function addService(client: MessageBus, unit: string): Promise<void> {
  await mockCall(client, MANAGER_PATH, 'AddMockUnit', 's', [unit]);
  await mockCall(client, unitPath(unit), 'AddProperties', 'sa{sv}', [
    SERVICE,
    {
      Result: new Variant('s', 'success'),
      ExecMainCode: new Variant('i', 0),
      ExecMainStatus: new Variant('i', 0),
      NRestarts: new Variant('u', 0),
      WorkingDirectory: new Variant('s', ''),
      EnvironmentFiles: new Variant('a(sb)', []),
    },
  ]);
}

/**
 * Makes `unit` a loaded unit in `activeState`, whatever its name: through LoadUnit, which (unlike
 * AddMockUnit) takes template instances and escaped names too. A service also gets the Service properties
 * the source reads; `result` is how its last run ended ('success', 'exit-code'…).
 */
export async function setUnitState(
  client: MessageBus,
  unit: string,
  activeState: string,
  result = activeState === 'failed' ? 'exit-code' : 'success',
): Promise<void> {
  const [path] = (await callMethod(client, {
    destination: SYSTEMD,
    path: MANAGER_PATH,
    interface: MANAGER,
    member: 'LoadUnit',
    signature: 's',
    body: [unit],
  })) as [string];
  await mockCall(client, path, 'UpdateProperties', 'sa{sv}', [
    UNIT,
    {
      LoadState: new Variant('s', 'loaded'),
      ActiveState: new Variant('s', activeState),
      UnitFileState: new Variant('s', 'enabled'),
    },
  ]);
  if (!unit.endsWith('.service')) return;
  const service = { Result: new Variant('s', result) };
  // The first time the unit has no Service properties yet: they are added, later they are updated.
  await mockCall(client, path, 'UpdateProperties', 'sa{sv}', [SERVICE, service]).catch(async (error: unknown) => {
    if (remoteErrorName(error) !== `${SERVICE}.NoSuchProperty`) throw error;
    await mockCall(client, path, 'AddProperties', 'sa{sv}', [
      SERVICE,
      {
        ...service,
        ExecMainCode: new Variant('i', 0),
        ExecMainStatus: new Variant('i', 0),
        NRestarts: new Variant('u', 0),
      },
    ]);
  });
}

/** Gives a unit the UnitFileState that the template's units lack ('enabled', 'disabled', 'static'…). */
export const addUnitFileState = (client: MessageBus, unit: string, state: string) =>
  mockCall(client, unitPath(unit), 'AddProperty', 'ssv', [UNIT, 'UnitFileState', new Variant('s', state)]);

/** EnableUnitFiles, DisableUnitFiles and Reload, which the template lacks. */
export async function addUnitManagement(client: MessageBus): Promise<void> {
  const add = (name: string, inSignature: string, outSignature: string, code: string) =>
    mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, name, inSignature, outSignature, code]);
  await add(
    'EnableUnitFiles',
    'asbb',
    'ba(sss)',
    `${unitFiles('enabled', "('symlink', '/etc/systemd/user/default.target.wants/' + name, '/usr/lib/systemd/user/' + name)")}ret = (True, changes)`,
  );
  await add(
    'DisableUnitFiles',
    'asb',
    'a(sss)',
    `${unitFiles('disabled', "('unlink', '/etc/systemd/user/default.target.wants/' + name, '')")}ret = changes`,
  );
  await add('Reload', '', '', '');
}

/** Makes a manager method fail with the D-Bus error `name`, as systemd does when polkit refuses. */
export const refuse = (client: MessageBus, method: string, inSignature: string, name: string) =>
  mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
    MANAGER,
    method,
    inSignature,
    '',
    `raise dbus.exceptions.DBusException('Access denied', name='${name}')`,
  ]);

/** Gives the unit properties it lacks (the template's units have few), without a signal. */
export const addProperties = (client: MessageBus, unit: string, iface: string, properties: Record<string, Variant>) =>
  mockCall(client, unitPath(unit), 'AddProperties', 'sa{sv}', [iface, properties]);

/** Sets properties and emits PropertiesChanged, as systemd does. */
export const update = (client: MessageBus, unit: string, iface: string, properties: Record<string, Variant>) =>
  mockCall(client, unitPath(unit), 'UpdateProperties', 'sa{sv}', [iface, properties]);

/**
 * The service's main process exited with `status`, was killed by `signal`, stopped answering its watchdog (Result
 * 'watchdog': a failure that can pass, so a restart is offered at once), or did not start in time (Result 'timeout':
 * what systemd waited for is shown first, and no restart that would wait for the same).
 */
export async function fail(
  client: MessageBus,
  unit: string,
  how: { status: number } | { signal: number } | { result: 'timeout' | 'watchdog' },
) {
  const [result, code, status] =
    'status' in how
      ? ['exit-code', 1, how.status]
      : 'signal' in how
        ? ['signal', 2, how.signal]
        : how.result === 'watchdog'
          ? ['watchdog', 3, 6]
          : ['timeout', 2, 15];
  await update(client, unit, SERVICE, {
    Result: new Variant('s', result),
    ExecMainCode: new Variant('i', code),
    ExecMainStatus: new Variant('i', status),
    NRestarts: new Variant('u', 2),
  });
  await update(client, unit, UNIT, { ActiveState: new Variant('s', 'failed') });
}

/** Stops the mock and waits for it to exit. */
export async function stopMockSystemd(mock: ChildProcess): Promise<void> {
  if (mock.exitCode !== null) return;
  const exited = new Promise((resolve) => mock.once('exit', resolve));
  mock.kill('SIGTERM');
  await exited;
}
