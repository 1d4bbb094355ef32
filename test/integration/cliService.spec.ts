// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  homeEnv,
  nameHasOwner,
  runCli,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The service as a whole from the command line, without systemd: a hand-edited configuration
// applies by itself, its JSON errors say where, and reload and stop go through the bus.
describe('steward reload and stop, and the watched configuration file', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;

  const steward = (...args: string[]) =>
    runCli(args, { PATH: process.env.PATH, ...homeEnv(home.path), DBUS_SESSION_BUS_ADDRESS: bus.address });
  const configFile = () => join(home.path, 'config', 'steward', 'config.json');
  const status = async () => JSON.parse((await steward('status', '--json')).stdout) as Record<string, unknown>;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    service = await startConfiguredService(bus, client, home.path, { logLevel: 'info' });
  });

  afterAll(async () => {
    await service.stop();
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('applies a hand edit without a signal, and says on which line the JSON is broken', async () => {
    await writeFile(configFile(), '{\n  "logLevel": "debug",\n  "watch": {\n}\n');
    await waitFor(async () => (await status())['config-valid'] === false, 'the broken file to be noticed');
    const shown = await steward('config');
    expect(shown.stderr).toContain(`${configFile()} is not valid JSON: line 5, column 1: `);
    expect(shown.stderr).not.toContain('position');

    await writeFile(configFile(), '{ "logLevel": "debug" }\n');
    await waitFor(async () => (await status())['config-valid'] === true, 'the fixed file to apply');
    expect(JSON.parse((await steward('config')).stdout)).toEqual(jasmine.objectContaining({ logLevel: 'debug' }));
  });

  it('reloads through the bus when systemd does not run the service, and stops it', async () => {
    const reloaded = await steward('reload');
    expect(reloaded).toEqual({ code: 0, stdout: 'Steward reads its configuration again.\n', stderr: '' });
    await waitFor(() => service.log().includes('configuration reloaded'), 'the reload');

    expect(await steward('stop')).toEqual({ code: 0, stdout: 'Steward stopped.\n', stderr: '' });
    expect(await nameHasOwner(client, BUS_NAME)).toBeFalse();
    expect(await service.exited).toBe(0);
    expect(await steward('stop')).toEqual({ code: 0, stdout: 'Steward is not running.\n', stderr: '' });
    expect((await steward('reload')).code).toBe(3);
    // For the specs that follow, in whatever order they run.
    service = await startConfiguredService(bus, client, home.path, { logLevel: 'info' });
  });
});
