// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { cleanText } from '../../service/src/untrustedText.js';
import { errorOf } from '../support/errors.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  activateModel,
  BUS_NAME,
  CLI_SCRIPT,
  gdbusCall,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const ERROR = 'io.github.steward.Steward1.Error';

interface Response {
  chunks: string[];
  positions: number[];
  done?: {
    session: string;
    status: string;
    text: string;
    usage: Record<string, Variant>;
    notice: string;
    error: string;
    message: string;
  };
}

/** The tiny model stops after a few tokens when sampled greedily; this prompt and seed run on to the limit. */
const LONG_PROMPT = 'Tell me everything about the network';
// Without tools: the system prompt and tool block would change what the random model says after it.
const LONG = {
  'max-tokens': new Variant('u', 400),
  temperature: new Variant('d', 1.5),
  seed: new Variant('u', 16),
  tools: new Variant('b', false),
};

/** Runs the steward command on the test bus, recording each piece of output as it arrives. */
function steward(address: string, ...args: string[]) {
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pieces: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => pieces.push(data));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  // Decoded once at the end: a piece can end inside a multi-byte character.
  return new Promise<{ code: number | null; pieces: Buffer[]; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, pieces, stdout: Buffer.concat(pieces).toString(), stderr })),
  );
}

async function startChatService(home: string, bus: PrivateBus, inference: Record<string, unknown>) {
  await mkdir(join(home, 'config', 'steward'), { recursive: true });
  await writeFile(
    join(home, 'config', 'steward', 'config.json'),
    JSON.stringify({ inference: { gpu: 'off', threads: 1, contextSize: 1024, maxAnswerTokens: 24, ...inference } }),
  );
  const env = { ...homeEnv(home), XDG_DATA_HOME: join(home, 'data'), OLLAMA_MODELS: join(home, 'none') };
  const service = spawnService(bus.address, env);
  return service;
}

