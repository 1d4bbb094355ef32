// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The prompt budget: the system prompt and tools that a question's first
// request starts with, as the service's assistant builds them for questions of
// each kind (and for the quick chat's Prepare), and the model advisor's request
// for findings of unknown kinds, counted in the realistic-size bench model's
// tokens under each model family's chat format. Exits non-zero when a figure is
// over its ceiling (budgets.ts). Tokenizing only: no model is run.
//   node build/build.mjs bench && node dist/bench/promptBudget.js
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type ChatModelFunctions,
  type ChatWrapper,
  Gemma4ChatWrapper,
  getLlama,
  Llama3_2LightweightChatWrapper,
  LlamaLogLevel,
  type LlamaModel,
  QwenChatWrapper,
} from 'node-llama-cpp';

import type { SystemSummary } from '../../service/src/assistant/machine.js';
import { chatWrapperFor, withCompactFunctionText } from '../../service/src/engine/functionCalling.js';
import { sharedPrefixTokens } from '../../service/src/engine/prefixKeeper.js';
import { promptSchema } from '../../service/src/engine/promptSchema.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import type { FindingWithEvidence } from '../../service/src/findings/store.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { ModelAdvisor, playbookOnlyActions } from '../../service/src/fixes/modelAdvisor.js';
import { KIND_SET, KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { benchModel } from '../support/benchModel.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { ScriptedEngine } from '../support/scriptedEngine.js';
import { firstRequest } from './assistantPrompt.js';
import { ADVISOR_REQUEST_TOKEN_CEILING, PROMPT_TOKEN_CEILINGS } from './budgets.js';

const RESULTS = join(process.cwd(), 'test-results', 'bench', 'promptBudget.json');

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

/**
 * A conversation's first question of each kind (null: the quick chat's Prepare, before any question). The ceiling
 * holds for the Prepare and each question of one topic; one that names several gets each topic's tools and actions,
 * and is shown for what that costs.
 */
const QUESTIONS: { question: string | null; budgeted: boolean }[] = [
  { question: null, budgeted: true },
  { question: 'hello', budgeted: true },
  { question: 'How full is my disk?', budgeted: true },
  { question: 'Is the backup unit running?', budgeted: true },
  { question: 'My Wi-Fi keeps dropping', budgeted: true },
  { question: 'Is blender installed?', budgeted: true },
  { question: 'The laptop is slow and the fan is loud', budgeted: true },
  { question: 'What is in ~/.config/app/settings.ini?', budgeted: true },
  { question: 'The backup service failed last night, why?', budgeted: false },
  { question: 'How do I make ssh keep the connection alive?', budgeted: false },
];

/** Findings of kinds no playbook knows, which the advisor is asked to suggest actions for. */
const FINDINGS: Pick<FindingWithEvidence, 'kind' | 'subject' | 'title'>[] = [
  { kind: 'unrecognised-errors', subject: 'backup.service', title: 'backup.service logs errors' },
  { kind: 'unrecognised-errors', subject: 'NetworkManager.service', title: 'NetworkManager logs errors' },
  { kind: 'unrecognised-errors', subject: 'kernel', title: 'The kernel logs errors' },
];

/** node-llama-cpp's formats for the families Steward recommends models of (models/recommend.ts), and the bench model's own. */
const FAMILIES: { name: string; wrapper: (model: LlamaModel) => ChatWrapper }[] = [
  { name: 'own template (generic)', wrapper: chatWrapperFor },
  { name: 'Qwen', wrapper: () => withCompactFunctionText(new QwenChatWrapper()) },
  { name: 'Llama 3.2', wrapper: () => withCompactFunctionText(new Llama3_2LightweightChatWrapper()) },
  { name: 'Gemma 4', wrapper: () => withCompactFunctionText(new Gemma4ChatWrapper()) },
];

async function advisorRequest(finding: (typeof FINDINGS)[number]): Promise<{ systemPrompt: string; prompt: string }> {
  const engine = new ScriptedEngine([{ text: '' }]);
  const requests = engine.requests;
  const advisor = new ModelAdvisor({
    playbookOnly: playbookOnlyActions(KIND_SET),
    engines: { state: () => 'ready', engine: () => Promise.resolve(engine) },
    catalog: createCatalog({ kinds: KINDS }),
    log: createLogger({ level: 'error', journal: false, write: () => undefined }),
  });
  const full = findingWithEvidence(finding.kind, finding.subject, {
    title: finding.title,
    count: 3,
    evidence: Array.from({ length: 8 }, (_, i) => ({
      kind: 'journal' as const,
      text: `laptop ${finding.subject}[123]: something went wrong while doing its work (attempt ${i})`,
      at: new Date(),
    })),
  });
  await advisor.advise(full, [], true);
  return { systemPrompt: requests[0]!.systemPrompt ?? '', prompt: requests[0]!.prompt };
}

const functionsOf = (specs: readonly ToolSpec[]): ChatModelFunctions | undefined =>
  specs.length === 0
    ? undefined
    : Object.fromEntries(
        specs.map((spec) => [spec.name, { description: spec.description, params: promptSchema(spec.parameters) }]),
      );

function table(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const prompts = await Promise.all(QUESTIONS.map(({ question }) => firstRequest(question, SUMMARY)));
  const advice = await Promise.all(FINDINGS.map(advisorRequest));
  const llama = await getLlama({ build: 'never', gpu: false, progressLogs: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: await benchModel(), vocabOnly: true });
  const over: string[] = [];
  const rows: Record<string, string | number>[] = [];
  try {
    QUESTIONS.forEach(({ question, budgeted }, index) => {
      const { systemPrompt, tools } = prompts[index]!;
      const row: Record<string, string | number> = {
        prompt: `${question === null ? 'Prepare (no question yet)' : `"${question}"`}${budgeted ? '' : ' *'}`,
        tools: tools.length,
      };
      for (const family of FAMILIES) {
        const tokens = sharedPrefixTokens(family.wrapper(model), model, systemPrompt, functionsOf(tools)).length;
        row[family.name] = tokens;
        const ceiling = PROMPT_TOKEN_CEILINGS[family.name]!;
        if (budgeted && tokens > ceiling)
          over.push(`${family.name}, ${String(row.prompt)}: ${tokens} tokens > ${ceiling}`);
      }
      rows.push(row);
    });
    const headers = ['first request of', 'tools', ...FAMILIES.map((family) => family.name)];
    const ceilings = ['ceiling', '', ...FAMILIES.map((family) => String(PROMPT_TOKEN_CEILINGS[family.name]))];
    const cells = rows.map((row) => [
      String(row.prompt),
      String(row.tools),
      ...FAMILIES.map((f) => String(row[f.name])),
    ]);
    process.stdout.write(
      "\nThe fixed prompt of a question's first request (system prompt and tools), in the realistic-size model's tokens\n",
    );
    process.stdout.write(`${table([headers, ...cells, ceilings])}\n* several topics: no ceiling\n`);

    const advisorRows = FINDINGS.map((finding, index) => {
      const { systemPrompt, prompt } = advice[index]!;
      const tokens = sharedPrefixTokens(chatWrapperFor(model), model, systemPrompt, undefined).length;
      const words = model.tokenize(prompt).length;
      if (tokens + words > ADVISOR_REQUEST_TOKEN_CEILING) {
        over.push(
          `the advisor's request for ${finding.kind}: ${tokens + words} tokens > ${ADVISOR_REQUEST_TOKEN_CEILING}`,
        );
      }
      const actions = prompt.split('\n').filter((line) => /^ {2}[a-z]+\.[a-z_]+:/.test(line)).length;
      return { finding: `${finding.kind} (${finding.subject})`, actions, tokens: tokens + words };
    });
    process.stdout.write(`\nThe model advisor's request (ceiling ${ADVISOR_REQUEST_TOKEN_CEILING} tokens)\n`);
    process.stdout.write(
      `${table([['finding', 'actions listed', 'tokens'], ...advisorRows.map((row) => [row.finding, String(row.actions), String(row.tokens)])])}\n`,
    );
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(
      RESULTS,
      `${JSON.stringify({ date: new Date().toISOString(), ceilings: PROMPT_TOKEN_CEILINGS, rows, advisor: advisorRows }, null, 2)}\n`,
    );
    process.stdout.write(`\nresults: ${RESULTS}\n`);
  } finally {
    await model.dispose();
    await llama.dispose();
  }
  if (over.length > 0) {
    process.stdout.write(`\nOVER BUDGET:\n${over.map((line) => `  ${line}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('\nevery prompt within its budget\n');
  }
}

await main();
