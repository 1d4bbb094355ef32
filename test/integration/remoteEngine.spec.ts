// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

import { StewardError } from '../../service/src/dbus/errors.js';
import type { ChatCallbacks } from '../../service/src/engine/chatEngine.js';
import type { ChatRequest } from '../../service/src/engine/protocol.js';
import { settingsRedactor } from '../../service/src/engine/redact.js';
import { RemoteEngine, type RemoteEngineOptions } from '../../service/src/engine/remote.js';
import { createLogger } from '../../service/src/logging.js';
import {
  type OpenAIServer,
  type OpenAIServerOptions,
  type RecordedRequest,
  startOpenAIServer,
} from '../support/openaiServer.js';
import { waitFor } from '../support/service.js';

const API_KEY = 'sk-steward-test-0123456789';

/** A loopback port nothing listens on: taken, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failureOf(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StewardError) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('the remote inference engine', () => {
  let server: OpenAIServer;
  let engine: RemoteEngine;
  let logLines: string[];

  afterEach(async () => {
    await engine.unload();
    await server.close();
  });

  async function setUp(serverOptions: OpenAIServerOptions = {}, engineOptions: Partial<RemoteEngineOptions> = {}) {
    server = await startOpenAIServer({ apiKey: API_KEY, ...serverOptions });
    logLines = [];
    engine = new RemoteEngine({ ...engineDefaults(), ...engineOptions });
  }

  /** Starts a request and records its chunks and queue positions. */
  function chat(request: Partial<ChatRequest> = {}) {
    const chunks: string[] = [];
    const positions: number[] = [];
    const callbacks: ChatCallbacks = {
      onChunk: (text) => chunks.push(text),
      onQueuePosition: (position) => positions.push(position),
    };
    const handle = engine.chat({ prompt: 'is the disk ok?', maxTokens: 64, ...request }, callbacks);
    return { handle, chunks, positions };
  }

  it('streams the answer in chunks and reports the usage the server counted', async () => {
    await setUp({ answer: () => 'The disk is fine and has room to spare.' });
    const { handle, chunks } = chat();
    const outcome = await handle.result;

    expect(outcome.status).toBe('done');
    expect(outcome.text).toBe('The disk is fine and has room to spare.');
    expect(chunks.length).toBe(9);
    expect(chunks.join('')).toBe(outcome.text);
    expect(outcome.usage.promptTokens).toBe(4);
    expect(outcome.usage.completionTokens).toBe(9);
    expect(outcome.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(outcome.usage.tokensPerSecond).toBeGreaterThan(0);
    expect(outcome.droppedTurns).toBe(0);
    expect(sent(0).headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent(0).body).toEqual(
      jasmine.objectContaining({ model: 'test-model', stream: true, stream_options: { include_usage: true } }),
    );
  });

  it('reports no token counts when the server sends no usage', async () => {
    await setUp({ omitUsage: true });
    const outcome = await chat().handle.result;
    expect(outcome.text).toBe('You said: is the disk ok?');
    expect(outcome.usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      timeToFirstTokenMs: jasmine.any(Number),
      tokensPerSecond: 0,
    });
  });

  it('sends the system prompt, the history and the sampling settings', async () => {
    await setUp();
    await chat({
      systemPrompt: 'You look after this computer.',
      history: [
        { role: 'user', text: 'hello' },
        { role: 'assistant', text: 'hi, how can I help?' },
      ],
      prompt: 'why is it slow?',
      maxTokens: 3,
      temperature: 0.2,
      seed: 7,
    }).handle.result;

    const body = sent(0).body;
    expect(body.messages).toEqual([
      { role: 'system', content: 'You look after this computer.' },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi, how can I help?' },
      { role: 'user', content: 'why is it slow?' },
    ]);
    expect(body).toEqual(jasmine.objectContaining({ max_tokens: 3, temperature: 0.2, seed: 7 }));
    expect(body.response_format).toBeUndefined();
  });

  it('takes secrets out of everything it sends', async () => {
    await setUp();
    await chat({
      systemPrompt: 'Config: password = hunter2hunter2',
      history: [{ role: 'user', text: 'my repo is https://alice:s3cretpw@git.example.com/x.git' }],
      prompt: 'journal says: Authorization: Bearer abcdefghijklmnop0123 was refused',
      maxTokens: 3,
    }).handle.result;

    expect(sent(0).body.messages.map((message) => message.content)).toEqual([
      'Config: password = [REDACTED]',
      'my repo is https://alice:[REDACTED]@git.example.com/x.git',
      'journal says: Authorization: Bearer [REDACTED] was refused',
    ]);
  });

  it("takes out the user's own patterns too, from every message, when given its redactor", async () => {
    await setUp({}, { redact: settingsRedactor(() => [String.raw`ACME-[0-9a-f]{16}`]) });
    await chat({
      systemPrompt: 'ticket ACME-0123456789abcdef',
      history: [{ role: 'user', text: 'see ACME-fedcba9876543210' }],
      prompt: 'ACME-00112233445566aa: password = hunter2hunter2',
      maxTokens: 3,
    }).handle.result;

    expect(sent(0).body.messages.map((message) => message.content)).toEqual([
      'ticket [REDACTED]',
      'see [REDACTED]',
      '[REDACTED]: password = [REDACTED]',
    ]);
  });

  it('stops at the token limit', async () => {
    await setUp({ answer: () => 'one two three four five six' });
    const outcome = await chat({ maxTokens: 3 }).handle.result;
    expect(outcome.text).toBe('one two three ');
    expect(outcome.usage.completionTokens).toBe(3);
  });

  it('asks for JSON of the given schema', async () => {
    await setUp();
    const schema = {
      type: 'object',
      properties: { healthy: { type: 'boolean' }, reason: { type: 'string' } },
      required: ['healthy', 'reason'],
      additionalProperties: false,
    };
    const outcome = await chat({ jsonSchema: schema }).handle.result;

    expect(sent(0).body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true },
    });
    expect(JSON.parse(outcome.text)).toEqual({ healthy: true, reason: 'ok' });
  });

  it('cancels a request mid-stream, ending the HTTP request, and keeps the text so far', async () => {
    await setUp({ chunkDelayMs: 50, answer: () => 'word '.repeat(200) });
    const { handle, chunks } = chat({ maxTokens: 200 });
    await waitFor(() => chunks.length >= 2, 'two chunks');
    handle.cancel();
    const outcome = await handle.result;

    expect(outcome.status).toBe('cancelled');
    expect(outcome.text).toBe(chunks.join(''));
    expect(chunks.length).toBeLessThan(200);
    await waitFor(() => sent(0).aborted, 'the server to see the request end');
    expect(engine.status().activeRequests).toBe(0);
  });

  it('cancels a request before the endpoint answers', async () => {
    await setUp();
    const { handle } = chat();
    handle.cancel();
    const outcome = await handle.result;
    expect(outcome).toEqual(jasmine.objectContaining({ status: 'cancelled', text: '' }));
  });

  it('queues requests beyond its concurrency in order and reports their places in line', async () => {
    await setUp({ chunkDelayMs: 30, answer: (body) => `${body.messages.at(-1)?.content} `.repeat(5) });
    const requests = ['a', 'b', 'c', 'd'].map((prompt) => chat({ prompt }));
    expect(engine.status()).toEqual(jasmine.objectContaining({ activeRequests: 2, queuedRequests: 2 }));
    const outcomes = await Promise.all(requests.map((request) => request.handle.result));

    expect(outcomes.map((outcome) => outcome.text)).toEqual(['a a a a a ', 'b b b b b ', 'c c c c c ', 'd d d d d ']);
    expect(requests[0]!.positions).toEqual([]);
    expect(requests[1]!.positions).toEqual([]);
    expect(requests[2]!.positions).toEqual([1]);
    expect(requests[3]!.positions).toEqual([2, 1]);
    expect(server.maxConcurrent).toBe(2);
    // c and d are sent as a and b finish, so they may reach the server in either order; the positions show the queue's order.
    const received = server.requests.map((request) => request.body.messages.at(-1)?.content);
    expect(received.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(received.slice(2).sort()).toEqual(['c', 'd']);
    expect(engine.status()).toEqual(jasmine.objectContaining({ activeRequests: 0, queuedRequests: 0 }));
  });

  it('cancels a queued request without sending it', async () => {
    await setUp({ chunkDelayMs: 20 }, { concurrency: 1 });
    const first = chat({ prompt: 'first' });
    const second = chat({ prompt: 'second' });
    second.handle.cancel();
    expect(await second.handle.result).toEqual(jasmine.objectContaining({ status: 'cancelled', text: '' }));
    await first.handle.result;
    expect(server.requests.length).toBe(1);
  });

  it('describes itself as a remote engine', async () => {
    await setUp();
    expect(engine.status()).toEqual({
      state: 'ready',
      location: 'remote',
      model: 'test-model',
      endpoint: server.url,
      workerPid: null,
      backend: null,
      cpuFallbackReason: null,
      lastError: null,
      activeRequests: 0,
      queuedRequests: 0,
    });
  });

  it('refuses an invalid request at once', async () => {
    await setUp();
    expect(() => engine.chat({ prompt: 'hi', maxTokens: 0 })).toThrowMatching(
      (error) => error instanceof StewardError && error.errorName === 'InvalidArgs' && /maxTokens/.test(error.message),
    );
  });

  it('fails with Unavailable, naming the URL and the cause, when nothing listens there', async () => {
    await setUp();
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    engine = new RemoteEngine({ ...engineDefaults(), url });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toBe(`cannot reach ${url}: connection refused`);
    expect(engine.status().lastError).toBe(error.message);
  });

  it('fails with Unavailable when the host name does not resolve', async () => {
    await setUp();
    // A short timeout too: without a network, the lookup may hang instead of failing.
    engine = new RemoteEngine({
      ...engineDefaults(),
      url: 'http://steward-no-such-host.invalid/v1',
      requestTimeoutMs: 3000,
    });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toMatch(/^cannot reach http:\/\/steward-no-such-host\.invalid\/v1: /);
  });

  it('fails with Unavailable when the answer takes longer than the request timeout', async () => {
    // Long enough for the request to reach the server on a busy machine, which then holds its answer longer.
    await setUp({ chunkDelayMs: 8_000 }, { requestTimeoutMs: 2_000 });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toBe(`cannot reach ${server.url}: no complete answer within 2 s`);
    await waitFor(() => sent(0).aborted, 'the server to see the request end');
  });

  it('fails with NotAuthorized when the endpoint refuses the key, without repeating the key', async () => {
    await setUp({}, { apiKey: 'sk-wrong-key-9876543210' });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('NotAuthorized');
    expect(error.message).toContain(`${server.url} refused the API key`);
    expect(error.message).not.toContain('sk-wrong-key-9876543210');
    expect(engine.status().lastError).toBe(error.message);
    expect(logLines.join('\n')).toContain('refused the API key');
    expect(logLines.join('\n')).not.toContain('sk-wrong-key-9876543210');
  });

  it('sends no key when it has none', async () => {
    await setUp({ apiKey: undefined }, { apiKey: null });
    await chat().handle.result;
    expect(sent(0).headers.authorization).toBe('Bearer none');
  });

  it('fails with NotFound for a model the endpoint does not serve', async () => {
    await setUp({}, { model: 'no-such-model' });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('NotFound');
    expect(error.message).toContain('no-such-model');
    expect(error.message).toContain(server.url);
    expect(error.message).not.toContain(API_KEY);
  });

  it('fails with Unavailable, giving the status and the server message, for other HTTP errors', async () => {
    await setUp();
    server.failWith({ status: 503, message: 'the model is still loading' });
    const error = await failureOf(chat().handle.result);
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toBe(`${server.url} answered with an error (503): the model is still loading`);

    server.failWith(null);
    await chat().handle.result;
    expect(engine.status().lastError).toBeNull();
  });

  it('refuses requests while paused and answers again once resumed', async () => {
    await setUp({ chunkDelayMs: 50, answer: () => 'word '.repeat(100) });
    const running = chat();
    await waitFor(() => running.chunks.length > 0, 'the first chunk');
    await engine.setPaused(true);

    expect(engine.status().state).toBe('paused');
    const failure = await failureOf(running.handle.result);
    expect(failure.errorName).toBe('Unavailable');
    expect(() => chat()).toThrowMatching(
      (error) => error instanceof StewardError && error.message === 'inference is paused; resume it to chat',
    );

    await engine.setPaused(false);
    expect(engine.status().state).toBe('ready');
    expect((await chat({ maxTokens: 2 }).handle.result).status).toBe('done');
  });

  it('fails requests in progress and in line when unloaded', async () => {
    await setUp({ chunkDelayMs: 50, answer: () => 'word '.repeat(100) }, { concurrency: 1 });
    const running = chat();
    const queued = chat();
    await waitFor(() => running.chunks.length > 0, 'the first chunk');
    await engine.unload();

    for (const request of [running, queued]) {
      const error = await failureOf(request.handle.result);
      expect(error.errorName).toBe('Unavailable');
      expect(error.message).toMatch(/^the engine was unloaded/);
    }
    expect(engine.status()).toEqual(
      jasmine.objectContaining({ state: 'ready', activeRequests: 0, queuedRequests: 0, lastError: null }),
    );
    await waitFor(() => sent(0).aborted, 'the server to see the request end');
  });

  /** The request the server got `index`th. */
  function sent(index: number): RecordedRequest {
    const request = server.requests[index];
    if (!request) throw new Error(`the server got no request #${index}`);
    return request;
  }

  function engineDefaults(): RemoteEngineOptions {
    return {
      url: server.url,
      model: 'test-model',
      apiKey: API_KEY,
      requestTimeoutMs: 10_000,
      concurrency: 2,
      log: createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) }),
    };
  }
});