describe('the Chat interface on the bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;
  let router: SignalRouter;
  const responses = new Map<string, Response>();

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });
  const send = async (session: string, prompt: string, options: Record<string, Variant> = {}) => {
    const [sessionId, requestId] = (await call('Send', 'ssa{sv}', [session, prompt, options])) as [string, string];
    return { sessionId, requestId };
  };
  const response = (id: string): Response => {
    let entry = responses.get(id);
    if (!entry) responses.set(id, (entry = { chunks: [], positions: [] }));
    return entry;
  };
  const finished = async (id: string) => {
    await waitFor(() => response(id).done !== undefined, `the end of ${id}`);
    return response(id);
  };
  const engineStatus = async () => {
    const [status] = await call('GetEngineStatus');
    return Object.fromEntries(Object.entries(status as Record<string, Variant>).map(([k, v]) => [k, v.value]));
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    router = new SignalRouter(client);
    await router.subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
      const [id] = body as [string];
      if (message.member === 'ResponseChunk') response(id).chunks.push(body[1] as string);
      if (message.member === 'QueuePosition') response(id).positions.push(body[1] as number);
      if (message.member === 'ResponseDone') {
        const [, session, status, text, usage, notice, error, errorMessage] = body as string[];
        response(id).done = {
          session: session!,
          status: status!,
          text: text!,
          usage: usage as unknown as Record<string, Variant>,
          notice: notice!,
          error: error!,
          message: errorMessage!,
        };
      }
    });
    await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
    await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'), { endsOnlyAtLimit: true });
    service = await startChatService(home.path, bus, {});
    await waitUntilReady(client, service);
    await activateModel(client, 'store:tiny.gguf');
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('streams an answer in coalesced chunks and ends it with the full text and usage', async () => {
    const { sessionId, requestId } = await send('', LONG_PROMPT, LONG);
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { chunks, done } = await finished(requestId);
    expect(done?.status).toBe('done');
    expect(done?.session).toBe(sessionId);
    expect(done?.text).toBe(chunks.join(''));
    const completionTokens = done?.usage['completion-tokens']?.value as number;
    expect(completionTokens).toBeGreaterThan(50);
    // Coalesced: far fewer signals than tokens.
    expect(chunks.length).toBeLessThan(completionTokens / 2);
    // Only the tokens evaluated now are counted: a prompt another spec sent before may be reused whole.
    expect(done?.usage['prompt-tokens']?.value).toBeGreaterThanOrEqual(0);
    expect(done?.usage['tokens-per-second']?.value).toBeGreaterThan(0);
    expect(done?.usage['time-to-first-token-ms']?.value).toBeGreaterThanOrEqual(0);
    expect(done?.usage['dropped-turns']?.value).toBe(0);
    expect(done?.error).toBe('');
  });

  it('continues a conversation and gives back its history', async () => {
    const first = await send('', 'What failed at boot?');
    await finished(first.requestId);
    const second = await send(first.sessionId, 'And why?');
    expect(second.sessionId).toBe(first.sessionId);
    const done = (await finished(second.requestId)).done!;
    expect(done.status).toBe('done');
    // The worker reuses what it evaluated for the first question, so the follow-up evaluates only its new tokens.
    expect(done.usage['prompt-tokens']!.value).toBeGreaterThan(0);

    const [history] = await call('GetHistory', 's', [first.sessionId]);
    const messages = (history as Record<string, Variant>[]).map((m) => [m.role!.value, m.text!.value]);
    expect(messages).toEqual([
      ['user', 'What failed at boot?'],
      ['assistant', response(first.requestId).done!.text],
      ['user', 'And why?'],
      ['assistant', done.text],
    ]);
  });

  it('cancels an answer mid-stream and keeps what was said', async () => {
    const { sessionId, requestId } = await send('', LONG_PROMPT, LONG);
    await waitFor(() => response(requestId).chunks.length > 0, 'the first chunk');
    await call('Cancel', 's', [requestId]);
    const { done, chunks } = await finished(requestId);
    expect(done?.status).toBe('cancelled');
    expect(done?.text).toBe(chunks.join(''));
    expect(done?.usage['completion-tokens']?.value).toBeLessThan(400);
    const [history] = await call('GetHistory', 's', [sessionId]);
    expect((history as unknown[]).length).toBe(2);
    expect((await errorOf(call('Cancel', 's', [requestId]))).type).toBe(`${ERROR}.NotFound`);
  });

  it('answers one request per session at a time', async () => {
    const { sessionId, requestId } = await send('', LONG_PROMPT, LONG);
    const busy = await errorOf(send(sessionId, 'Second'));
    expect(busy.type).toBe(`${ERROR}.Busy`);
    expect(busy.text).toContain(requestId);
    await call('Cancel', 's', [requestId]);
    await finished(requestId);
  });

  it('queues requests beyond the sequences and reports their place in line', async () => {
    const a = await send('', LONG_PROMPT, LONG);
    const b = await send('', LONG_PROMPT, LONG);
    const c = await send('', 'Three');
    await waitFor(() => response(c.requestId).positions.length > 0, 'a queue position');
    expect(response(c.requestId).positions[0]).toBe(1);
    expect((await engineStatus())['queued-requests']).toBe(1);
    await call('Cancel', 's', [a.requestId]);
    expect((await finished(c.requestId)).done?.status).toBe('done');
    await call('Cancel', 's', [b.requestId]);
    await finished(b.requestId);
  });

  it('constrains an answer to a JSON schema and validates it', async () => {
    const schema = z.toJSONSchema(z.object({ healthy: z.boolean() }));
    const { requestId } = await send('', 'Is the disk healthy?', {
      'json-schema': new Variant('s', JSON.stringify(schema)),
      'max-tokens': new Variant('u', 64),
    });
    const { done } = await finished(requestId);
    expect(done?.status).toBe('done');
    expect(JSON.parse(done!.text)).toEqual({ healthy: jasmine.any(Boolean) });
  });

  it('says so when older messages no longer fit the context', async () => {
    let session = '';
    for (let turn = 0; turn < 5; turn += 1) {
      const sent = await send(session, `Turn ${turn}: ${'my disk is full and the network is down '.repeat(8)}`);
      session = sent.sessionId;
      await finished(sent.requestId);
    }
    const last = await send(session, 'What now?');
    const { done } = await finished(last.requestId);
    expect(done?.status).toBe('done');
    expect(done?.usage['dropped-turns']?.value).toBeGreaterThan(0);
    expect(done?.notice).toMatch(/oldest messages? (was|were) left out/);
  });

  it('answers Ask with the whole answer, as scripts use it through gdbus', async () => {
    // The tiny model's words are noise and may be none: then Ask says so with its named error (the scripted
    // endpoint in cliChat.spec checks that case on purpose), and a script sees it on stderr.
    const result = await gdbusCall(bus.address, `${CHAT}.Ask`, 'Why is it slow?').then(
      ({ stdout }) => stdout,
      (error: { stderr: string }) => error.stderr,
    );
    expect(result).toMatch(/^\('.+',\)\n$|^Error: GDBus\.Error:io\.github\.steward\.Steward1\.Error\.InvalidOutput: /s);
  });

  it('lets gdbus start a chat, follow its chunks and its end', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const monitor = spawn('gdbus', ['monitor', '--session', '--dest', BUS_NAME, '--object-path', OBJECT_PATH], { env });
    const lines: string[] = [];
    createInterface({ input: monitor.stdout }).on('line', (line) => lines.push(line));
    await waitFor(() => lines.some((line) => line.startsWith('Monitoring signals')), 'gdbus monitor');
    const { stdout } = await gdbusCall(bus.address, `${CHAT}.Send`, '', 'Hello', '{}');
    const requestId = /^\('[0-9a-f-]+', '([0-9a-f-]+)'\)$/.exec(stdout.trim())?.[1];
    expect(requestId).toBeDefined();
    await waitFor(
      () => lines.some((line) => line.includes(`${CHAT}.ResponseDone ('${requestId}'`)),
      'ResponseDone in gdbus monitor',
    );
    monitor.kill();
    expect(lines.some((line) => line.includes(`${CHAT}.ResponseChunk ('${requestId}'`))).toBeTrue();
    expect(lines.find((line) => line.includes('ResponseDone'))).toContain("'done'");
  });

  it('refuses an Ask longer than the context by name, and keeps serving', async () => {
    // From just past the context to the longest message Send takes: the rejection's timing varies with the size.
    const sizes = [140, 400, 1000, 2800];
    const asked = await Promise.all(
      sizes.map((n) => errorOf(call('Ask', 's', ['Why does the disk fill up so fast? '.repeat(n)]))),
    );
    for (const error of asked) {
      expect(error.type).toBe(`${ERROR}.InvalidArgs`);
      expect(error.text).toContain('too long for this model');
    }
    expect(service.process.exitCode).toBeNull();
    const [answer] = (await call('Ask', 's', ['Hello?'])) as [string];
    expect(typeof answer).toBe('string');
  });

  it('drops an Ask whose caller has gone', async () => {
    const busy = [await send('', LONG_PROMPT, LONG), await send('', LONG_PROMPT, LONG)];
    await waitFor(async () => (await engineStatus())['active-requests'] === 2, 'both sequences to be busy');
    const caller = await bus.connect();
    // Its reply never comes: the connection closes before.
    void callMethod(
      caller,
      { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member: 'Ask', signature: 's', body: ['Hello?'] },
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    await waitFor(async () => (await engineStatus())['queued-requests'] === 1, 'the question to wait in line');
    caller.disconnect();
    await waitFor(async () => (await engineStatus())['queued-requests'] === 0, 'the question to leave the line');
    expect((await engineStatus())['active-requests']).toBe(2);
    for (const { requestId } of busy) {
      await call('Cancel', 's', [requestId]);
      await finished(requestId);
    }
  });

  it('survives the worker being killed mid-answer: the answers in progress fail with their text kept, those in line are answered', async () => {
    const running = [await send('', LONG_PROMPT, LONG), await send('', LONG_PROMPT, LONG)];
    const waiting = [await send('', 'Three'), await send('', 'Four')];
    await waitFor(() => response(running[0]!.requestId).chunks.length > 0, 'the first chunk');
    await waitFor(() => response(waiting[1]!.requestId).positions.length > 0, 'a queue position');
    process.kill((await engineStatus())['worker-pid'] as number, 'SIGKILL');
    for (const { requestId } of running) {
      const { done, chunks } = await finished(requestId);
      expect(done?.status).toBe('failed');
      expect(done?.error).toBe(`${ERROR}.Unavailable`);
      expect(done?.message).toContain('stopped unexpectedly');
      expect(done?.text).toBe(chunks.join(''));
    }
    const first = await finished(running[0]!.requestId);
    expect(first.done?.text).not.toBe('');
    expect(first.done?.notice).toBe('The answer was cut short: it failed before it was finished.');
    const [history] = await call('GetHistory', 's', [running[0]!.sessionId]);
    expect((history as Record<string, Variant>[]).map((m) => [m.role?.value, m.text?.value])).toEqual([
      ['user', LONG_PROMPT],
      ['assistant', first.done?.text],
    ]);
    for (const { requestId } of waiting) {
      const { done, chunks } = await finished(requestId);
      expect(done?.status).toBe('done');
      expect(done?.text).toBe(chunks.join(''));
    }
    expect(service.process.exitCode).toBeNull();
    const next = await send('', 'Hello again');
    expect((await finished(next.requestId)).done?.status).toBe('done');
  });

  it('reports the engine and unloads the model on request', async () => {
    const { requestId } = await send('', 'Hello');
    await finished(requestId);
    const status = await engineStatus();
    expect(status).toEqual(
      jasmine.objectContaining({
        state: 'ready',
        location: 'local',
        'data-leaves-computer': false,
        backend: 'cpu',
        threads: 1,
        sequences: 2,
        'gpu-layers': 0,
        // On, attention over the assistant's long fixed prompt cost twice as much per token on the CPU.
        'flash-attention': 'off',
      }),
    );
    expect(status['context-size']).toBeGreaterThanOrEqual(1024);
    const pid = status['worker-pid'] as number;
    await call('Unload');
    await waitFor(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the worker to exit');
    expect((await engineStatus()).state).toBe('unloaded');
    expect((await engineStatus())['worker-pid']).toBeUndefined();
  });

  it('loads the model on Prepare, before the question is sent, and says so while it loads', async () => {
    await call('Unload');
    expect((await engineStatus()).state).toBe('unloaded');
    const states: string[] = [];
    const stopWatching = await router.subscribe(
      { interface: 'org.freedesktop.DBus.Properties', path: OBJECT_PATH, member: 'PropertiesChanged' },
      (body) => {
        const changed = body[1] as Record<string, Variant>;
        if (body[0] === CHAT && changed.EngineState) states.push(changed.EngineState.value as string);
      },
    );

    const [state] = await call('Prepare');
    expect(state).toBe('loading');
    await waitFor(async () => (await engineStatus()).state === 'ready', 'the prepared engine');
    const status = await engineStatus();
    expect(status['worker-pid']).toBeDefined();
    await waitFor(() => states.includes('ready'), 'EngineState to say ready');
    expect(states[0]).toBe('loading');

    // Already loaded: nothing to load again; at most the worker checks that the prompt's start is evaluated.
    expect(await call('Prepare')).toEqual([jasmine.stringMatching(/^(ready|loading)$/)]);
    await waitFor(async () => (await engineStatus()).state === 'ready', 'the prepared engine');
    const { requestId } = await send('', 'Hello');
    expect((await finished(requestId)).done?.status).toBe('done');
    expect((await engineStatus())['worker-pid']).toBe(status['worker-pid']);
    await stopWatching();
  }, 30_000);

  it('refuses requests while paused and says so in its properties', async () => {
    await call('SetPaused', 'b', [true]);
    const [paused] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'GetAll',
      signature: 's',
      body: [CHAT],
    });
    expect((paused as Record<string, Variant>).Paused?.value).toBeTrue();
    expect((paused as Record<string, Variant>).EngineState?.value).toBe('paused');
    const error = await errorOf(send('', 'Hello'));
    expect(error.type).toBe(`${ERROR}.Unavailable`);
    expect(error.text).toContain('paused');
    expect((await errorOf(call('Prepare'))).type).toBe(`${ERROR}.Unavailable`);
    await call('SetPaused', 'b', [false]);
    const { requestId } = await send('', 'Hello');
    expect((await finished(requestId)).done?.status).toBe('done');
  });

  it('answers bad arguments with named errors', async () => {
    const cases: [string, string, unknown[], string, RegExp][] = [
      ['Send', 'ssa{sv}', ['nope', 'hi', {}], 'InvalidArgs', /session_id/],
      ['Send', 'ssa{sv}', ['', '   ', {}], 'InvalidArgs', /empty/],
      ['Send', 'ssa{sv}', ['', 'hi', { 'max-tokens': new Variant('s', 'many') }], 'InvalidArgs', /max-tokens/],
      ['Send', 'ssa{sv}', ['', 'hi', { colour: new Variant('s', 'red') }], 'InvalidArgs', /colour/],
      ['Send', 'ssa{sv}', ['', 'hi', { 'json-schema': new Variant('s', '{') }], 'InvalidArgs', /json-schema/],
      ['Send', 'ssa{sv}', ['00000000-0000-4000-8000-000000000000', 'hi', {}], 'NotFound', /session/],
      ['Send', 'ss', ['', 'hi'], 'InvalidArgs', /ssa\{sv\}/],
      ['Cancel', 's', ['nope'], 'InvalidArgs', /request_id/],
      ['Cancel', 's', ['00000000-0000-4000-8000-000000000000'], 'NotFound', /no answer/],
      ['Ask', 's', [''], 'InvalidArgs', /empty/],
      ['GetHistory', 's', ['00000000-0000-4000-8000-000000000000'], 'NotFound', /session/],
      ['DeleteSession', 's', ['x'], 'InvalidArgs', /session_id/],
      ['SetPaused', 's', ['yes'], 'InvalidArgs', /\(b\)/],
    ];
    for (const [member, signature, body, name, pattern] of cases) {
      const error = await errorOf(call(member, signature, body));
      expect(error.type)
        .withContext(`${member} ${JSON.stringify(body)}`)
        .toBe(`${ERROR}.${name}`);
      expect(error.text).withContext(member).toMatch(pattern);
      expect(error.text).not.toContain('    at ');
    }
  });

  it('streams steward ask to the terminal as the answer is generated', async () => {
    const { code, pieces, stdout } = await steward(
      bus.address,
      'ask',
      '--max-tokens=300',
      '--temperature=1.5',
      '--seed=16',
      LONG_PROMPT,
    );
    expect(code).toBe(0);
    expect(pieces.length).toBeGreaterThan(2);
    // The tiny random model's answer length varies with what earlier specs left in its context, so the check
    // is that the terminal got every chunk the service sent, cleaned of control characters, not a length.
    const [sessions] = await call('ListSessions');
    const session = (sessions as Record<string, Variant>[])[0]!.id!.value as string;
    const request = [...responses.values()].find((r) => r.done?.session === session)!;
    expect(request.chunks.length).toBeGreaterThan(2);
    const shown = request.chunks.map((chunk) => cleanText(chunk)).join('');
    expect(stdout).toBe(shown.endsWith('\n') ? shown : `${shown}\n`);
  });

  it('continues a conversation from the command line, with --json for scripts', async () => {
    const first = await steward(bus.address, 'ask', '--json', 'What failed?');
    expect(first.code).toBe(0);
    const answer = JSON.parse(first.stdout) as { session: string; status: string; usage: Record<string, number> };
    expect(answer.status).toBe('done');
    expect(answer.usage['completion-tokens']).toBeGreaterThan(0);
    const second = await steward(bus.address, 'ask', '--json', '--session', answer.session, 'Why?');
    expect((JSON.parse(second.stdout) as { session: string }).session).toBe(answer.session);
    const [history] = await call('GetHistory', 's', [answer.session]);
    expect((history as unknown[]).length).toBe(4);
  });

  it('refuses a bad steward ask option before asking', async () => {
    const { code, stderr } = await steward(bus.address, 'ask', '--seed=many', 'Hello');
    expect(code).toBe(2);
    expect(stderr).toContain('--seed needs a number');
  });

  it('forgets a deleted session', async () => {
    const { sessionId, requestId } = await send('', 'Hello');
    await finished(requestId);
    await call('DeleteSession', 's', [sessionId]);
    expect((await errorOf(call('GetHistory', 's', [sessionId]))).type).toBe(`${ERROR}.NotFound`);
  });
});

