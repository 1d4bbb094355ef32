// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { homeEnv, runCli, type RunningService, startConfiguredService } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

// `steward models import` and its neighbours against the real service and a real (tiny) GGUF file.
describe('steward models import, list, use and rm', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let tiny: string;

  const steward = (...args: string[]) =>
    runCli(args, {
      PATH: process.env.PATH,
      ...homeEnv(home.path),
      XDG_DATA_HOME: join(home.path, 'data'),
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    });
  const store = () => join(home.path, 'data', 'steward', 'models');

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    await mkdir(join(home.path, 'downloads'));
    tiny = await writeTinyModel(join(home.path, 'downloads', 'tiny.gguf'));
    service = await startConfiguredService(bus, client, home.path, { inference: { gpu: 'off' } });
  });

  afterAll(async () => {
    await service.stop();
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('imports a GGUF file, checked as a pull is, and makes the first one active', async () => {
    const notGguf = join(home.path, 'downloads', 'notes.gguf');
    await writeFile(notGguf, 'not a model');
    expect(await steward('models', 'import', notGguf)).toEqual({
      code: 1,
      stdout: '',
      stderr: `steward: ${notGguf} is not a GGUF model file\n`,
    });
    const wrongSum = await steward('models', 'import', tiny, '--sha256', '0'.repeat(64));
    expect(wrongSum.code).toBe(1);
    expect(wrongSum.stderr).toContain(`not ${'0'.repeat(64)}; nothing was imported`);

    const sha256 = createHash('sha256')
      .update(await readFile(tiny))
      .digest('hex');
    expect(await steward('models', 'import', tiny, '--sha256', sha256)).toEqual({
      code: 0,
      stdout: 'Imported store:tiny.gguf. It is the active model now.\n',
      stderr: '',
    });
    expect((await lstat(join(store(), 'tiny.gguf'))).isFile()).toBeTrue();
    const again = await steward('models', 'import', tiny);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a model named tiny.gguf');

    // pull of a local path imports; --link leaves the file where it is.
    const second = await writeTinyModel(join(home.path, 'downloads', 'second.gguf'));
    expect(await steward('models', 'pull', second, '--link')).toEqual({
      code: 0,
      stdout: 'Imported store:second.gguf. Use it with: steward models use store:second.gguf\n',
      stderr: '',
    });
    expect((await lstat(join(store(), 'second.gguf'))).isSymbolicLink()).toBeTrue();

    const listed = await steward('models', 'list');
    const [header, ...rows] = listed.stdout.split('\n');
    expect(header).toMatch(/^ {3}ID +PARAMETERS +QUANTIZATION +SIZE +RUNS ON$/);
    expect(rows.find((row) => row.includes('store:tiny.gguf'))).toMatch(/^\* {2}store:tiny\.gguf /);
    expect(rows.find((row) => row.includes('store:second.gguf'))).toMatch(/^ {3}store:second\.gguf /);
    const used = await steward('models', 'use', './tiny.gguf');
    expect(used.code).toBe(2);
    expect(used.stderr).toContain('steward models import ./tiny.gguf');
  });

  it('asks before removing the active model', async () => {
    const third = await writeTinyModel(join(home.path, 'downloads', 'third.gguf'));
    expect((await steward('models', 'import', third)).code).toBe(0);
    // A unique prefix of an id names the model, with or without its "store:".
    expect(await steward('models', 'use', 'thi')).toEqual({
      code: 0,
      stdout: 'Steward now uses store:third.gguf.\n',
      stderr: '',
    });
    const refused = await steward('models', 'rm', 'store:thi');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    expect(await steward('models', 'rm', 'store:third.gguf', '--yes')).toEqual({
      code: 0,
      stdout: 'Removed store:third.gguf.\n',
      stderr: '',
    });
  });
});
