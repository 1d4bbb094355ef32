// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';

import { Assistant } from '../../service/src/assistant/assistant.js';
import type { Machine } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { defaultConfig } from '../../service/src/config.js';
import type { EngineStatus } from '../../service/src/engine/chatEngine.js';
import type { ChatRequest, PrefixRequest } from '../../service/src/engine/protocol.js';
import { Engine } from '../../service/src/engine/supervisor.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { ScriptedEngine } from '../support/scriptedEngine.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const WORKER_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-engine.js');

const PREFIX: PrefixRequest = {
  systemPrompt: `You look after this computer. ${'Check the disk, the network and the units. '.repeat(6)}`,
  tools: [
    {
      name: 'disk_usage',
      description: 'How full each mounted file system is.',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ],
};
const QUESTION: ChatRequest = { ...PREFIX, prompt: 'Is the disk ok?', maxTokens: 8, temperature: 0.8, seed: 3 };

/** The first request the assistant makes for each question, in turn, as the service's one assistant would. */
async function assistantRequests(questions: string[]): Promise<ChatRequest[]> {
  const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
  const assistant = new Assistant({
    machine: { systemSummary: () => Promise.reject(new Error('no summary here')) } as unknown as Machine,
    proposals: { catalog: () => catalog, propose: () => Promise.reject(new Error('no proposals here')) },
    settings: () => defaultConfig.assistant,
    contextSize: () => null,
    log: createLogger({ level: 'error', journal: false, write: () => {} }),
  });
  const requests: ChatRequest[] = [];
  for (const prompt of questions) {
    const recorder = new ScriptedEngine([{ text: 'ok' }]);
    const answer = await assistant.start({
      engine: recorder,
      messages: [],
      prompt,
      maxTokens: 8,
      useTools: true,
      toolChoice: 'auto',
      callbacks: {},
    });
    await answer.handle.result;
    requests.push({ ...recorder.requests[0]!, temperature: 0.8, seed: 3 });
  }
  return requests;
}

describe('the evaluated prompt kept across loads of the model', () => {
  let dir: TempDir;
  let modelPath: string;
  let cacheDir: string;
  let engine: Engine;

  beforeAll(async () => {
    dir = await makeTempDir();
    modelPath = await writeTinyModel(join(dir.path, 'tiny.gguf'), { endsOnlyAtLimit: true });
  });

  afterAll(() => dir.remove());

  beforeEach(() => {
    cacheDir = join(dir.path, `cache-${Math.random().toString(36).slice(2)}`);
    engine = new Engine({
      modelPath,
      gpu: false,
      sequences: 1,
      threads: 1,
      contextSize: 2048,
      idleTimeoutMs: 60_000,
      workerScript: WORKER_SCRIPT,
      prefixCacheDir: cacheDir,
      log: createLogger({ level: 'error', journal: false, write: () => {} }),
    });
  });

  // A worker on a busy machine takes seconds to stop.
  afterEach(() => engine.unload(), 30_000);

  const prefixState = () => engine.status().backend!.prefixState!;

  /** The first question after the model (re)loaded. */
  async function coldQuestion() {
    await engine.unload();
    return engine.chat(QUESTION).result;
  }

  it('restores the system prompt and tools on the next load instead of evaluating them, and answers the same', async () => {
    const first = await coldQuestion();
    expect(prefixState()).toEqual({ restoredTokens: 0, restoreMs: 0, bytes: 0, problem: null });
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.state')).length).toBe(1);

    const second = await coldQuestion();

    const restored = prefixState();
    expect(restored.problem).toBeNull();
    expect(restored.restoredTokens).toBeGreaterThan(100);
    expect(restored.bytes).toBeGreaterThan(0);
    expect(second.usage.promptTokens).toBe(first.usage.promptTokens - restored.restoredTokens);
    expect(second.text).toBe(first.text);
  }, 60_000);

  it('evaluates the prompt again, and answers the same, when the saved file is damaged; then saves it whole', async () => {
    const first = await coldQuestion();
    const [state] = (await readdir(cacheDir)).filter((name) => name.endsWith('.state'));
    await truncate(join(cacheDir, state!), 1000);

    const damaged = await coldQuestion();
    expect(prefixState().restoredTokens).toBe(0);
    expect(prefixState().problem).toMatch(/bytes/);
    expect(damaged.usage.promptTokens).toBe(first.usage.promptTokens);
    expect(damaged.text).toBe(first.text);

    const mended = await coldQuestion();
    expect(prefixState().restoredTokens).toBeGreaterThan(100);
    expect(mended.text).toBe(first.text);
  }, 60_000);

  it('evaluates nothing of the prompt saved for another system prompt beyond what they share', async () => {
    const first = await coldQuestion();
    await engine.unload();
    const changed = { ...QUESTION, systemPrompt: `${PREFIX.systemPrompt} Be brief.` };
    const other = await engine.chat(changed).result;
    // The shared start is restored; the changed end and the tools after it are evaluated.
    expect(prefixState().restoredTokens).toBeGreaterThan(100);
    expect(other.usage.promptTokens).toBeGreaterThan(first.usage.promptTokens - prefixState().restoredTokens);
    expect(other.usage.promptTokens).toBeLessThan(first.usage.promptTokens);
  }, 60_000);

  it('loads the model and evaluates the prompt on Prepare, before the question comes', async () => {
    const states: EngineStatus['state'][] = [];
    engine.on('status', (status) => states.push(status.state));
    const reference = await coldQuestion();
    await engine.unload();
    states.length = 0;

    engine.prepare(PREFIX);
    expect(engine.status().state).toBe('loading');
    await waitFor(() => engine.status().state === 'ready', 'the prepared engine', 30_000);
    const workerPid = engine.status().workerPid;
    expect(states).toContain('loading');

    // Again, when ready: nothing to do.
    engine.prepare(PREFIX);
    await waitFor(() => engine.status().state === 'ready', 'the second Prepare', 30_000);
    const answer = await engine.chat(QUESTION).result;

    expect(engine.status().workerPid).toBe(workerPid);
    expect(answer.usage.promptTokens).toBeLessThan(reference.usage.promptTokens - 100);
    expect(answer.text).toBe(reference.text);
  }, 60_000);

  it('evaluates the prompt on Prepare when nothing was saved, so the question evaluates only its own words', async () => {
    const reference = await coldQuestion();
    await engine.unload();
    const wholePrompt = reference.usage.promptTokens;
    for (const name of await readdir(cacheDir)) await truncate(join(cacheDir, name), 0);

    engine.prepare(PREFIX);
    await waitFor(() => engine.status().state === 'ready', 'the prepared engine', 30_000);
    expect(prefixState().restoredTokens).toBe(0);
    const answer = await engine.chat(QUESTION).result;

    expect(answer.usage.promptTokens).toBeLessThan(wholePrompt - 100);
    expect(answer.text).toBe(reference.text);
  }, 60_000);

  it("evaluates, for a question of a new topic, only what follows the tools its prompt shares with the last one's", async () => {
    // Room for every tool offered: on a smaller context the worker fits them to each question, which is another test's.
    const roomy = new Engine({
      modelPath: await writeTinyModel(join(dir.path, 'roomy.gguf'), { contextLength: 16384, endsOnlyAtLimit: true }),
      gpu: false,
      sequences: 1,
      threads: 1,
      contextSize: 16384,
      idleTimeoutMs: 60_000,
      workerScript: WORKER_SCRIPT,
      log: createLogger({ level: 'error', journal: false, write: () => {} }),
    });
    const [disk, network, diskAgain] = await assistantRequests([
      'How full is my disk?',
      'My Wi-Fi keeps dropping',
      'How much disk space is left?',
    ]);
    try {
      const whole = (await roomy.chat(disk!).result).usage.promptTokens;
      // The system prompt, the overview tools and disk_usage are kept; network_status and propose_action are new.
      const newTopic = (await roomy.chat(network!).result).usage.promptTokens;
      // The same tools and actions as the question before: only its own words.
      const sameTopics = (await roomy.chat(diskAgain!).result).usage.promptTokens;
      expect(newTopic).toBeLessThan(whole);
      expect(sameTopics).toBeLessThan(newTopic / 4);
      expect(diskAgain!.tools).toEqual(network!.tools);
    } finally {
      await roomy.unload();
    }
  }, 60_000);
});