describe('the Chat interface without a model', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    service = await startChatService(home.path, bus, {});
    await waitUntilReady(client, service);
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });

  it('says it is unconfigured and refuses at once, pointing to the model commands', async () => {
    await waitFor(async () => {
      const [status] = await call('GetEngineStatus');
      return (status as Record<string, Variant>).state?.value === 'unconfigured';
    }, 'the unconfigured state');
    const started = Date.now();
    const asked = await errorOf(call('Ask', 's', ['Hello?']));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(asked.type).toBe(`${ERROR}.Unavailable`);
    expect(asked.text).toContain('steward models recommend');
    expect((await errorOf(call('Send', 'ssa{sv}', ['', 'Hello?', {}]))).type).toBe(`${ERROR}.Unavailable`);
    const cli = await steward(bus.address, 'ask', 'Hello?');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('no model is set up');
  });
});

describe('the Chat interface with a remote endpoint', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let client: MessageBus;
  let endpoint: OpenAIServer;
  const done = new Map<string, string[]>();
  const chunks = new Map<string, string[]>();

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    endpoint = await startOpenAIServer({ models: ['llama3'], apiKey: 'sk-test-remote', chunkDelayMs: 5 });
    const keyFile = join(home.path, 'key');
    await writeFile(keyFile, 'sk-test-remote\n');
    await chmod(keyFile, 0o600);
    await new SignalRouter(client).subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
      const id = body[0] as string;
      if (message.member === 'ResponseChunk') chunks.set(id, [...(chunks.get(id) ?? []), body[1] as string]);
      if (message.member === 'ResponseDone') done.set(id, body as string[]);
    });
    service = await startChatService(home.path, bus, {
      engine: 'remote',
      remote: { url: endpoint.url, model: 'llama3', apiKeyFile: keyFile },
    });
    await waitUntilReady(client, service);
  });

  afterAll(async () => {
    await service.stop();
    await endpoint.close();
    await bus.stop();
    await home.remove();
  });

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });

  it("streams the endpoint's answer with the key from the 0600 file, and says data leaves the computer", async () => {
    const [, requestId] = (await call('Send', 'ssa{sv}', ['', 'Is the disk full?', {}])) as string[];
    await waitFor(() => done.has(requestId!), 'the answer');
    const [, , status, text] = done.get(requestId!)!;
    expect(status).toBe('done');
    expect(text).toBe(chunks.get(requestId!)!.join(''));
    expect(text!.length).toBeGreaterThan(0);
    const request = endpoint.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer sk-test-remote');
    expect(request.body.model).toBe('llama3');
    expect(request.body.messages.at(-1)).toEqual({ role: 'user', content: 'Is the disk full?' });

    const [status2] = await call('GetEngineStatus');
    const engine = status2 as Record<string, Variant>;
    expect(engine.location?.value).toBe('remote');
    expect(engine['data-leaves-computer']?.value).toBeTrue();
    expect(engine.endpoint?.value).toBe(endpoint.url);
    const cli = await new Promise<string>((resolve) => {
      let out = '';
      const child = spawn(process.execPath, [CLI_SCRIPT, 'status'], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
      });
      child.stdout.on('data', (data: Buffer) => (out += data.toString()));
      child.on('close', () => resolve(out));
    });
    expect(cli).toContain(`remote ${endpoint.url} — prompts leave this computer`);
  });

  it('gets structured answers from the endpoint and validates them', async () => {
    const schema = z.toJSONSchema(z.object({ full: z.boolean() }));
    const [, requestId] = (await call('Send', 'ssa{sv}', [
      '',
      'Is the disk full?',
      { 'json-schema': new Variant('s', JSON.stringify(schema)) },
    ])) as string[];
    await waitFor(() => done.has(requestId!), 'the answer');
    expect(done.get(requestId!)![2]).toBe('done');
    expect(JSON.parse(done.get(requestId!)![3]!)).toEqual({ full: true });
    expect(endpoint.requests.at(-1)!.body.response_format?.type).toBe('json_schema');
  });
});
