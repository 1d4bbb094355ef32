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
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const TOOL_NAMES = assistantTools([]).map((tool) => tool.name);

// Function calling through real llama.cpp: the tiny model's words are noise,
// so the call is forced (tool-choice "required": a grammar makes it a call of
// one of the tools); what is tested is the dispatch, the argument checks and
// the way back to the model, not what it chose.
describe('the assistant with a real model (tiny, generated)', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  const steps: string[][] = [];
  const done = new Map<string, unknown[]>();

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
    await new SignalRouter(client).subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
      if (message.member === 'ToolStep') steps.push(body as string[]);
      if (message.member === 'ResponseDone') done.set(body[0] as string, body);
    });
    await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
    await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'), { contextLength: 16384 });
    service = await startConfiguredService(bus, client, home.path, {
      watch: quietWatch(),
      inference: { gpu: 'off', threads: 1, contextSize: 16384, maxAnswerTokens: 32 },
    });
    await activateModel(client, 'store:tiny.gguf');
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('dispatches a forced call, checks its arguments, gives the result back and then answers', async () => {
    const [session, request] = (await call('Send', 'ssa{sv}', [
      '',
      'How full is my disk?',
      { 'tool-choice': new Variant('s', 'required'), 'max-tokens': new Variant('u', 200), seed: new Variant('u', 7) },
    ])) as [string, string];
    await waitFor(() => done.has(request), 'the answer', 240_000);
    const [, , status, , , , errorName, errorMessage] = done.get(request) as string[];
    expect(status).withContext(`${errorName}: ${errorMessage}`).toBe('done');

    const mine = steps.filter((step) => step[0] === request);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const [, stepId, tool, , running] = mine[0]!;
    expect(running).toBe('running');
    const finished = mine.find((step) => step[1] === stepId && step[4] !== 'running');
    expect(['done', 'failed']).toContain(String(finished?.[4]));

    const [history] = (await call('GetHistory', 's', [session])) as [Record<string, Variant>[]];
    const answer = history[1]!;
    const [first] = answer['tool-steps']!.value as Record<string, Variant>[];
    const result = String(first!.result!.value);
    if (TOOL_NAMES.includes(tool!)) {
      // A call the grammar shaped: the tool ran, or its arguments were refused by the tool's own schema.
      expect(first!.tool!.value).toBe(tool);
      expect(result).toMatch(
        first!.status!.value === 'done' ? /^<<<DATA from / : /are not valid|failed:|not an action|is not/,
      );
    } else {
      // Cut short by max-tokens, the call was not JSON: the model is told so.
      expect(result).toBe('The tool call could not be read: it was not valid JSON.');
    }
  });
});
