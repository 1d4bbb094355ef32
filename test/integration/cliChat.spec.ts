// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { errorOf } from '../support/errors.js';
import { type CompletionRequestBody, type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { inTerminal } from '../support/terminal.js';

// What a scripted model says to each prompt.
const ESCAPED = 'Hello \u001b]0;owned\u0007\u001b[31mred\u001b[0m world\u0008!';
const LONG = Array.from({ length: 200 }, (_unused, index) => `word${index}`).join(' ');

function reply(body: CompletionRequestBody) {
  const last = body.messages.at(-1);
  if (last?.role === 'tool') return { content: 'I could not look.' };
  const prompt = String(last?.content);
  if (prompt.includes('escape')) return { content: ESCAPED };
  if (prompt.includes('nothing')) return { content: '' };
  if (prompt.includes('long')) return { content: LONG };
  if (prompt.includes('tool')) return { toolCalls: [{ name: 'no_such_tool', arguments: '{}' }] };
  return { content: `You said: ${prompt}` };
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

// `steward ask`, `chat` and `sessions` against the real service, its answers
// scripted by a loopback OpenAI-compatible endpoint.
describe('steward ask, chat and sessions', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;
  let endpoint: OpenAIServer;
  let env: NodeJS.ProcessEnv;

  /** Runs the CLI with pipes; `onOutput` sees stdout as it comes. */
  const steward = (args: string[], input = '', onOutput?: (child: ReturnType<typeof spawn>) => void) =>
    new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data: Buffer) => {
        stdout += data.toString();
        onOutput?.(child);
      });
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      child.stdin.end(input);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const sessions = async () => JSON.parse((await steward(['sessions', '--json'])).stdout) as { id: string }[];

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    endpoint = await startOpenAIServer({ models: ['llama3'], chunkDelayMs: 10, reply });
    await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
    await writeFile(
      join(home.path, 'config', 'steward', 'config.json'),
      JSON.stringify({ inference: { engine: 'remote', remote: { url: endpoint.url, model: 'llama3' } } }),
    );
    env = {
      ...process.env,
      ...homeEnv(home.path),
      XDG_DATA_HOME: join(home.path, 'data'),
      OLLAMA_MODELS: join(home.path, 'none'),
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      NO_COLOR: '',
    };
    // The remote key is looked up in the keyring only when a file is not given; this endpoint needs none.
    service = spawnService(bus.address, env);
    await waitUntilReady(client, service);
  });

  afterAll(async () => {
    await service.stop();
    await endpoint.close();
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('names the model in the status before it has answered anything', async () => {
    const status = await steward(['status']);
    expect(status.stdout).toMatch(/Inference: +\w+, llama3: /);
  });

  it('shows a model’s escape sequences as text in a terminal, and keeps them in --json', async () => {
    const plain = await steward(['ask', 'escape please']);
    expect(plain).toEqual({ code: 0, stdout: 'Hello red world!\n', stderr: '' });
    const json = await steward(['ask', '--json', 'escape please']);
    expect((JSON.parse(json.stdout) as { text: string }).text).toBe(ESCAPED);
  });

  it('says so when the answer is empty, with a failing exit status', async () => {
    const asked = await steward(['ask', 'say nothing']);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('steward: the model gave an empty answer');
    const chatted = await steward(['chat', '--new'], 'say nothing\n');
    expect(chatted.code).toBe(1);
    expect(chatted.stderr).toContain('the model gave an empty answer');
    const called = await errorOf(
      callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: 'io.github.steward.Steward1.Chat',
        member: 'Ask',
        signature: 's',
        body: ['say nothing'],
      }),
    );
    expect(called.type).toBe('io.github.steward.Steward1.Error.InvalidOutput');
    expect(called.text).toContain('the model gave an empty answer');
  });

  it('sends chat’s generation and tool options to the model', async () => {
    const chatted = await steward(
      ['chat', '--new', '--temperature', '0.25', '--seed', '7', '--max-tokens', '40', '--no-tools'],
      'hello there\n',
    );
    expect(chatted.code).toBe(0);
    const body = endpoint.requests.at(-1)?.body;
    expect(body).toEqual(jasmine.objectContaining({ temperature: 0.25, seed: 7, max_tokens: 40 }));
    expect(body?.tools ?? []).toEqual([]);
    await steward(['chat', '--new', '--require-tool'], 'hello again\n');
    expect(endpoint.requests.at(-1)?.body.tool_choice).toBe('required');
  });

  it('gives the reason when a required tool fails', async () => {
    const asked = await steward(['ask', '--require-tool', 'use a tool']);
    expect(asked.stderr).toContain('✗ consulting a tool: the model asked for a tool that does not exist\n');
    expect(asked.stdout).toBe('I could not look.\n');
  });

  it('says an answer stopped with Ctrl+C was stopped', async () => {
    let interrupted = false;
    const asked = await steward(['ask', 'a long one'], '', (child) => {
      if (!interrupted) child.kill('SIGINT');
      interrupted = true;
    });
    expect(asked.code).toBe(130);
    expect(asked.stderr).toContain('Stopped; the answer above is incomplete.');
    expect(asked.stdout.length).toBeLessThan(LONG.length);
  });

  it('spins while waiting for the first words, only on a terminal', async () => {
    const { code, output } = await inTerminal([process.execPath, CLI_SCRIPT, 'ask', 'hello terminal'], env);
    expect(code).toBe(0);
    expect(output).toContain('⠋ waiting for the model…\r\u001b[K');
    expect(output).toContain('You said: hello terminal');
    expect(output).toContain('(continue with: steward ask --session ');
    const piped = await steward(['ask', 'hello pipe']);
    expect(piped.stdout + piped.stderr).not.toContain('waiting for the model');
  });

  it('lists no conversation whose only question failed', async () => {
    const before = await sessions();
    endpoint.failWith({ status: 500, message: 'overloaded' });
    try {
      const asked = await steward(['ask', 'this one fails']);
      expect(asked.code).toBe(1);
      expect(asked.stderr).toMatch(/^steward: .+\n$/);
    } finally {
      endpoint.failWith(null);
    }
    expect(await sessions()).toEqual(before);
  });

  it('starts a conversation for each ask unless told to continue, and names them by prefix', async () => {
    const before = (await sessions()).length;
    await steward(['ask', 'first question']);
    await steward(['ask', 'second question']);
    const after = await sessions();
    expect(after.length).toBe(before + 2);
    const latest = after[0]?.id ?? '';
    await steward(['ask', '--continue', 'third question']);
    expect((await sessions()).length).toBe(before + 2);
    const prefix = latest.slice(0, 8);
    expect((await steward(['sessions'])).stdout).toContain(`${prefix}  `);
    const shown = await steward(['sessions', 'show', prefix]);
    expect(shown.stdout).toContain('second question');
    expect(shown.stdout).toContain('You said: third question');
    await steward(['ask', '--session', prefix, 'fourth question']);
    expect((await steward(['sessions', 'show', prefix])).stdout).toContain('fourth question');
    expect(await steward(['sessions', 'rm', prefix])).toEqual({
      code: 0,
      stdout: `Deleted conversation ${latest}.\n`,
      stderr: '',
    });
    const gone = await steward(['sessions', 'show', prefix, '--json']);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stdout)).toEqual({
      error: {
        name: 'io.github.steward.Steward1.Error.NotFound',
        message: `there is no conversation “${prefix}”; “steward sessions” lists them`,
      },
    });
    expect((await steward(['sessions', 'show', ''])).code).toBe(1);
  });
});
