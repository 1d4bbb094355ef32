// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The measured path: the real service on a private bus, driven as a client
// would drive it (Chat.Send, then ResponseChunk and ResponseDone signals).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import type { PrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';

const CHAT = 'io.github.steward.Steward1.Chat';

export interface Sampling {
  maxTokens: number;
  temperature: number;
  seed: number;
}

/** One streamed answer: times in ms, tokens as counted by node-llama-cpp's token meter. */
export interface StreamRun {
  ttftMs: number;
  /** From the first chunk to the end of the answer. */
  streamMs: number;
  tokens: number;
  text: string;
  /** The worker's own time to first token (service runs only), to tell its share from the transport's. */
  workerTtftMs?: number;
  /** The worker's own tokens/s, from its first text to its end (service runs only). */
  workerTokensPerSecond?: number;
  /** How long making the LlamaChatSession took (direct runs only). */
  sessionMs?: number;
  /** Prompt tokens evaluated for this answer (a reused prefix is not counted). */
  promptTokens?: number;
  /** The session the answer belongs to (service runs only), for a follow-up. */
  sessionId?: string;
  /** The tools the model called (service runs only), and what the service said about the answer. */
  toolsCalled?: string[];
  notice?: string;
}

/** How the service is asked: with the assistant's tools or not, and in which session ('' for a new one). */
export interface SendOptions {
  tools?: boolean;
  toolChoice?: 'auto' | 'required';
  sessionId?: string;
}

interface Pending {
  firstChunkAt?: number;
  doneAt?: number;
  status?: string;
  text?: string;
  tokens?: number;
  workerTtftMs?: number;
  workerTokensPerSecond?: number;
  promptTokens?: number;
  toolsCalled: string[];
  notice?: string;
  error?: string;
}

export interface BenchService {
  service: RunningService;
  /** Makes `file` in the model store the active model (it loads on the first request). */
  setActive(file: string): Promise<void>;
  /** Sends `prompt` in a new session and follows it to its end. */
  run(prompt: string, sampling: Sampling, send?: SendOptions): Promise<StreamRun>;
  engineStatus(): Promise<Record<string, unknown>>;
  /** Chat.Prepare: loads the model ahead of a question; resolves with the EngineState it answered. */
  prepare(): Promise<string>;
  /** Chat.Unload: the next question is a cold one. */
  unload(): Promise<void>;
  /** Where the service keeps the evaluated prompt between loads. */
  promptStateDir: string;
  stop(): Promise<void>;
}

export async function startBenchService(
  bus: PrivateBus,
  home: string,
  inference: Record<string, unknown>,
): Promise<BenchService> {
  await mkdir(join(home, 'config', 'steward'), { recursive: true });
  await writeFile(join(home, 'config', 'steward', 'config.json'), JSON.stringify({ inference }));
  const env = {
    ...homeEnv(home),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    OLLAMA_MODELS: join(home, 'none'),
  };
  const service = spawnService(bus.address, env);
  const client: MessageBus = await bus.connect();
  await waitUntilReady(client, service);

  // Signals may come before Send's reply names the request, so gather them by id from the start.
  const pending = new Map<string, Pending>();
  const entry = (id: string) => {
    let found = pending.get(id);
    if (!found) pending.set(id, (found = { toolsCalled: [] }));
    return found;
  };
  const router = new SignalRouter(client);
  await router.subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
    const now = performance.now();
    const id = body[0] as string;
    if (message.member === 'ResponseChunk') entry(id).firstChunkAt ??= now;
    if (message.member === 'ToolStep' && body[4] === 'running') entry(id).toolsCalled.push(body[2] as string);
    if (message.member === 'ResponseDone') {
      const usage = body[4] as Record<string, Variant>;
      Object.assign(entry(id), {
        doneAt: now,
        status: body[2] as string,
        text: body[3] as string,
        tokens: usage['completion-tokens']?.value as number | undefined,
        workerTtftMs: usage['time-to-first-token-ms']?.value as number | undefined,
        workerTokensPerSecond: usage['tokens-per-second']?.value as number | undefined,
        promptTokens: usage['prompt-tokens']?.value as number | undefined,
        notice: body[5] as string,
        error: body[7] as string,
      });
    }
  });

  const call = (member: string, signature = '', args: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body: args });

  return {
    service,
    async setActive(file) {
      await callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: 'io.github.steward.Steward1.Models',
        member: 'SetActive',
        signature: 's',
        body: [`store:${file}`],
      });
    },
    async run(prompt, sampling, send = {}) {
      const options: Record<string, Variant> = {
        'max-tokens': new Variant('u', sampling.maxTokens),
        temperature: new Variant('d', sampling.temperature),
        seed: new Variant('u', sampling.seed),
      };
      if (send.tools !== undefined) options.tools = new Variant('b', send.tools);
      if (send.toolChoice) options['tool-choice'] = new Variant('s', send.toolChoice);
      const sent = performance.now();
      const [sessionId, requestId] = (await call('Send', 'ssa{sv}', [send.sessionId ?? '', prompt, options])) as [
        string,
        string,
      ];
      // A cold start loads the model first, and a realistic model on a CPU takes minutes over a long prompt.
      await waitFor(() => entry(requestId).doneAt !== undefined, `the end of ${requestId}`, 600_000);
      const result = entry(requestId);
      pending.delete(requestId);
      if (result.status !== 'done' || result.firstChunkAt === undefined || result.tokens === undefined) {
        throw new Error(`request ${requestId} ended ${result.status ?? '?'}: ${result.error ?? ''}`);
      }
      return {
        ttftMs: result.firstChunkAt - sent,
        streamMs: result.doneAt! - result.firstChunkAt,
        tokens: result.tokens,
        text: result.text ?? '',
        workerTtftMs: result.workerTtftMs,
        workerTokensPerSecond: result.workerTokensPerSecond,
        promptTokens: result.promptTokens,
        sessionId,
        toolsCalled: result.toolsCalled,
        notice: result.notice,
      };
    },
    async engineStatus() {
      const [status] = await call('GetEngineStatus');
      return Object.fromEntries(Object.entries(status as Record<string, Variant>).map(([k, v]) => [k, v.value]));
    },
    async prepare() {
      const [state] = await call('Prepare');
      return state as string;
    },
    async unload() {
      await call('Unload');
    },
    promptStateDir: join(home, 'cache', 'steward', 'prompt-state'),
    async stop() {
      await service.stop();
      client.disconnect();
    },
  };
}
