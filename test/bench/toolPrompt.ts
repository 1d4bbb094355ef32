// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How many tokens the system prompt and the tools take before the person's
// first word, per model (each tokenizes differently): the prefix every
// question's first word waits for, and what must fit a small model's context.
// Counted with each model's own tokenizer and chat template, as the worker
// renders them. Then the first question on a 2,048-token context, through
// the service's assistant and engine: the first chunk after a fresh start and
// warm, against the same question without tools from the same run.
//   node build/build.mjs service bench && node dist/bench/toolPrompt.js
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type ChatModelFunctions, getLlama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';

import { Assistant } from '../../service/src/assistant/assistant.js';
import type { Machine, SystemSummary } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { buildSystemPrompt } from '../../service/src/assistant/systemPrompt.js';
import { firstToolSpecs, forcedCallSpecs } from '../../service/src/assistant/toolLoop.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { defaultConfig } from '../../service/src/config.js';
import { requiredCallPrompt } from '../../service/src/engine/forcedCall.js';
import { chatWrapperFor } from '../../service/src/engine/functionCalling.js';
import { sharedPrefixTokens } from '../../service/src/engine/prefixKeeper.js';
import { promptSchema } from '../../service/src/engine/promptSchema.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import { Engine } from '../../service/src/engine/supervisor.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { benchModel } from '../support/benchModel.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { firstRequest } from './assistantPrompt.js';
import { median } from './stats.js';

const RESULTS = join(process.cwd(), 'test-results', 'bench', 'toolPrompt.json');

/** A laptop's snapshot, as the system prompt shows it. */
const SUMMARY: SystemSummary = {
  os: 'Debian GNU/Linux 13 (trixie)',
  kernel: '6.12.48-amd64',
  hostname: 'laptop',
  uptimeSeconds: 3600,
  cpu: { model: 'Intel(R) Core(TM) i5-1135G7 @ 2.40GHz', cores: 8, load: [0.5, 0.4, 0.3] },
  memory: { totalBytes: 16 * 1024 ** 3, availableBytes: 8 * 1024 ** 3, swapTotalBytes: 0, swapFreeBytes: 0 },
  gpus: ['Intel Iris Xe Graphics'],
  battery: null,
};

const functionsOf = (specs: readonly ToolSpec[]): ChatModelFunctions | undefined =>
  specs.length === 0
    ? undefined
    : Object.fromEntries(
        specs.map((spec) => [spec.name, { description: spec.description, params: promptSchema(spec.parameters) }]),
      );

interface PromptCase {
  name: string;
  systemPrompt: string;
  specs: ToolSpec[];
  /** A forced call: the tools listed in the system prompt, their shapes in a grammar (not prompt tokens). */
  forced?: boolean;
}

async function cases(): Promise<PromptCase[]> {
  const catalog = createCatalog({ kinds: KINDS });
  const systemPrompt = buildSystemPrompt({ summary: SUMMARY, now: new Date() });
  const tools = assistantTools(catalogEntries(catalog));
  const offered = async (question: string) => (await firstRequest(question, SUMMARY)).tools;
  const all = firstToolSpecs(tools, undefined).specs;
  const disk = await offered('How full is my disk?');
  return [
    { name: 'system prompt alone', systemPrompt, specs: [] },
    { name: 'first question "hello"', systemPrompt, specs: await offered('hello') },
    { name: '"How full is my disk?"', systemPrompt, specs: disk },
    // The assistant bench's forced path.
    { name: '"How full is my disk?", forced call', systemPrompt, specs: forcedCallSpecs(disk), forced: true },
    { name: 'every tool', systemPrompt, specs: all },
    { name: 'every tool, forced call', systemPrompt, specs: forcedCallSpecs(all), forced: true },
  ];
}

function count(model: LlamaModel, c: PromptCase): number {
  return c.forced
    ? sharedPrefixTokens(chatWrapperFor(model), model, requiredCallPrompt(c.systemPrompt, c.specs), undefined).length
    : sharedPrefixTokens(chatWrapperFor(model), model, c.systemPrompt, functionsOf(c.specs)).length;
}

// ---- the first question on a 2,048-token context ------------------------------------

const SMALL_CONTEXT = 2048;
const QUESTION = 'hello';
const WARM_RUNS = 3;
/** The answer's length does not change the tools fitted (their share of the context is fixed); a short one keeps the bench short. */
const ANSWER_TOKENS = 32;
const WORKER_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-engine.js');

/**
 * A stand-in for the live machine: the system prompt's snapshot is all a
 * "hello" needs; a tool the random model might call fails, as a broken one would.
 */
const standInMachine = {
  systemSummary: () => Promise.resolve(SUMMARY),
  home: () => '/nonexistent',
} as unknown as Machine;

interface Asked {
  firstChunkMs: number;
  status: string;
  promptTokens: number;
}

