// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { StewardError } from '../../service/src/dbus/errors.js';
import {
  type ActionContext,
  needsAuthorization,
  NotAuthorizedError,
  riskOf,
  type RunOptions,
} from '../../service/src/fixes/action.js';
import { systemdActions } from '../../service/src/fixes/actions/systemd.js';
import { unitFailureAction } from '../../service/src/fixes/actions/unitFailure.js';
import { busContext } from '../support/busContext.js';
import { ALLOW_INTERACTIVE_AUTHORIZATION, monitorCalls } from '../support/busMonitor.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import {
  addProperties,
  addService,
  addUnitFileState,
  addUnitManagement,
  fail,
  jobMethod,
  MANAGER_PATH,
  mockCall,
  refuse,
  startMockSystemd,
  stopMockSystemd,
  update,
} from '../support/systemdMock.js';

const MANAGER = 'org.freedesktop.systemd1.Manager';
const action = (name: string) => systemdActions.find((candidate) => candidate.name === `systemd.${name}`)!;

describe('systemd actions', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess | null;
  let context: ActionContext;
  let progress: [number | null, string][];
  let options: RunOptions;

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = null;
    const connection = await bus.connect();
    // The one private bus stands in for both: the scope picks which the action uses.
    context = busContext(connection);
    progress = [];
    options = { progress: (fraction, text) => progress.push([fraction, text]), signal: new AbortController().signal };
  });

  afterEach(async () => {
    if (mock) await stopMockSystemd(mock);
    await bus.stop();
  });

  async function startSystemd(...units: string[]) {
    mock = await startMockSystemd(bus, client);
    await addUnitManagement(client);
    for (const unit of units) {
      await addService(client, unit);
      await addUnitFileState(client, unit, 'disabled');
    }
  }

  const user = (unit: string) => ({ unit, scope: 'user' as const });
  const system = (unit: string) => ({ unit, scope: 'system' as const });

  it('restarts a failed unit, sees it active, and offers to stop it again', async () => {
    await startSystemd('backup.service');
    await fail(client, 'backup.service', { status: 3 });
    const restart = action('restart_unit');

    const preview = await restart.preview(user('backup.service'), context);
    expect(preview).toEqual({
      summary: 'Restart backup.service',
      details: ['backup.service is failed (exit code 3)', "Restart it in your user's service manager"],
      changesNothing: false,
    });
    const outcome = await restart.run(user('backup.service'), context, options);
    expect(outcome).toEqual({
      summary: 'Restarted backup.service',
      undo: { action: 'systemd.stop_unit', params: user('backup.service'), summary: 'Stop backup.service' },
    });
    expect(progress).toEqual([
      [null, 'Restart backup.service…'],
      [1, 'Restarted backup.service'],
    ]);
    expect(await restart.verify(user('backup.service'), context)).toEqual({
      ok: true,
      observed: 'backup.service is active',
    });
  });

  it('restarts an active unit, which is a change, but one that cannot be undone', async () => {
    await startSystemd('web.service');
    await action('start_unit').run(user('web.service'), context, options);
    const restart = action('restart_unit');

    expect((await restart.preview(user('web.service'), context)).changesNothing).toBeFalse();
    const { undo } = await restart.run(user('web.service'), context, options);
    expect(undo).toEqual({
      impossible: 'a restart cannot be undone: web.service was running before and is running again',
    });
  });

  it('reports a job that did not end "done", and verification sees the unit failed', async () => {
    await startSystemd('backup.service');
    await fail(client, 'backup.service', { status: 3 });
    await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
      MANAGER,
      'RestartUnit',
      'ss',
      'o',
      jobMethod('failed', 'failed'),
    ]);
    const restart = action('restart_unit');

    await expectAsync(restart.run(user('backup.service'), context, options)).toBeRejectedWithError(
      'systemd could not restart backup.service: its job ended "failed"',
    );
    expect(await restart.verify(user('backup.service'), context)).toEqual({
      ok: false,
      observed: 'backup.service is failed (exit code 3)',
    });
  });

  it('starts and stops a unit, each undoing the other', async () => {
    await startSystemd('web.service');
    const [start, stop] = [action('start_unit'), action('stop_unit')];

    expect((await start.preview(user('web.service'), context)).changesNothing).toBeFalse();
    expect((await stop.preview(user('web.service'), context)).changesNothing).toBeTrue();
    const started = await start.run(user('web.service'), context, options);
    expect(await start.verify(user('web.service'), context)).toEqual({ ok: true, observed: 'web.service is active' });
    expect(started.undo).toEqual({
      action: 'systemd.stop_unit',
      params: user('web.service'),
      summary: 'Stop web.service',
    });
    expect((await start.preview(user('web.service'), context)).changesNothing).toBeTrue();

    const stopped = await stop.run(user('web.service'), context, options);
    expect(stopped.summary).toBe('Stopped web.service');
    expect(await stop.verify(user('web.service'), context)).toEqual({ ok: true, observed: 'web.service is inactive' });
    expect(stopped.undo).toEqual({
      action: 'systemd.start_unit',
      params: user('web.service'),
      summary: 'Start web.service',
    });
  });

  it('enables and disables a unit file, each undoing the other', async () => {
    await startSystemd('sync.service');
    const [enable, disable] = [action('enable_unit'), action('disable_unit')];

    expect(await enable.preview(user('sync.service'), context)).toEqual({
      summary: 'Enable sync.service',
      details: ['sync.service is disabled', "Enable it in your user's service manager"],
      changesNothing: false,
    });
    expect((await disable.preview(user('sync.service'), context)).changesNothing).toBeTrue();
    expect(await enable.run(user('sync.service'), context, options)).toEqual({
      summary: 'Enabled sync.service: created /etc/systemd/user/default.target.wants/sync.service',
      undo: { action: 'systemd.disable_unit', params: user('sync.service'), summary: 'Disable sync.service' },
    });
    expect(await enable.verify(user('sync.service'), context)).toEqual({
      ok: true,
      observed: 'sync.service is enabled',
    });
    expect((await enable.preview(user('sync.service'), context)).changesNothing).toBeTrue();

    expect(await disable.run(user('sync.service'), context, options)).toEqual({
      summary: 'Disabled sync.service: removed /etc/systemd/user/default.target.wants/sync.service',
      undo: { action: 'systemd.enable_unit', params: user('sync.service'), summary: 'Enable sync.service' },
    });
    expect(await disable.verify(user('sync.service'), context)).toEqual({
      ok: true,
      observed: 'sync.service is disabled',
    });
    const reloads = (await mockCall(client, MANAGER_PATH, 'GetMethodCalls', 's', ['Reload']))[0] as unknown[];
    expect(reloads.length).toBe(2);
  });

  it('clears a failed unit’s failed state (reset-failed), and is not offered for a unit that is not failed', async () => {
    await startSystemd('backup.service');
    await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
      MANAGER,
      'ResetFailedUnit',
      's',
      '',
      "objects[self.units[args[0]]].UpdateProperties('org.freedesktop.systemd1.Unit', {'ActiveState': 'inactive'})",
    ]);
    const reset = action('reset_failed');
    expect((await reset.preview(user('backup.service'), context)).changesNothing).toBeTrue();
    await fail(client, 'backup.service', { status: 3 });
    // Stopping a failed unit would change nothing: it is not offered.
    expect((await action('stop_unit').preview(user('backup.service'), context)).changesNothing).toBeTrue();
    expect(await reset.preview(user('backup.service'), context)).toEqual({
      summary: 'Clear the failed state of backup.service',
      details: [
        'backup.service is failed (exit code 3)',
        "Forget its failures and start limit in your user's service manager, as systemctl reset-failed does",
      ],
      changesNothing: false,
    });
    expect(riskOf(reset, user('backup.service'))).toBe('low');
    expect(needsAuthorization(reset, system('backup.service'))).toBeTrue();
    expect(await reset.run(user('backup.service'), context, options)).toEqual({
      summary: 'Cleared the failed state of backup.service',
      undo: { impossible: 'a cleared failed state cannot be put back: backup.service was failed' },
    });
    expect(await reset.verify(user('backup.service'), context)).toEqual({
      ok: true,
      observed: 'backup.service is inactive',
    });
    const calls = (await mockCall(client, MANAGER_PATH, 'GetMethodCalls', 's', ['ResetFailedUnit']))[0] as unknown[];
    expect(calls.length).toBe(1);
  });

  it('unmasks a masked unit where the mask lives, and masks it there again as the undo', async () => {
    await startSystemd('db.service');
    // The unit file state and load state systemd reports after the call, and the change it returns.
    const files = (state: string, load: string, change: string) =>
      "objects[self.units[args[0][0]]].UpdateProperties('org.freedesktop.systemd1.Unit', " +
      `{'UnitFileState': ${state}, 'LoadState': '${load}'})\nret = [${change}]`;
    await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
      MANAGER,
      'UnmaskUnitFiles',
      'asb',
      'a(sss)',
      files("'static'", 'loaded', "('unlink', ('/run' if args[1] else '/etc') + '/systemd/system/' + args[0][0], '')"),
    ]);
    await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [
      MANAGER,
      'MaskUnitFiles',
      'asbb',
      'a(sss)',
      files(
        "'masked-runtime' if args[1] else 'masked'",
        'masked',
        "('symlink', ('/run' if args[1] else '/etc') + '/systemd/system/' + args[0][0], '/dev/null')",
      ),
    ]);
    const [unmask, mask] = [action('unmask_unit'), action('mask_unit')];
    expect((await unmask.preview(system('db.service'), context)).changesNothing).toBeTrue();
    await mask.run({ ...system('db.service'), runtime: true }, context, options);
    expect(await unmask.preview(system('db.service'), context)).toEqual({
      summary: 'Unmask db.service',
      details: [
        'db.service is masked (masked-runtime)',
        "Remove its link to /dev/null in the system's service manager, as systemctl unmask does; the system asks for authorization",
      ],
      changesNothing: false,
    });
    expect(needsAuthorization(unmask, system('db.service'))).toBeTrue();
    expect(riskOf(unmask, system('db.service'))).toBe('medium');
    expect(await unmask.run(system('db.service'), context, options)).toEqual({
      summary: 'Unmasked db.service: removed /run/systemd/system/db.service',
      undo: {
        action: 'systemd.mask_unit',
        params: { ...system('db.service'), runtime: true },
        summary: 'Mask db.service',
      },
    });
    expect(await unmask.verify(system('db.service'), context)).toEqual({
      ok: true,
      observed: 'db.service is not masked (static)',
    });
    // The undo puts the mask back in /run, where it was.
    expect(await mask.run({ ...system('db.service'), runtime: true }, context, options)).toEqual({
      summary: 'Masked db.service: created /run/systemd/system/db.service',
      undo: { action: 'systemd.unmask_unit', params: system('db.service'), summary: 'Unmask db.service' },
    });
    expect((await mask.verify({ ...system('db.service'), runtime: true }, context)).ok).toBeTrue();
    const masks = (await mockCall(client, MANAGER_PATH, 'GetMethodCalls', 's', ['MaskUnitFiles']))[0] as unknown[];
    expect(masks.length).toBe(2);
  });

  it('shows what systemd recorded of a failed unit over D-Bus, and has nothing to show before it ended', async () => {
    await startSystemd('web.service', 'db.service');
    await addProperties(client, 'web.service', 'org.freedesktop.systemd1.Unit', {
      SubState: new Variant('s', 'failed'),
      FragmentPath: new Variant('s', '/etc/systemd/system/web.service'),
      InvocationID: new Variant('ay', Buffer.alloc(16)),
      Requires: new Variant('as', ['db.service']),
      BindsTo: new Variant('as', []),
      Requisite: new Variant('as', []),
    });
    await addProperties(client, 'web.service', 'org.freedesktop.systemd1.Service', {
      ExecStart: new Variant('a(sasbttttuii)', [
        [
          '/usr/sbin/steward-no-such-web',
          ['/usr/sbin/steward-no-such-web', '--port', '80'],
          false,
          0n,
          0n,
          0n,
          0n,
          0,
          0,
          0,
        ],
      ]),
    });
    await addProperties(client, 'db.service', 'org.freedesktop.systemd1.Unit', {
      FragmentPath: new Variant('s', '/etc/systemd/system/db.service'),
    });
    const record = unitFailureAction({});
    // Nothing ended yet and what it requires loads: nothing to show, so the step is not offered.
    expect((await record.preview(system('web.service'), context)).changesNothing).toBeTrue();
    await fail(client, 'web.service', { status: 2 });
    await update(client, 'db.service', 'org.freedesktop.systemd1.Unit', {
      LoadState: new Variant('s', 'masked'),
      UnitFileState: new Variant('s', 'masked'),
    });
    const preview = await record.preview(system('web.service'), context);
    expect(preview.summary).toBe('Show how systemd recorded the failure of web.service');
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual([
      'web.service is failed (failed); systemd’s result: exit-code.',
      'Its main process exited with status 2 (INVALIDARGUMENT), an error of the program’s own.',
      'It requires db.service, which is masked (masked: /etc/systemd/system/db.service links to /dev/null), ' +
        'so systemd refuses to start either.',
      'systemd restarted it 2 times.',
      'Unit file: /etc/systemd/system/web.service',
      'ExecStart: /usr/sbin/steward-no-such-web --port 80',
      '/usr/sbin/steward-no-such-web belongs to no installed package.',
    ]);
    const { summary, undo } = await record.run(system('web.service'), context, options);
    // First what its result means, in plain words; systemd's own ("exit-code") in the lines that follow.
    expect(summary.split('\n')).toEqual([
      'systemd’s record of web.service: its program ended with an error.',
      ...preview.details,
    ]);
    expect(undo).toEqual({ impossible: 'showing what systemd recorded changes nothing' });
    expect(needsAuthorization(record, system('web.service'))).toBeFalse();
  });

  it('refuses a unit systemd does not know, in the preview and in the run', async () => {
    await startSystemd();
    for (const name of ['restart_unit', 'enable_unit']) {
      const unknown = action(name);
      const invalid = jasmine.objectContaining({ errorName: 'InvalidArgs', message: 'no unit named ghost.service' });
      await expectAsync(unknown.preview(user('ghost.service'), context)).toBeRejectedWith(invalid);
      await expectAsync(unknown.run(user('ghost.service'), context, options)).toBeRejectedWith(invalid);
    }
  });

  it('says systemd is unavailable when no manager is on the bus', async () => {
    await expectAsync(action('start_unit').preview(user('web.service'), context)).toBeRejectedWith(
      new StewardError('Unavailable', "systemd's service manager is not running."),
    );
  });

  it('asks polkit for system units only, and lets it ask interactively', async () => {
    await startSystemd('web.service');
    const start = action('start_unit');
    expect([needsAuthorization(start, user('web.service')), needsAuthorization(start, system('web.service'))]).toEqual([
      false,
      true,
    ]);
    expect(
      systemdActions.map((each) => [each.name, riskOf(each, user('a.service')), riskOf(each, system('a.service'))]),
    ).toEqual([
      ['systemd.restart_unit', 'low', 'medium'],
      ['systemd.start_unit', 'low', 'medium'],
      ['systemd.stop_unit', 'medium', 'high'],
      ['systemd.enable_unit', 'medium', 'medium'],
      ['systemd.disable_unit', 'medium', 'high'],
      ['systemd.reset_failed', 'low', 'medium'],
      ['systemd.unmask_unit', 'medium', 'medium'],
      ['systemd.mask_unit', 'medium', 'high'],
    ]);

    const monitor = await monitorCalls(bus.address, `interface='${MANAGER}',member='StartUnit'`);
    try {
      await start.run(user('web.service'), context, options);
      await action('stop_unit').run(user('web.service'), context, options);
      await start.run(system('web.service'), context, options);
      await waitFor(() => monitor.callFlags().length === 2, 'the monitor to see both StartUnit calls');
      expect(monitor.callFlags().map((flags) => flags & ALLOW_INTERACTIVE_AUTHORIZATION)).toEqual([
        0,
        ALLOW_INTERACTIVE_AUTHORIZATION,
      ]);
    } finally {
      await monitor.stop();
    }
  });

  it('turns a refusal by polkit into NotAuthorizedError', async () => {
    await startSystemd('web.service');
    await refuse(client, 'StartUnit', 'ss', 'org.freedesktop.DBus.Error.AccessDenied');
    await refuse(client, 'EnableUnitFiles', 'asbb', 'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired');

    await expectAsync(action('start_unit').run(system('web.service'), context, options)).toBeRejectedWithError(
      NotAuthorizedError,
    );
    await expectAsync(action('enable_unit').run(system('web.service'), context, options)).toBeRejectedWithError(
      NotAuthorizedError,
    );
  });

  it('refuses system units where there is no system bus', async () => {
    await startSystemd('web.service');
    context.systemBus = null;
    await expectAsync(action('stop_unit').preview(system('web.service'), context)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Unavailable' }),
    );
  });
});
