// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  activateModel,
  BUS_NAME,
  chatAsk,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
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
  /** The answer to the first question after the service started, or why it failed: asked before any spec runs. */
  let first: string | Error;
  const steps: string[][] = [];
  const done = new Map<string, unknown[]>();

  const ask = (text: string) => chatAsk(client, text, ANSWER_TIMEOUT_MS);

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    await new SignalRouter(client).subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
      if (message.member === 'ToolStep') steps.push(body as string[]);
      if (message.member === 'ResponseDone') done.set(body[0] as string, body);
    });
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
    first = await ask('hello').catch((error: Error) => error);
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('answers the first question after a fresh start, and the same question again', async () => {
    expect(first instanceof Error ? first.message : '').toBe('');
    expect(String(first).trim()).not.toBe('');
    expect((await ask('hello')).trim()).not.toBe('');
  });

  it('has room for tools: a forced call is made with one of them, then the question is answered', async () => {
    const [, request] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: CHAT,
      member: 'Send',
      signature: 'ssa{sv}',
      body: ['', 'hello', { 'tool-choice': new Variant('s', 'required'), 'max-tokens': new Variant('u', 200) }],
    })) as [string, string];
    await waitFor(() => done.has(request), 'the answer', ANSWER_TIMEOUT_MS);
    const [, , status, , , , errorName, errorMessage] = done.get(request) as string[];
    expect(status).withContext(`${errorName}: ${errorMessage}`).toBe('done');
    const [step] = steps.filter((candidate) => candidate[0] === request);
    // The grammar makes the call one of the tools shown (or, cut short, text the loop reports as unreadable).
    expect(['', ...assistantTools([]).map((tool) => tool.name), 'more_tools']).toContain(step?.[2] ?? 'no step');
  });

  it('fits the same tools for a Prepare and for the question, so the question evaluates only its own words', async () => {
    const chat = (member: string, signature = '', body: unknown[] = []) =>
      callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });
    const state = async () => {
      const [status] = (await chat('GetEngineStatus')) as [Record<string, Variant>];
      return status.state?.value as string;
    };
    await chat('Unload');
    await chat('Prepare');
    await waitFor(async () => (await state()) === 'ready', 'the prepared engine', ANSWER_TIMEOUT_MS);
    const [, request] = (await chat('Send', 'ssa{sv}', ['', 'hello', {}])) as [string, string];
    await waitFor(() => done.has(request), 'the answer', ANSWER_TIMEOUT_MS);
    const [, , status, , usage] = done.get(request) as [string, string, string, string, Record<string, Variant>];
    expect(status).toBe('done');
    // The system prompt and the tools take hundreds of the tiny model's tokens; "hello" and the template's few.
    expect(usage['prompt-tokens']?.value).toBeGreaterThan(0);
    expect(usage['prompt-tokens']?.value).toBeLessThan(30);
  });

  it('names the message, not the tools, when the message is what does not fit, and says what to do', async () => {
    // Words of the tiny model's vocabulary: about a token each, far more than the context holds.
    const error = await ask('disk full again '.repeat(400)).then(
      () => null,
      (failure: Error & { type?: string }) => failure,
    );
    expect(error?.type).toBe('io.github.steward.Steward1.Error.InvalidArgs');
    expect(error?.message).toMatch(
      /^the message is too long for this model: it takes \d+ tokens, and beside Steward's instructions \(\d+ tokens, without any tool\) at most \d+ fit this model's context of 2048 tokens/,
    );
    expect(error?.message).toContain('choose a model with a larger context');
    // And the next question is answered as before.
    expect((await ask('hello')).trim()).not.toBe('');
  });
});