async function firstAnswers(modelPath: string, contextSize: 'auto' | number) {
  const log = createLogger({ level: 'error', journal: false, write: () => undefined });
  const engine = new Engine({
    modelPath,
    gpu: false,
    // Two, as the service has them: the questions with tools keep their prefix in one while those without use the other.
    sequences: 2,
    threads: 2,
    contextSize,
    idleTimeoutMs: 600_000,
    workerScript: WORKER_SCRIPT,
    log,
  });
  const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
  const assistant = new Assistant({
    machine: standInMachine,
    proposals: { catalog: () => catalog, propose: () => Promise.reject(new Error('the benchmark makes no proposals')) },
    settings: () => defaultConfig.assistant,
    contextSize: () => null,
    log,
  });
  const ask = async (useTools: boolean): Promise<Asked> => {
    const started = performance.now();
    let first = NaN;
    try {
      const answer = await assistant.start({
        engine,
        messages: [],
        prompt: QUESTION,
        maxTokens: ANSWER_TOKENS,
        useTools,
        toolChoice: 'auto',
        callbacks: { onChunk: () => (first = Number.isNaN(first) ? performance.now() - started : first) },
      });
      const outcome = await answer.handle.result;
      return { firstChunkMs: round(first), status: outcome.status, promptTokens: outcome.usage.promptTokens };
    } catch (error) {
      return { firstChunkMs: NaN, status: `failed: ${(error as Error).message}`, promptTokens: 0 };
    }
  };
  try {
    const cold = await ask(true);
    const warm: Asked[] = [];
    const without: Asked[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) {
      warm.push(await ask(true));
      without.push(await ask(false));
    }
    const warmMs = median(warm.map((run) => run.firstChunkMs));
    const withoutMs = median(without.map((run) => run.firstChunkMs));
    return {
      contextSize: engine.status().backend?.contextSize ?? null,
      loadMs: engine.status().backend?.loadMs ?? null,
      cold,
      warmFirstChunkMs: round(warmMs),
      warmStatus: [...new Set(warm.map((run) => run.status))].join(', '),
      withoutToolsFirstChunkMs: round(withoutMs),
      warmRatio: round(warmMs / withoutMs, 2),
    };
  } finally {
    await engine.unload();
  }
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function table(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const temp = await makeTempDir('steward-bench-prompt-');
  const llama = await getLlama({ build: 'never', gpu: false, progressLogs: false, logLevel: LlamaLogLevel.error });
  try {
    const models = [
      {
        name: 'tiny',
        path: await writeTinyModel(join(temp.path, 'tiny.gguf'), {
          contextLength: SMALL_CONTEXT,
          endsOnlyAtLimit: true,
        }),
        // Trained for 2,048 tokens, its context left to 'auto' as most people leave it.
        contextSize: 'auto' as const,
      },
      // Trained for more: held to 2,048 tokens, as a model of this size that was trained for no more would be.
      { name: 'realistic-size', path: await benchModel(), contextSize: SMALL_CONTEXT },
    ];
    const rows: Record<string, number | string>[] = [];
    const prompts = await cases();
    for (const c of prompts) rows.push({ prompt: c.name, tools: c.specs.length });
    for (const { name, path } of models) {
      const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
      prompts.forEach((c, index) => (rows[index]![name] = count(model, c)));
      await model.dispose();
    }
    const headers = ['prompt', 'tools', ...models.map((model) => `${model.name} tokens`)];
    const cells = rows.map((row) => [
      String(row.prompt),
      String(row.tools),
      ...models.map((model) => String(row[model.name])),
    ]);
    process.stdout.write("\nThe prompt before the first word (system prompt and tools), in each model's tokens\n");
    process.stdout.write(`${table([headers, ...cells])}\n`);
    const small = [];
    for (const { name, path, contextSize } of models) {
      process.stdout.write(`\nfirst "${QUESTION}" on a ${SMALL_CONTEXT}-token context, ${name} model…\n`);
      small.push({ model: name, ...(await firstAnswers(path, contextSize)) });
    }
    process.stdout.write(
      `\n"${QUESTION}" on a ${SMALL_CONTEXT}-token context (2 CPU threads, answers of ${ANSWER_TOKENS} tokens): first chunk in ms\n`,
    );
    const smallHeaders = [
      'model',
      'context',
      'load ms',
      'first after start',
      'status',
      'warm',
      'warm, no tools',
      'ratio',
    ];
    const smallCells = small.map((row) => [
      row.model,
      String(row.contextSize),
      String(row.loadMs),
      String(row.cold.firstChunkMs),
      row.cold.status,
      String(row.warmFirstChunkMs),
      String(row.withoutToolsFirstChunkMs),
      String(row.warmRatio),
    ]);
    process.stdout.write(`${table([smallHeaders, ...smallCells])}\n`);
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), rows, small }, null, 2)}\n`);
    process.stdout.write(`\nresults: ${RESULTS}\n`);
  } finally {
    await llama.dispose();
    await temp.remove();
  }
}

await main();
