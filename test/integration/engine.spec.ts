// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { StewardError } from '../../service/src/dbus/errors.js';
import { type ChatOutcome, CutShortAnswer } from '../../service/src/engine/chatEngine.js';
import { Engine, type EngineOptions } from '../../service/src/engine/supervisor.js';
import { createLogger } from '../../service/src/logging.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const WORKER_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-engine.js');

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the inference engine', () => {
  let dir: TempDir;
  let modelPath: string;
  let engine: Engine;
  let logLines: string[];

  beforeAll(async () => {
    dir = await makeTempDir();
    modelPath = await writeTinyModel(join(dir.path, 'tiny.gguf'), { endsOnlyAtLimit: true });
  });

  afterAll(async () => {
    await dir.remove();
  });

  afterEach(async () => {
    await engine.unload();
  });

  /**
   * A request that runs long enough to interrupt: the tiny model stops after a
   * few tokens when sampled greedily, and runs the full 400 with this seed.
   */
  function longChat() {
    return chat('Tell me everything about the network', 400, { temperature: 1.5, seed: 16 });
  }

  function makeEngine(overrides: Partial<EngineOptions> = {}): Engine {
    logLines = [];
    engine = new Engine({
      modelPath,
      gpu: false,
      sequences: 2,
      threads: 1,
      contextSize: 512,
      idleTimeoutMs: 60_000,
      workerScript: WORKER_SCRIPT,
      restart: { initialDelayMs: 50, maxDelayMs: 200, gpuCrashLimit: 2 },
      log: createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) }),
      ...overrides,
    });
    return engine;
  }

  /** Starts a request and records its chunks and queue positions. */
  function chat(prompt: string, maxTokens = 16, sampling: { temperature?: number; seed?: number } = {}) {
    const chunks: string[] = [];
    const positions: number[] = [];
    const handle = engine.chat(
      { prompt, maxTokens, ...sampling },
      { onChunk: (text) => chunks.push(text), onQueuePosition: (position) => positions.push(position) },
    );
    return { handle, chunks, positions };
  }

  it('starts no worker before the first request', async () => {
    makeEngine();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(engine.status()).toEqual(
      jasmine.objectContaining({ state: 'unloaded', workerPid: null, backend: null, activeRequests: 0 }),
    );
  });

  it('streams a chat answer and reports usage and the backend', async () => {
    makeEngine();
    const states: string[] = [];
    engine.on('status', (status) => states.push(status.state));
    const { handle, chunks } = chat('Is the disk ok?');
    const outcome = await handle.result;

    expect(outcome.status).toBe('done');
    expect(chunks.length).toBeGreaterThan(0);
    expect(outcome.text).toBe(chunks.join(''));
    expect(outcome.usage.promptTokens).toBeGreaterThan(0);
    expect(outcome.usage.completionTokens).toBeGreaterThan(0);
    expect(outcome.usage.completionTokens).toBeLessThanOrEqual(16);
    expect(outcome.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(outcome.usage.tokensPerSecond).toBeGreaterThan(0);
    expect(states).toContain('loading');
    const status = engine.status();
    expect(status.state).toBe('ready');
    expect(status.workerPid).not.toBe(process.pid);
    expect(processExists(status.workerPid!)).toBeTrue();
    expect(status.backend).toEqual(
      jasmine.objectContaining({ backend: 'cpu', threads: 1, sequences: 2, gpuLayers: 0, cpuFallbackReason: null }),
    );
    expect(status.backend!.contextSize).toBeGreaterThan(0);
    expect(status.backend!.vram.total).toBeGreaterThanOrEqual(0);
  });

  it('cancels a request mid-generation and frees its sequence', async () => {
    makeEngine({ sequences: 1 });
    const { handle, chunks } = longChat();
    await waitFor(() => chunks.length > 0, 'the first chunk');
    handle.cancel();
    const outcome = await handle.result;
    expect(outcome.status).toBe('cancelled');
    expect(outcome.usage.completionTokens).toBeLessThan(400);

    const next = await chat('and the disk?').handle.result;
    expect(next.status).toBe('done');
  });

  it('cancels a queued request without running it', async () => {
    makeEngine({ sequences: 1 });
    const first = chat('first', 8);
    const second = chat('second', 8);
    second.handle.cancel();
    expect(await second.handle.result).toEqual(jasmine.objectContaining({ status: 'cancelled', text: '' }));
    expect((await first.handle.result).status).toBe('done');
    expect(second.chunks).toEqual([]);
  });

  it('answers two requests at once on two sequences, each with only its own text', async () => {
    makeEngine({ sequences: 2 });
    // Long enough that both are seen running: the tiny model writes 64 tokens in less than waitFor's 50 ms.
    const first = chat('Is the disk ok?', 400);
    const second = chat('Has the network failed?', 400);
    await waitFor(() => engine.status().activeRequests === 2, 'both requests to run');
    const outcomes: ChatOutcome[] = await Promise.all([first.handle.result, second.handle.result]);

    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    expect(outcomes[0]!.text).toBe(first.chunks.join(''));
    expect(outcomes[1]!.text).toBe(second.chunks.join(''));
    expect(first.positions).toEqual([]);
    expect(second.positions).toEqual([]);
  });

  it('queues a request beyond its sequences and reports its position', async () => {
    makeEngine({ sequences: 1 });
    const first = chat('Is the disk ok?');
    const second = chat('Has the network failed?');
    expect(second.positions).toEqual([1]);
    expect(engine.status().queuedRequests).toBe(1);
    expect((await first.handle.result).status).toBe('done');
    expect((await second.handle.result).status).toBe('done');
    expect(first.positions).toEqual([]);
    expect(second.positions).toEqual([1]);
  });

  it('fails the request in progress when the worker is killed, and restarts it for the next', async () => {
    makeEngine();
    const { handle, chunks } = longChat();
    await waitFor(() => chunks.length > 0, 'the first chunk');
    const firstPid = engine.status().workerPid!;
    process.kill(firstPid, 'SIGKILL');

    const error = await handle.result.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).errorName).toBe('Unavailable');
    expect((error as StewardError).message).toMatch(/^the inference engine stopped unexpectedly; /);
    expect(engine.status()).toEqual(jasmine.objectContaining({ state: 'unloaded', workerPid: null }));
    expect(logLines.join('\n')).toMatch(/inference engine stopped unexpectedly .*signal=SIGKILL/);
    expect(engine.status().lastError).toBe('the inference engine stopped unexpectedly (signal SIGKILL)');

    const next = await chat('and now?').handle.result;
    expect(next.status).toBe('done');
    expect(engine.status().workerPid).not.toBe(firstPid);
    expect(engine.status().cpuFallbackReason).toBeNull();
    expect(engine.status().lastError).toBeNull();
  });

  it('fails only the answer in progress when the worker is killed, keeping its text; those in line move to the new worker', async () => {
    makeEngine({ sequences: 1 });
    const running = longChat();
    const waiting = [chat('Is the disk ok?'), chat('Has the network failed?')];
    await waitFor(() => running.chunks.length > 0, 'the first chunk');
    expect(engine.status()).toEqual(jasmine.objectContaining({ activeRequests: 1, queuedRequests: 2 }));
    const firstPid = engine.status().workerPid!;
    process.kill(firstPid, 'SIGKILL');

    const error = await running.handle.result.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CutShortAnswer);
    expect((error as CutShortAnswer).errorName).toBe('Unavailable');
    expect((error as CutShortAnswer).message).toMatch(/^the inference engine stopped unexpectedly; /);
    expect((error as CutShortAnswer).partialText).toBe(running.chunks.join(''));
    expect((error as CutShortAnswer).partialText).not.toBe('');

    const outcomes = await Promise.all(waiting.map(({ handle }) => handle.result));
    expect(outcomes.map(({ status }) => status)).toEqual(['done', 'done']);
    expect(outcomes.map(({ text }) => text)).toEqual(waiting.map(({ chunks }) => chunks.join('')));
    expect(engine.status().workerPid).not.toBe(firstPid);
    expect(processExists(engine.status().workerPid!)).toBeTrue();
  });

  it('lets the worker exit when idle, which is no crash', async () => {
    makeEngine({ idleTimeoutMs: 1000 });
    await chat('Is the disk ok?').handle.result;
    const pid = engine.status().workerPid!;
    await waitFor(() => engine.status().workerPid === null, 'the idle worker to exit');
    expect(processExists(pid)).toBeFalse();
    expect(engine.status()).toEqual(jasmine.objectContaining({ state: 'unloaded', backend: null }));
    expect(logLines.join('\n')).not.toMatch(/stopped unexpectedly/);

    expect((await chat('again').handle.result).status).toBe('done');
  });

  it('unloads at once on request, failing the request in progress', async () => {
    makeEngine();
    const { handle, chunks } = longChat();
    await waitFor(() => chunks.length > 0, 'the first chunk');
    const pid = engine.status().workerPid!;
    const failed = expectAsync(handle.result).toBeRejectedWithError(StewardError, /unloaded/);
    await engine.unload();

    expect(processExists(pid)).toBeFalse();
    expect(engine.status()).toEqual(jasmine.objectContaining({ state: 'unloaded', workerPid: null }));
    await failed;
    expect(logLines.join('\n')).not.toMatch(/stopped unexpectedly/);
  });

  it('refuses an invalid request at once, without starting a worker', () => {
    makeEngine();
    expect(() => engine.chat({ prompt: 'hello', maxTokens: 0 })).toThrowMatching(
      (error: unknown) =>
        error instanceof StewardError &&
        error.errorName === 'InvalidArgs' &&
        /^invalid chat request: maxTokens: /.test(error.message),
    );
    expect(engine.status().workerPid).toBeNull();
  });

  it('refuses requests while paused', async () => {
    makeEngine();
    await engine.setPaused(true);
    expect(engine.status().state).toBe('paused');
    expect(() => engine.chat({ prompt: 'hello', maxTokens: 4 })).toThrowMatching(
      (error: unknown) =>
        error instanceof StewardError && error.errorName === 'Unavailable' && /paused/.test(error.message),
    );
    expect(engine.status().workerPid).toBeNull();

    await engine.setPaused(false);
    expect((await chat('hello').handle.result).status).toBe('done');
  });

  it('uses the CPU and says why when the configured GPU backend cannot be used', async () => {
    makeEngine({ gpu: 'metal' });
    expect((await chat('hello').handle.result).status).toBe('done');
    const status = engine.status();
    expect(status.backend?.backend).toBe('cpu');
    expect(status.cpuFallbackReason).toMatch(/^the metal backend .*, so the CPU is used instead$/);
  });

  it('has the worker exit when the service that started it is gone', async () => {
    engine = makeEngine();
    const settings = { modelPath, gpu: false, sequences: 1, threads: 1, contextSize: 512, idleTimeoutMs: 60_000 };
    // A stand-in for the service: it starts a worker, prints its pid once the model is loaded, and exits.
    const parent = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { fork } from 'node:child_process';
         const worker = fork(${JSON.stringify(WORKER_SCRIPT)}, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
         worker.on('message', (message) => {
           if (message.type === 'ready') { console.log(worker.pid); process.exit(0); }
         });
         worker.send({ type: 'start', settings: ${JSON.stringify(settings)} });`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    const pid = Number(parent.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !processExists(pid), 'the orphaned worker to exit');
  });

  it('leaves out the oldest turns that no longer fit the context, and says how many', async () => {
    makeEngine();
    const turn = (role: 'user' | 'assistant', n: number) => ({
      role,
      text: `turn ${n}: ${'the disk is full '.repeat(12)}`,
    });
    const history = [
      turn('user', 1),
      turn('assistant', 2),
      turn('user', 3),
      turn('assistant', 4),
      turn('user', 5),
      turn('assistant', 6),
    ];
    const outcome = await engine.chat({ history, prompt: 'And now?', maxTokens: 8 }).result;
    expect(outcome.status).toBe('done');
    expect(outcome.droppedTurns).toBeGreaterThan(0);
    expect(outcome.droppedTurns % 2).toBe(0);
    expect(outcome.usage.promptTokens).toBeLessThanOrEqual(engine.status().backend!.contextSize);

    const short = await engine.chat({ history: history.slice(4), prompt: 'And now?', maxTokens: 8 }).result;
    expect(short.droppedTurns).toBe(0);
  });

  it('evaluates only the new tokens of a follow-up: the system prompt and earlier turns are reused', async () => {
    makeEngine({ sequences: 2 });
    const systemPrompt = `You look after this computer. ${'Check the disk, the network and the units. '.repeat(8)}`;
    const first = await engine.chat({ systemPrompt, prompt: 'Is the disk ok?', maxTokens: 8 }).result;
    // A question without the system prompt in between goes to the other sequence and leaves the prefix be.
    await engine.chat({ prompt: 'Tell me about the network', maxTokens: 8 }).result;
    const history = [
      { role: 'user' as const, text: 'Is the disk ok?' },
      { role: 'assistant' as const, text: first.text },
    ];
    const followUp = await engine.chat({ systemPrompt, history, prompt: 'And the network?', maxTokens: 8 }).result;

    expect(first.usage.promptTokens).toBeGreaterThan(100);
    // The follow-up's prompt holds all of the first one's and more, yet only its tail is evaluated.
    expect(followUp.usage.promptTokens).toBeGreaterThan(0);
    expect(followUp.usage.promptTokens).toBeLessThan(first.usage.promptTokens / 2);
  });

  it('refuses a message that alone does not fit the context, naming the sizes', async () => {
    makeEngine();
    const error = await engine.chat({ prompt: 'disk '.repeat(600), maxTokens: 8 }).result.then(
      () => null,
      (e: unknown) => e as StewardError,
    );
    expect(error?.errorName).toBe('InvalidArgs');
    expect(error?.message).toMatch(
      /^the message is too long for this model: it takes \d+ tokens, and beside Steward's instructions \(\d+ tokens, without any tool\) at most \d+ fit this model's context of \d+ tokens/,
    );
    expect(error?.message).toContain('choose a model with a larger context');
  });

  it('shows the model the tools that fit its context, and answers, where all of them would not', async () => {
    makeEngine();
    const tools = Array.from({ length: 12 }, (_, i) => ({
      name: `tool_${i}`,
      description: `Looks at part ${i} of the computer and says what it saw there.`,
      parameters: { type: 'object', properties: {} },
    }));
    const outcome = await engine.chat({ prompt: 'hello', maxTokens: 8, tools }).result;
    expect(outcome.status).toBe('done');
  });

  it('constrains the answer to a JSON schema', async () => {
    makeEngine();
    const jsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    const outcome = await engine.chat({ prompt: 'Is the disk ok?', maxTokens: 64, jsonSchema }).result;
    expect(outcome.status).toBe('done');
    expect(JSON.parse(outcome.text)).toEqual({ ok: jasmine.any(Boolean) });
  });

  it('fails requests with a clear error when the model cannot be loaded', async () => {
    makeEngine({ modelPath: join(dir.path, 'missing.gguf') });
    const error = await chat('hello').handle.result.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).errorName).toBe('Unavailable');
    expect((error as StewardError).message).toMatch(/^the model could not be loaded: /);
    await waitFor(() => engine.status().workerPid === null, 'the worker to exit');
    expect(engine.status().lastError).toMatch(/^the model could not be loaded: /);
    expect(logLines.join('\n')).not.toMatch(/stopped unexpectedly/);
  });
});
