// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel } from '../support/tinyModel.js';
import { type ModelServer, startModelServer } from './models/modelServer.js';

const MODELS = 'io.github.steward.Steward1.Models';

// A model pulled by any client (the extension's setup, a script) is one the user wants to use: the first becomes
// the active one, as it does for `steward models pull`; later ones leave the choice alone.
describe('the first model pulled through the bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;
  let modelServer: ModelServer;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: MODELS, member, signature, body });
  const activeModel = async () => {
    const [value] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [MODELS, 'ActiveModel'],
    });
    return (value as Variant<string>).value;
  };

  async function pull(name: string, seed: number): Promise<unknown[]> {
    const file = tinyModel({ seed });
    modelServer.files.set(name, file);
    const finished: unknown[][] = [];
    const stop = await new SignalRouter(client).subscribe({ interface: MODELS, member: 'PullFinished' }, (b) =>
      finished.push(b),
    );
    const sha256 = createHash('sha256').update(file).digest('hex');
    await call('Pull', 'ss', [`${modelServer.baseUrl}/models/${name}`, sha256]);
    await waitFor(() => finished.length > 0, 'PullFinished');
    await stop();
    return finished[0]!;
  }

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    const env = {
      ...homeEnv(home.path),
      XDG_DATA_HOME: join(home.path, 'data'),
      OLLAMA_MODELS: join(home.path, 'none'),
    };
    modelServer = await startModelServer();
    service = spawnService(bus.address, env);
    await waitUntilReady(client, service);
  });

  afterAll(async () => {
    await service.stop();
    await modelServer.close();
    await bus.stop();
    await home.remove();
  });

  it('makes the first one active when none is, and leaves the choice alone afterwards', async () => {
    expect(await activeModel()).toBe('');
    const [, status, modelId] = await pull('first.gguf', 5);
    expect([status, modelId]).toEqual(['done', 'store:first.gguf']);
    expect(await activeModel()).toBe('store:first.gguf');
    await pull('second.gguf', 6);
    expect(await activeModel()).toBe('store:first.gguf');
  });
});
