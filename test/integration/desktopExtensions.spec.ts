// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// GNOME Shell's extensions as Steward reads and changes them through org.gnome.Shell.Extensions, against a
// stand-in: a python3-dbusmock template (test/support/shellExtensionsStandIn.py) on a private session bus, since
// no GNOME Shell runs here (the e2e suite runs the real one). The stand-in keeps the shell's behaviour that
// Steward relies on: info dicts, ExtensionStateChanged, an extension in ERROR staying there when turned off.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import type { DetectorOutput } from '../../service/src/findings/types.js';
import type { ActionContext } from '../../service/src/fixes/action.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import { disableExtension, enableExtension, extensionInfoAction } from '../../service/src/kinds/extensions/actions.js';
import { EXTENSION_ERROR } from '../../service/src/kinds/extensions/journalDetector.js';
import { STEWARD_UUID } from '../../service/src/kinds/extensions/shell.js';
import { ShellExtensionsSource } from '../../service/src/kinds/extensions/source.js';
import type { ExtensionState } from '../../service/src/kinds/extensions/state.js';
import { ExtensionStateDetector } from '../../service/src/kinds/extensions/stateDetector.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { busContext } from '../support/busContext.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';

const SHELL = 'org.gnome.Shell';
const STAND_IN = join(process.cwd(), 'test', 'support', 'shellExtensionsStandIn.py');
const CLOCK = 'broken-clock@example.org';
const WEATHER = 'weather@example.org';
const ERROR_TEXT = 'TypeError: this._clock is undefined';

