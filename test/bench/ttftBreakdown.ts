// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Where the time to the first word goes on the CPU, with the benchmark model
// and node-llama-cpp called directly: the same question's new tokens after
// prefixes of growing length, with flash attention on and off, and the
// question with the assistant's system prompt and tools against without.
// Times are CPU time on one thread, which other work on a shared machine
// disturbs far less than wall time.
//   node dist/bench/ttftBreakdown.js
import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type GbnfJsonSchema,
  getLlama,
  LlamaChat,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';

import { buildSystemPrompt } from '../../service/src/assistant/systemPrompt.js';
import { chatWrapperFor } from '../../service/src/engine/functionCalling.js';
import { benchModel } from '../support/benchModel.js';
import { assistantRequests } from './assistantPrompt.js';
import { median } from './stats.js';

/** As test/bench/model.ts asks them: each topic adds its tools to those offered. */
const QUESTIONS = [
  'Is my Wi-Fi working?',
  'Why did the backup service fail?',
  'Why is the laptop so slow?',
  'Is blender installed?',
  'How full is my disk?',
];
const PREFIXES = [0, 1000, 2000, 3000];
const NEW_TOKENS = 19;
const REPEATS = 4;

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const round = (value: number) => Math.round(value);

/** The offered tools after the bench's questions, as the service renders them for the model. */
async function offeredFunctions(): Promise<ChatModelFunctions> {
  const specs = (await assistantRequests(QUESTIONS)).at(-1)!.tools;
  return Object.fromEntries(
    specs.map((spec) => [spec.name, { description: spec.description, params: spec.parameters as GbnfJsonSchema }]),
  );
}

/**
 * CPU ms to the first token of NEW_TOKENS evaluated after each prefix (in
 * ascending order): the prefix grows in place, so each token of it is evaluated once.
 */
async function afterPrefixes(sequence: LlamaContextSequence, tokens: Token[], prefixes: number[]): Promise<number[]> {
  await sequence.clearHistory();
  const results: number[] = [];
  for (const prefix of prefixes) {
    const evaluated = sequence.nextTokenIndex;
    if (prefix > evaluated) await sequence.evaluate(tokens.slice(evaluated, prefix), { temperature: 0 }).next();
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i += 1) {
      const started = cpuMs();
      const evaluation = sequence.evaluate(tokens.slice(prefix, prefix + NEW_TOKENS), { temperature: 0 });
      await evaluation.next();
      times.push(cpuMs() - started);
      await evaluation.return();
      await sequence.eraseContextTokenRanges([{ start: prefix, end: sequence.nextTokenIndex }]);
    }
    results.push(median(times));
  }
  return results;
}

/** CPU ms to the first text of each question, asked as the worker asks it, after one question has evaluated the prefix. */
async function questions(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  systemPrompt: string,
  functions: ChatModelFunctions | undefined,
): Promise<{ prefixTokens: number; ttftCpuMs: number }> {
  const wrapper = chatWrapperFor(model);
  const history = (question: string): ChatHistoryItem[] => [
    ...(systemPrompt ? [{ type: 'system' as const, text: systemPrompt }] : []),
    { type: 'user', text: question },
    { type: 'model', response: [] },
  ];
  const ask = async (question: string) => {
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
    const started = cpuMs();
    let first: number | null = null;
    await chat.generateResponse(history(question), {
      maxTokens: 4,
      temperature: 1,
      seed: 7,
      functions,
      onTextChunk: () => (first ??= cpuMs()),
    });
    chat.dispose({ disposeSequence: false });
    return first === null ? null : first - started;
  };
  await sequence.clearHistory();
  await ask('Hello, what can you check for me?');
  const times: number[] = [];
  for (const question of QUESTIONS) {
    const time = await ask(question);
    if (time !== null) times.push(time);
  }
  const rendered = wrapper.generateContextState({ chatHistory: history(''), availableFunctions: functions });
  return { prefixTokens: rendered.contextText.tokenize(model.tokenizer).length, ttftCpuMs: round(median(times)) };
}

async function main(): Promise<void> {
  const llama = await getLlama({ build: 'never', gpu: false, progressLogs: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: await benchModel() });
  const systemPrompt = buildSystemPrompt({ summary: null, now: new Date() });
  const functions = await offeredFunctions();
  const filler = chatWrapperFor(model)
    .generateContextState({
      chatHistory: [{ type: 'system', text: systemPrompt.repeat(4) }],
      availableFunctions: functions,
    })
    .contextText.tokenize(model.tokenizer);
  for (const flashAttention of [true, false]) {
    const context = await model.createContext({ sequences: 1, contextSize: 8192, threads: 1, flashAttention });
    const sequence = context.getSequence();
    const prefixes = (await afterPrefixes(sequence, filler, PREFIXES)).map((ms, i) => `${PREFIXES[i]}: ${round(ms)}`);
    const tools = await questions(model, sequence, systemPrompt, functions);
    const plain = await questions(model, sequence, '', undefined);
    process.stdout.write(
      `flash attention ${flashAttention ? 'on ' : 'off'}: CPU ms to the first token of ${NEW_TOKENS} new after a prefix of N tokens (N: ms) ${prefixes.join(', ')}\n` +
        `  a question after the system prompt and tools (${tools.prefixTokens} tokens): ${tools.ttftCpuMs} ms; ` +
        `without them: ${plain.ttftCpuMs} ms; ratio ${(tools.ttftCpuMs / plain.ttftCpuMs).toFixed(2)}\n`,
    );
    await context.dispose();
  }
  await model.dispose();
  await llama.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
