// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel, writeTinyModel } from '../support/tinyModel.js';
import { type ModelServer, startModelServer } from './models/modelServer.js';

const MODELS = 'io.github.steward.Steward1.Models';
const INVALID_ARGS = 'io.github.steward.Steward1.Error.InvalidArgs';

describe('the Models interface on the bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;
  let modelServer: ModelServer;
  let storeDirectory: string;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: MODELS, member, signature, body });

  /** Runs the steward command against the test bus; resolves with its exit code and output. */
  const steward = async (...args: string[]) => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    return promisify(execFile)(process.execPath, [CLI_SCRIPT, ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  };

  const listIds = async () => {
    const [models] = await call('List');
    return (models as Record<string, Variant>[]).map((model) => model.id!.value as string);
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    const env = {
      ...homeEnv(home.path),
      XDG_DATA_HOME: join(home.path, 'data'),
      OLLAMA_MODELS: join(home.path, 'none'),
    };
    storeDirectory = join(home.path, 'data', 'steward', 'models');
    await mkdir(storeDirectory, { recursive: true });
    await writeTinyModel(join(storeDirectory, 'tiny.gguf'), { name: 'Tiny Test' });
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

  it('lists the models of the store with their metadata', async () => {
    const [models] = await call('List');
    const tiny = (models as Record<string, Variant>[]).find((model) => model.id?.value === 'store:tiny.gguf');
    expect(tiny?.name?.value).toBe('Tiny Test');
    expect(tiny?.architecture?.value).toBe('llama');
    expect(tiny?.source?.value).toBe('store');
    expect(tiny?.['file-bytes']?.signature).toBe('t');
    expect(tiny?.['has-chat-template']?.value).toBeTrue();
    expect(tiny?.placement?.value).toBe('cpu');
  });

  it('selects the active model and says so in the property', async () => {
    const changes: Record<string, Variant>[] = [];
    const unsubscribe = await new SignalRouter(client).subscribe(
      { path: OBJECT_PATH, interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
      (body) => changes.push(body[1] as Record<string, Variant>),
    );
    await call('SetActive', 's', ['store:tiny.gguf']);
    await waitFor(() => changes.some((c) => c.ActiveModel?.value === 'store:tiny.gguf'), 'ActiveModel to change');
    const [models] = await call('List');
    expect((models as Record<string, Variant>[]).find((m) => m.active?.value)?.id?.value).toBe('store:tiny.gguf');
    await unsubscribe();
  });

  it('lists a model the bundled llama.cpp cannot load as unsupported, and SetActive and the CLI refuse it', async () => {
    await writeTinyModel(join(storeDirectory, 'future.gguf'), { architecture: 'foo' });
    const [models] = await call('List');
    const byId = (id: string) => (models as Record<string, Variant>[]).find((model) => model.id?.value === id);
    const future = byId('store:future.gguf');
    const reason = future?.['unsupported-reason']?.value as string;
    expect(future?.supported?.value).toBeFalse();
    expect(reason).toMatch(
      /^This model's architecture "foo" is newer than the bundled llama\.cpp \(node-llama-cpp [\d.]+\)/,
    );
    expect(byId('store:tiny.gguf')?.supported?.value).toBeTrue();
    expect(byId('store:tiny.gguf')?.['unsupported-reason']).toBeUndefined();

    const error = await errorOf(call('SetActive', 's', ['store:future.gguf']));
    expect(error.type).toBe('io.github.steward.Steward1.Error.Unavailable');
    expect(error.text).toBe(reason);

    const listed = await steward('models');
    expect(listed.stdout).toMatch(/^ +store:future\.gguf .*cannot run \(see below\)$/m);
    expect(listed.stdout).toContain(`store:future.gguf: ${reason}\n`);
    const refused = await steward('models', 'use', 'store:future.gguf');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(reason);
    await call('Remove', 's', ['store:future.gguf']);
  });

  it('pulls a model with progress signals, verified, and lists it afterwards', async () => {
    const file = tinyModel({ seed: 3 });
    modelServer.files.set('pulled.gguf', file);
    const sha256 = createHash('sha256').update(file).digest('hex');
    const router = new SignalRouter(client);
    const progress: unknown[][] = [];
    const finished: unknown[][] = [];
    const stopProgress = await router.subscribe({ interface: MODELS, member: 'PullProgress' }, (b) => progress.push(b));
    const stopFinished = await router.subscribe({ interface: MODELS, member: 'PullFinished' }, (b) => finished.push(b));

    const [pullId] = await call('Pull', 'ss', [`${modelServer.baseUrl}/models/pulled.gguf`, sha256]);
    await waitFor(() => finished.length > 0, 'PullFinished');
    expect(finished[0]).toEqual([pullId, 'done', 'store:pulled.gguf', '', '']);
    const last = progress.at(-1)!;
    expect(last[0]).toBe(pullId);
    expect(last[1]).toBe(BigInt(file.length));
    expect(last[2]).toBe(BigInt(file.length));
    expect(await listIds()).toContain('store:pulled.gguf');
    await stopProgress();
    await stopFinished();
  });

  it('reports a corrupt download as failed, with the named error, and lists nothing', async () => {
    modelServer.files.set('corrupt.gguf', tinyModel({ seed: 4 }));
    const finished: unknown[][] = [];
    const stop = await new SignalRouter(client).subscribe({ interface: MODELS, member: 'PullFinished' }, (b) =>
      finished.push(b),
    );
    const [pullId] = await call('Pull', 'ss', [`${modelServer.baseUrl}/models/corrupt.gguf`, 'ab'.repeat(32)]);
    await waitFor(() => finished.length > 0, 'PullFinished');
    const [id, status, modelId, errorName, message] = finished[0] as string[];
    expect([id, status, modelId, errorName]).toEqual([
      pullId as string,
      'failed',
      '',
      'io.github.steward.Steward1.Error.Unavailable',
    ]);
    expect(message).toContain('arrived damaged');
    expect(await listIds()).not.toContain('store:corrupt.gguf');
    await stop();
  });

  it('removes a model, and clears the active one when it was that', async () => {
    await writeTinyModel(join(storeDirectory, 'doomed.gguf'));
    await call('SetActive', 's', ['store:doomed.gguf']);
    await call('Remove', 's', ['store:doomed.gguf']);
    expect(await listIds()).not.toContain('store:doomed.gguf');
    const [active] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [MODELS, 'ActiveModel'],
    });
    expect((active as Variant).value).toBe('');
  });

  it('recommends a model from the catalogue with a reason', async () => {
    const [recommendation] = await call('Recommend');
    const values = recommendation as Record<string, Variant>;
    expect(values.uri?.value).toMatch(/^hf:/);
    // Why it fits; the name is its own field, which every client shows beside the reason.
    expect(values.reason?.value).not.toContain(values.name?.value);
    expect(values['context-size']?.value).toBeGreaterThanOrEqual(2048);
    expect(values.reason?.value).toContain(
      `with a context of ${(values['context-size']?.value as number).toLocaleString('en-US')} tokens`,
    );
  });

  it('answers bad arguments of every method with a named error', async () => {
    const cases: [string, string, unknown[], string, RegExp][] = [
      ['SetActive', 's', [''], INVALID_ARGS, /argument “id”: a model id is needed/],
      ['SetActive', 's', ['store:missing.gguf'], 'io.github.steward.Steward1.Error.NotFound', /missing\.gguf/],
      ['Remove', 'u', [7], INVALID_ARGS, /Remove takes arguments \(s\)/],
      ['Pull', 'ss', ['', ''], INVALID_ARGS, /argument “uri”/],
      ['Pull', 'ss', ['https://example.org/m.gguf', 'xyz'], INVALID_ARGS, /argument “sha256”: not a SHA-256/],
      ['Pull', 'ss', ['ftp://example.org/m.gguf', ''], INVALID_ARGS, /ftp/],
      ['Pull', 'ss', ['hf:Qwen/Qwen3-0.6B-GGUF:Q8_0', ''], INVALID_ARGS, /hub/],
      ['CancelPull', 's', ['nope'], INVALID_ARGS, /not a pull id/],
      [
        'CancelPull',
        's',
        ['00000000-0000-4000-8000-000000000000'],
        'io.github.steward.Steward1.Error.NotFound',
        /No download/,
      ],
      ['List', 's', ['x'], INVALID_ARGS, /List takes arguments \(\)/],
    ];
    for (const [member, signature, body, name, message] of cases) {
      const error = await errorOf(call(member, signature, body));
      expect(error.type)
        .withContext(`${member}(${JSON.stringify(body)})`)
        .toBe(name);
      expect(error.text)
        .withContext(`${member}(${JSON.stringify(body)})`)
        .toMatch(message);
    }
  });

  it('steward models lists, recommends and pulls through the same interface', async () => {
    const listed = await steward('models');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^\* +store:tiny\.gguf|store:tiny\.gguf/m);
    expect(JSON.parse((await steward('models', 'list', '--json')).stdout)).toContain(
      jasmine.objectContaining({ id: 'store:tiny.gguf', architecture: 'llama' }),
    );
    const recommended = (await steward('models', 'recommend')).stdout;
    expect(recommended).toMatch(/^\S.* Q\d\S*: [A-Z]/);
    expect(recommended).toContain('steward models pull hf:');

    modelServer.files.set('cli.gguf', tinyModel({ seed: 5 }));
    // The first model pulled becomes the active one; with one active already, the pull says how to switch.
    const models = JSON.parse((await steward('models', 'list', '--json')).stdout) as { active: boolean }[];
    const pulled = await steward('models', 'pull', `${modelServer.baseUrl}/models/cli.gguf`);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toBe(
      models.some((model) => model.active)
        ? 'Pulled store:cli.gguf. Use it with: steward models use store:cli.gguf\n'
        : 'Pulled store:cli.gguf. It is the active model now.\n',
    );

    const failed = await steward('models', 'pull', `${modelServer.baseUrl}/models/missing.gguf`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('404');
  });

  it('steward models refuses wrong usage and bad ids with clear messages', async () => {
    const usage = await steward('models', 'use');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('wrong arguments for “models use”');
    const missing = await steward('models', 'rm', 'store:nothing.gguf');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no installed model "store:nothing.gguf"');
  });
});
