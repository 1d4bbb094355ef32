// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How many tokens the system prompt and the tools take before the person's
// first word, per model (each tokenizes differently): the prefix every
// question's first word waits for, and what must fit a small model's context.
// Counted with each model's own tokenizer and chat template, as the worker
// renders them; nothing is timed.
//   node build/build.mjs bench && node dist/bench/toolPrompt.js
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type ChatModelFunctions, getLlama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';

import type { SystemSummary } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { buildSystemPrompt } from '../../service/src/assistant/systemPrompt.js';
import { firstToolSpecs, forcedCallSpecs } from '../../service/src/assistant/toolLoop.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { OfferedTools } from '../../service/src/assistant/toolSelection.js';
import { requiredCallPrompt } from '../../service/src/engine/forcedCall.js';
import { chatWrapperFor } from '../../service/src/engine/functionCalling.js';
import { sharedPrefixTokens } from '../../service/src/engine/prefixKeeper.js';
import { promptSchema } from '../../service/src/engine/promptSchema.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { benchModel } from '../support/benchModel.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

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

function cases(): PromptCase[] {
  const catalog = createCatalog();
  const systemPrompt = buildSystemPrompt({ summary: SUMMARY, now: new Date() });
  const tools = assistantTools(catalogEntries(catalog));
  const offered = (question: string) => firstToolSpecs(tools, new OfferedTools().offer(question, tools)).specs;
  const all = firstToolSpecs(tools, undefined).specs;
  const disk = offered('How full is my disk?');
  return [
    { name: 'system prompt alone', systemPrompt, specs: [] },
    { name: 'first question "hello"', systemPrompt, specs: offered('hello') },
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

async function main(): Promise<void> {
  const temp = await makeTempDir('steward-bench-prompt-');
  const llama = await getLlama({ build: 'never', gpu: false, progressLogs: false, logLevel: LlamaLogLevel.error });
  try {
    const models = [
      { name: 'tiny', path: await writeTinyModel(join(temp.path, 'tiny.gguf')) },
      { name: 'realistic-size', path: await benchModel() },
    ];
    const rows: Record<string, number | string>[] = [];
    for (const c of cases()) rows.push({ prompt: c.name, tools: c.specs.length });
    for (const { name, path } of models) {
      const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
      cases().forEach((c, index) => (rows[index]![name] = count(model, c)));
      await model.dispose();
    }
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
    const headers = ['prompt', 'tools', ...models.map((model) => `${model.name} tokens`)];
    const cells = [
      headers,
      ...rows.map((row) => [String(row.prompt), String(row.tools), ...models.map((model) => String(row[model.name]))]),
    ];
    const widths = headers.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
    process.stdout.write("\nThe prompt before the first word (system prompt and tools), in each model's tokens\n");
    for (const row of cells) {
      process.stdout.write(
        `${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
      );
    }
  } finally {
    await llama.dispose();
    await temp.remove();
  }
}

await main();
