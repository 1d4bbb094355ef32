// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  activateModel,
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const ANSWER_TIMEOUT_MS = 240_000;

// A model trained for 2,048 tokens, its context size left to 'auto' as most people leave it: the
// system prompt and the tools must fit it from the first question on, before the service has seen
// the model's context size, and the tiny model's vocabulary takes about a token per byte.
describe('a model with a 2,048-token context', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;

  const ask = async (text: string) => {
    const [answer] = await callMethod(
      client,
      { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member: 'Ask', signature: 's', body: [text] },
      { timeoutMs: ANSWER_TIMEOUT_MS },
    );
    return String(answer);
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
    await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
    await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'), {
      contextLength: 2048,
      endsOnlyAtLimit: true,
    });
    service = await startConfiguredService(bus, client, home.path, {
      watch: quietWatch(),
      inference: { gpu: 'off', threads: 1, maxAnswerTokens: 16 },
    });
    await activateModel(client, 'store:tiny.gguf');
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('answers the first question after a fresh start, and the same question again', async () => {
    expect((await ask('hello')).trim()).not.toBe('');
    expect((await ask('hello')).trim()).not.toBe('');
  });
});