describe('GNOME Shell extensions against a stand-in org.gnome.Shell.Extensions (python3-dbusmock)', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess | null;
  let source: ShellExtensionsSource;
  let detector: ExtensionStateDetector;
  let states: ExtensionState[];
  let outputs: DetectorOutput[];
  let context: ActionContext;
  const noProgress = { progress: () => undefined, signal: new AbortController().signal };

  const mockCall = (member: string, signature: string, body: unknown[]) =>
    callMethod(client, {
      destination: SHELL,
      path: '/org/gnome/Shell',
      interface: 'org.gnome.Shell.Extensions.Mock',
      member,
      signature,
      body,
    });
  const startShell = async () => {
    mock = await startDbusmock(bus, client, SHELL, ['--template', STAND_IN]);
  };
  const until = (count: number) =>
    waitFor(() => states.length >= count, `${count} extension states; seen ${JSON.stringify(states)}`);
  const summary = (output: DetectorOutput | undefined) =>
    output &&
    ('report' in output ? ['report', output.report.subject, output.report.title] : ['resolve', output.resolve.subject]);

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = null;
    const connection = await bus.connect();
    context = busContext(connection, null);
    states = [];
    outputs = [];
    detector = new ExtensionStateDetector();
    source = new ShellExtensionsSource({ name: 'desktop.extensions', bus: connection, log: context.log });
  });

  afterEach(async () => {
    await source.stop();
    if (mock) await stopMock(mock);
    await bus.stop();
  });

  const startSource = () =>
    source.start((event) => {
      if (event.type !== 'desktop' || event.desktop.kind !== 'extension') return;
      states.push(event.desktop.extension);
      outputs.push(...detector.detect(event));
    });

  it('waits for the shell to come on the bus, reads its extensions, and follows one that goes to ERROR', async () => {
    // No shell yet: the source starts quietly and waits for the name.
    await startSource();
    expect(states).toEqual([]);

    await startShell();
    await mockCall('AddExtension', 'ssb', [CLOCK, 'Broken \u001b[31mClock\u0007', true]);
    await until(1);
    expect(states[0]).toEqual({
      uuid: CLOCK,
      // The extension's own name is untrusted: its escape sequence and control characters are gone.
      name: 'Broken Clock',
      version: '3',
      state: 1,
      error: '',
      path: `/home/user/.local/share/gnome-shell/extensions/${CLOCK}`,
      enabled: true,
    });
    expect(outputs).toEqual([]);

    await mockCall('Break', 'ss', [CLOCK, ERROR_TEXT]);
    await until(2);
    expect(states[1]).toEqual(jasmine.objectContaining({ uuid: CLOCK, state: 3, error: ERROR_TEXT }));
    expect(outputs.map(summary)).toEqual([['report', CLOCK, `The extension Broken Clock failed: ${ERROR_TEXT}`]]);
    const [output] = outputs;
    expect(output && 'report' in output ? [output.report.kind, output.report.severity] : null).toEqual([
      EXTENSION_ERROR,
      'warning',
    ]);
  });

  it('reads the list the shell holds at start, and follows an extension uninstalled', async () => {
    await startShell();
    await mockCall('AddExtension', 'ssb', [WEATHER, 'Weather', false]);
    await startSource();
    expect(states).toEqual([jasmine.objectContaining({ uuid: WEATHER, state: 2, enabled: false })]);

    await mockCall('Uninstall', 's', [WEATHER]);
    await until(2);
    expect(states[1]).toEqual(jasmine.objectContaining({ uuid: WEATHER, state: 99 }));
  });

  it('turns off the failing extension through the shell, verifies, resolves the finding, and undoes', async () => {
    await startShell();
    await mockCall('AddExtension', 'ssb', [CLOCK, 'Broken Clock', true]);
    await startSource();
    await mockCall('Break', 'ss', [CLOCK, ERROR_TEXT]);
    await until(2);
    expect(outputs.map(summary)).toEqual([['report', CLOCK, `The extension Broken Clock failed: ${ERROR_TEXT}`]]);

    // The first, read-only step shows the shell's own record of it.
    const info = await extensionInfoAction.run({ uuid: CLOCK }, context, noProgress);
    expect(info.summary.split('\n')).toEqual([
      `Extension: Broken Clock (${CLOCK})`,
      'Version: 3',
      'State: failed',
      'Turned on in the settings: yes',
      `Error: ${ERROR_TEXT}`,
      `Folder: /home/user/.local/share/gnome-shell/extensions/${CLOCK}`,
    ]);

    const params = { uuid: CLOCK };
    const preview = await disableExtension.preview(params, context);
    expect(preview).toEqual({
      summary: `Turn Off the Extension Broken Clock (${CLOCK})`,
      details: ['Now: failed', `GNOME Shell removes ${CLOCK} from its enabled extensions and stops it`],
      changesNothing: false,
    });
    const outcome = await disableExtension.run(params, context, noProgress);
    expect(outcome).toEqual({
      summary: 'The extension Broken Clock is turned off',
      undo: { action: 'extensions.enable', params, summary: 'Turn the extension Broken Clock on again' },
    });
    // As in the real shell, an extension in ERROR stays in ERROR: what changed is that it is no longer enabled.
    expect(await disableExtension.verify(params, context)).toEqual({
      ok: true,
      observed: 'The extension Broken Clock is turned off',
    });
    await until(3);
    expect(states[2]).toEqual(jasmine.objectContaining({ state: 3, enabled: false }));
    expect(outputs.map(summary).at(-1)).toEqual(['resolve', CLOCK]);
    expect((await disableExtension.preview(params, context)).changesNothing).toBeTrue();

    // The undo turns it on again; still broken, it fails again, and the check says so.
    await enableExtension.run(params, context, noProgress);
    expect(await enableExtension.verify(params, context)).toEqual({
      ok: false,
      observed: 'The extension Broken Clock is not running (failed)',
    });
    await until(4);
    expect(outputs.map(summary).at(-1)).toEqual(['report', CLOCK, `The extension Broken Clock failed: ${ERROR_TEXT}`]);
  });

  it('turns a running extension off and on again, each verified by reading the shell again', async () => {
    await startShell();
    await mockCall('AddExtension', 'ssb', [WEATHER, 'Weather', true]);
    const params = { uuid: WEATHER };
    expect((await enableExtension.preview(params, context)).changesNothing).toBeTrue();
    await disableExtension.run(params, context, noProgress);
    expect(await disableExtension.verify(params, context)).toEqual({
      ok: true,
      observed: 'The extension Weather is turned off',
    });
    const outcome = await enableExtension.run(params, context, noProgress);
    expect(outcome.undo).toEqual({
      action: 'extensions.disable',
      params,
      summary: 'Turn the extension Weather off again',
    });
    expect(await enableExtension.verify(params, context)).toEqual({
      ok: true,
      observed: 'The extension Weather is turned on',
    });
  });

  it('never reports Steward’s own extension, and refuses to turn it off, an unknown one, and bad uuids by name', async () => {
    await startShell();
    await mockCall('AddExtension', 'ssb', [STEWARD_UUID, 'Steward', true]);
    await startSource();
    await mockCall('Break', 'ss', [STEWARD_UUID, ERROR_TEXT]);
    await until(2);
    expect(outputs).toEqual([]);

    const catalog = createFindingsCatalog({ kinds: KINDS });
    const invalid = (error: unknown) => error instanceof StewardError && error.errorName === 'InvalidArgs';
    expect(() => catalog.validate('extensions.disable', { uuid: STEWARD_UUID })).toThrowMatching(invalid);
    expect(() => catalog.validate('extensions.disable', { uuid: '../../etc' })).toThrowMatching(invalid);
    expect(() => catalog.validate('info.extension', { uuid: 'no-namespace' })).toThrowMatching(invalid);
    await expectAsync(disableExtension.run({ uuid: STEWARD_UUID }, context, noProgress)).toBeRejectedWith(
      new StewardError('InvalidArgs', 'Steward does not turn off its own extension.'),
    );
    expect((await enableExtension.verify({ uuid: STEWARD_UUID }, context)).ok).toBeFalse();

    const missing = { uuid: 'missing@example.org' };
    expect((await disableExtension.preview(missing, context)).changesNothing).toBeTrue();
    await expectAsync(disableExtension.run(missing, context, noProgress)).toBeRejectedWith(
      new StewardError('NotFound', 'GNOME Shell has no extension missing@example.org.'),
    );
  });

  it('says the shell is not running when it is not on the bus', async () => {
    await expectAsync(extensionInfoAction.preview({ uuid: CLOCK }, context)).toBeRejectedWith(
      new StewardError('Unavailable', 'GNOME Shell is not running.'),
    );
  });
});
