// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The inference worker: a child process of the service that holds llama.cpp,
// so a native crash ends this process and not the D-Bus service. It answers
// one request per context sequence. A sequence keeps its evaluated tokens
// between requests: the next request evaluates only what differs from them
// (node-llama-cpp reuses the common prefix), so the fixed system prompt and
// tools, and a conversation's earlier turns, are evaluated once.
import { randomUUID } from 'node:crypto';

import {
  type ChatHistoryItem,
  type ChatModelFunctionCall,
  type ChatModelFunctions,
  type ChatWrapper,
  type GbnfJsonSchema,
  getLlama,
  type Llama,
  LlamaChat,
  LlamaCompletion,
  type LlamaCompletionGenerationOptions,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaText,
} from 'node-llama-cpp';

import { ChunkCoalescer } from './chunkCoalescer.js';
import { forcedCall, requiredCallPrompt, requiredCallSchema } from './forcedCall.js';
import { chatWrapperFor } from './functionCalling.js';
import { modelIdentity, PrefixCache } from './prefixCache.js';
import { PrefixKeeper } from './prefixKeeper.js';
import { answerRoomFor, fitTools, overflowMessage, prefixBudget, withoutLeastImportant } from './promptFit.js';
import { promptSchema } from './promptSchema.js';
import {
  type BackendInfo,
  type FromWorker,
  fromWorkerSchema,
  type GpuSetting,
  type PrefixRequest,
  type RequestedCall,
  type ToolCall,
  type ToolSpec,
  toWorkerSchema,
  type Usage,
  type Vram,
  type WorkerSettings,
} from './protocol.js';

type Command = ReturnType<typeof toWorkerSchema.parse>;
type ParsedChatRequest = Extract<Command, { type: 'chat' }>['request'];

if (!process.send) throw new Error('steward-engine runs only as a child process of the Steward service');
const sendToParent = process.send.bind(process);

function send(message: FromWorker): Promise<void> {
  fromWorkerSchema.parse(message);
  return new Promise((resolve) => sendToParent(message, undefined, {}, () => resolve()));
}

async function openLlama(gpu: GpuSetting): Promise<{ llama: Llama; cpuFallbackReason: string | null }> {
  // build 'never': compiling llama.cpp inside a desktop service could take an hour.
  const options = { build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error } as const;
  if (gpu === 'auto' || gpu === false) return { llama: await getLlama({ ...options, gpu }), cpuFallbackReason: null };
  let llama: Llama;
  try {
    llama = await getLlama({ ...options, gpu });
  } catch (error) {
    return {
      llama: await getLlama({ ...options, gpu: false }),
      cpuFallbackReason: `the ${gpu} backend cannot be used on this computer (${(error as Error).message}), so the CPU is used instead`,
    };
  }
  // node-llama-cpp may also quietly give a CPU build for a backend this platform lacks (Metal on Linux).
  const cpuFallbackReason =
    llama.gpu === gpu ? null : `the ${gpu} backend is not available on this computer, so the CPU is used instead`;
  return { llama, cpuFallbackReason };
}

async function vramOf(llama: Llama): Promise<Vram> {
  const { total, used, free } = await llama.getVramState();
  return { total, used, free };
}

const functionCall = (call: ToolCall): ChatModelFunctionCall => ({
  type: 'functionCall',
  name: call.name,
  params: call.arguments,
  result: call.result,
});

function turnsOf(systemPrompt: string | undefined, turns: ParsedChatRequest['history']): ChatHistoryItem[] {
  const system: ChatHistoryItem[] = systemPrompt ? [{ type: 'system', text: systemPrompt }] : [];
  return [
    ...system,
    ...turns.map((turn): ChatHistoryItem =>
      turn.role === 'user'
        ? { type: 'user', text: turn.text }
        : { type: 'model', response: [...(turn.toolCalls ?? []).map(functionCall), ...(turn.text ? [turn.text] : [])] },
    ),
  ];
}

/** The conversation up to the answer being generated: the new message, then the calls this turn already made. */
function historyOf(request: ParsedChatRequest, turns: ParsedChatRequest['history']): ChatHistoryItem[] {
  return [
    ...turnsOf(request.systemPrompt, turns),
    { type: 'user', text: request.prompt },
    { type: 'model', response: request.turnToolCalls.map(functionCall) },
  ];
}

function functionsOf(tools: readonly ToolSpec[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.name, { description: tool.description, params: promptSchema(tool.parameters) }]),
  );
}

/** What the model is shown of these tools: a forced call lists them in the system prompt, its grammar holds their shapes. */
interface ToolView {
  systemPrompt: string | undefined;
  functions: ChatModelFunctions | undefined;
}

function viewOf(systemPrompt: string | undefined, tools: readonly ToolSpec[], required: boolean): ToolView {
  if (tools.length === 0) return { systemPrompt, functions: undefined };
  return required
    ? { systemPrompt: requiredCallPrompt(systemPrompt, tools), functions: undefined }
    : { systemPrompt, functions: functionsOf(tools) };
}

class RequestInvalid extends Error {}

interface FittedConversation {
  history: ChatHistoryItem[];
  droppedTurns: number;
  /** The most the answer may grow to without pushing the conversation out of the context. */
  maxTokens: number;
  /** The tools the model is shown. */
  tools: ToolSpec[];
  /** Whether it must call one of them now: a forced call left with no tool that fits is answered in words. */
  required: boolean;
}

/**
 * The most tokens a rendered text can take: a token holds at least one byte,
 * and each piece (plain text, a template's special tokens) may gain one more
 * where it starts (the tokenizer's leading space, a BOS token).
 */
function tokenUpperBound(text: LlamaText): number {
  return text.values.reduce<number>((total, value) => total + Buffer.byteLength(value.toString()) + 1, 0);
}

/**
 * Leaves out the oldest turns, then the least important tools, until the
 * conversation, with room for the answer, fits the sequence's context.
 * node-llama-cpp would otherwise shift the context silently; this way the
 * caller learns how much was dropped and can say so, and a request that
 * cannot fit says which part is too large.
 */
function fitConversation(
  chat: LlamaChat,
  request: ParsedChatRequest,
  offered: readonly ToolSpec[],
  requiredAsked: boolean,
): FittedConversation {
  const contextSize = chat.sequence.contextSize;
  const answerRoom = answerRoomFor(contextSize, request.maxTokens);
  let tools = [...offered];
  const required = () => requiredAsked && tools.length > 0;
  const contextTextOf = (turns: ParsedChatRequest['history'], of: ParsedChatRequest = request) => {
    const view = viewOf(of.systemPrompt, tools, required());
    return chat.chatWrapper.generateContextState({
      chatHistory: historyOf({ ...of, systemPrompt: view.systemPrompt }, turns),
      availableFunctions: view.functions,
    }).contextText;
  };
  const tokensOf = (turns: ParsedChatRequest['history']) => contextTextOf(turns).tokenize(chat.model.tokenizer).length;
  const fitted = (turns: ParsedChatRequest['history'], maxTokens: number): FittedConversation => ({
    history: historyOf(
      { ...request, systemPrompt: viewOf(request.systemPrompt, tools, required()).systemPrompt },
      turns,
    ),
    droppedTurns: request.history.length - turns.length,
    maxTokens,
    tools,
    required: required(),
  });
  let turns = request.history;
  // node-llama-cpp tokenizes the conversation again to answer: where it fits with the whole
  // answer even at one token per byte, counting first only delays the first word (5-15 ms
  // after a long prefix).
  if (tokenUpperBound(contextTextOf(turns)) + request.maxTokens <= contextSize) return fitted(turns, request.maxTokens);
  const room = contextSize - answerRoom;
  let tokens = tokensOf(turns);
  while (tokens > room && turns.length > 0) {
    // Drop whole exchanges: a conversation that starts with an answer confuses models.
    turns = turns.slice(1);
    if (turns[0]?.role === 'assistant') turns = turns.slice(1);
    tokens = tokensOf(turns);
  }
  while (tokens > room && tools.length > 0) {
    tools = withoutLeastImportant(tools, request.toolsByImportance);
    tokens = tokensOf(turns);
  }
  if (tokens > room) {
    const instructions = contextTextOf([], { ...request, prompt: '', turnToolCalls: [] });
    const instructionTokens = instructions.tokenize(chat.model.tokenizer).length;
    throw new RequestInvalid(
      overflowMessage({ contextSize, answerRoom, instructionTokens, messageTokens: tokens - instructionTokens }),
    );
  }
  return fitted(turns, Math.min(request.maxTokens, contextSize - tokens));
}

class Worker {
  private readonly freeSequences: LlamaContextSequence[];
  /** The system prompt each sequence last evaluated: a request goes where its prefix already is. */
  private readonly systemPromptOf = new WeakMap<LlamaContextSequence, string>();
  private readonly running = new Map<string, AbortController>();
  private idleTimer: NodeJS.Timeout | null = null;
  /** A Prepare holds a sequence while it evaluates; a request waits for it rather than find none free. */
  private preparing: Promise<void> = Promise.resolve();
  /** The tools last fitted to the context, by what they were fitted from: the same for every question. */
  private lastFit: { key: string; tools: ToolSpec[] } | null = null;

  constructor(
    private readonly llama: Llama,
    /** Resolved once at load: working it out from the model's template takes about half a second. */
    private readonly chatWrapper: ChatWrapper,
    sequences: LlamaContextSequence[],
    private readonly idleTimeoutMs: number,
    private readonly prefix: PrefixKeeper,
  ) {
    this.freeSequences = [...sequences];
    this.armIdleTimer();
  }

  receive(message: Command): void {
    switch (message.type) {
      case 'chat':
        void this.chat(message.id, message.request);
        break;
      case 'cancel':
        this.running.get(message.id)?.abort();
        break;
      case 'prepare':
        this.preparing = this.preparing.then(() => this.prepare(message.prefix));
        break;
      case 'start':
        throw new Error('the model is already loaded');
    }
  }

  /** Evaluates the prefix of the next question into a sequence (or finds it there), and saves it when new. */
  private async prepare(prefix: PrefixRequest): Promise<void> {
    const sequence = this.takeSequence(prefix.systemPrompt);
    if (!sequence) return;
    this.disarmIdleTimer();
    let evaluatedTokens = 0;
    try {
      const tools = this.prefixTools(sequence, prefix.systemPrompt, prefix.tools, prefix.toolsByImportance, false);
      const functions = tools.length > 0 ? functionsOf(tools) : undefined;
      evaluatedTokens = await this.prefix.ensure(sequence, prefix.systemPrompt, functions, true);
      this.systemPromptOf.set(sequence, prefix.systemPrompt);
    } catch (error) {
      process.stderr.write(`cannot evaluate the prompt ahead of the question: ${(error as Error).message}\n`);
    }
    this.freeSequences.unshift(sequence);
    if (this.running.size === 0) this.armIdleTimer();
    await send({ type: 'prepared', evaluatedTokens });
  }

  private async chat(id: string, request: ParsedChatRequest): Promise<void> {
    const controller = new AbortController();
    this.running.set(id, controller);
    this.disarmIdleTimer();
    await this.preparing;
    const sequence = this.takeSequence(request.systemPrompt ?? '');
    if (!sequence) {
      this.running.delete(id);
      await send({ type: 'failed', id, reason: 'error', message: 'no free context sequence' });
      return;
    }
    const outcome = await this.generate(id, sequence, request, controller.signal);
    // Back to the pool before the parent hears "done" and sends more work.
    this.systemPromptOf.set(sequence, request.systemPrompt ?? '');
    this.freeSequences.push(sequence);
    this.running.delete(id);
    if (this.running.size === 0) this.armIdleTimer();
    await send(outcome.type === 'done' ? { ...outcome, vram: await vramOf(this.llama) } : outcome);
  }

  /**
   * The tools that fit the share of the context the system prompt and tools
   * may take whatever the question, most important first: the same for a
   * Prepare and for every question that offers the same tools.
   */
  private prefixTools(
    sequence: LlamaContextSequence,
    systemPrompt: string | undefined,
    tools: readonly ToolSpec[],
    importance: readonly string[] | undefined,
    required: boolean,
  ): ToolSpec[] {
    if (tools.length === 0) return [];
    const budget = prefixBudget(sequence.contextSize);
    const key = JSON.stringify([systemPrompt, tools, importance, required, budget]);
    if (this.lastFit?.key === key) return this.lastFit.tools;
    const fits = (tried: readonly ToolSpec[]) => {
      const view = viewOf(systemPrompt, tried, required);
      const { contextText } = this.chatWrapper.generateContextState({
        chatHistory: [
          ...(view.systemPrompt ? [{ type: 'system' as const, text: view.systemPrompt }] : []),
          { type: 'user', text: '' },
          { type: 'model', response: [] },
        ],
        availableFunctions: view.functions,
      });
      return tokenUpperBound(contextText) <= budget || contextText.tokenize(sequence.model.tokenizer).length <= budget;
    };
    const fitted = fitTools(tools, importance, fits);
    this.lastFit = { key, tools: fitted };
    return fitted;
  }

  /**
   * A free sequence that last evaluated the same system prompt, so its
   * evaluated prefix is reused; else the one used longest ago, so that the
   * prefixes used lately stay.
   */
  private takeSequence(systemPrompt: string): LlamaContextSequence | undefined {
    const same = this.freeSequences.findIndex((sequence) => this.systemPromptOf.get(sequence) === systemPrompt);
    return this.freeSequences.splice(same >= 0 ? same : 0, 1)[0];
  }

  private async generate(
    id: string,
    sequence: LlamaContextSequence,
    request: ParsedChatRequest,
    signal: AbortSignal,
  ): Promise<Omit<Extract<FromWorker, { type: 'done' }>, 'vram'> | Extract<FromWorker, { type: 'failed' }>> {
    const started = performance.now();
    let firstTextAt: number | null = null;
    const meterBefore = sequence.tokenMeter.getState();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    // One IPC message per token costs the generation loop measurably; a few per second cost nothing.
    const chunks = new ChunkCoalescer((chunk) => void send({ type: 'chunk', id, text: chunk }), 10, 256);
    const requiredAsked = request.tools.length > 0 && request.toolChoice === 'required';
    let required = requiredAsked;
    let text = '';
    let toolCalls: RequestedCall[] = [];
    let droppedTurns = 0;
    try {
      const offered = this.prefixTools(
        sequence,
        request.systemPrompt,
        request.tools,
        request.toolsByImportance,
        requiredAsked,
      );
      const conversation = fitConversation(chat, request, offered, requiredAsked);
      droppedTurns = conversation.droppedTurns;
      required = conversation.required;
      const functions = required ? undefined : viewOf(request.systemPrompt, conversation.tools, false).functions;
      const schema = required ? requiredCallSchema(conversation.tools) : request.jsonSchema;
      // node-llama-cpp turns what it cannot express into "any"; the service validates the answer again.
      const grammar: LlamaGrammar | undefined = schema
        ? await this.llama.createGrammarForJsonSchema<GbnfJsonSchema, Record<string, GbnfJsonSchema>>(
            schema as GbnfJsonSchema,
          )
        : undefined;
      const onTextChunk = (chunk: string) => {
        firstTextAt ??= performance.now();
        // A forced call is JSON for the service, not text for the reader.
        if (!required) chunks.push(chunk);
      };
      const options = {
        maxTokens: conversation.maxTokens,
        temperature: request.temperature,
        seed: request.seed,
        signal,
        stopOnAbortSignal: true,
        onTextChunk,
      };
      if (required) {
        toolCalls = signal.aborted
          ? []
          : [forcedCall(await this.complete(chat, conversation.history, grammar, options))];
      } else if (grammar) {
        text = await this.complete(chat, conversation.history, grammar, options);
      } else {
        // The first request with a new system prompt or tools keeps them for the next time the model loads;
        // not one whose question took tools away for itself: the next question will have them.
        if (functions && conversation.tools.length === offered.length) {
          await this.prefix.ensure(sequence, request.systemPrompt ?? '', functions, false);
        }
        const result = functions
          ? await chat.generateResponse(conversation.history, { ...options, functions })
          : await chat.generateResponse(conversation.history, options);
        text = result.response;
        toolCalls = (result.functionCalls ?? []).map((call) => ({
          id: randomUUID(),
          name: call.functionName,
          arguments: call.params,
        }));
      }
    } catch (error) {
      const reason = error instanceof RequestInvalid ? 'invalidRequest' : 'error';
      // An abort before the first token rejects even with stopOnAbortSignal.
      if (!signal.aborted) return { type: 'failed', id, reason, message: (error as Error).message };
    } finally {
      chunks.flush();
      chat.dispose({ disposeSequence: false });
    }
    const used = sequence.tokenMeter.diff(meterBefore);
    return {
      type: 'done',
      id,
      cancelled: signal.aborted,
      text,
      usage: usageOf(used, started, firstTextAt),
      droppedTurns,
      toolCalls,
    };
  }

  /**
   * JSON (a forced call, or a schema's answer) as a plain completion of the
   * rendered conversation: a chat would stop at the template's end-of-message
   * text, which can occur inside JSON (a newline, for simple templates), and
   * cut it short; the grammar alone decides where it ends.
   */
  private async complete(
    chat: LlamaChat,
    history: ChatHistoryItem[],
    grammar: LlamaGrammar | undefined,
    options: Omit<LlamaCompletionGenerationOptions, 'grammar'>,
  ): Promise<string> {
    const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: history });
    const completion = new LlamaCompletion({ contextSequence: chat.sequence });
    try {
      return await completion.generateCompletion(contextText.tokenize(chat.model.tokenizer), { ...options, grammar });
    } finally {
      completion.dispose({ disposeSequence: false });
    }
  }

  private armIdleTimer(): void {
    this.disarmIdleTimer();
    // Exiting (rather than unloading the model) returns all memory to the system.
    this.idleTimer = setTimeout(() => process.exit(0), this.idleTimeoutMs);
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

function usageOf(
  used: { usedInputTokens: number; usedOutputTokens: number },
  started: number,
  firstTextAt: number | null,
): Usage {
  const generationSeconds = (performance.now() - (firstTextAt ?? started)) / 1000;
  return {
    promptTokens: used.usedInputTokens,
    completionTokens: used.usedOutputTokens,
    timeToFirstTokenMs: firstTextAt === null ? null : Math.round(firstTextAt - started),
    tokensPerSecond: generationSeconds > 0 ? used.usedOutputTokens / generationSeconds : 0,
  };
}

/**
 * Off on the CPU: there llama.cpp's flash attention costs more per token of
 * context already evaluated (a question after the 3,300-token prefix of the
 * system prompt and tools took 481 ms of CPU with it, 334 ms without, for
 * 180 ms with no prefix; prompt and generation tokens/s stay within 6%). On
 * a GPU node-llama-cpp decides.
 */
const flashAttentionFor = (llama: Llama) => (llama.gpu === false ? false : 'auto');

async function start(settings: WorkerSettings): Promise<{ worker: Worker; info: BackendInfo }> {
  const started = performance.now();
  const { llama, cpuFallbackReason } = await openLlama(settings.gpu);
  // gpuLayers and the context size stay 'auto': node-llama-cpp fits them to the model and free memory.
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  const context = await model.createContext({
    sequences: settings.sequences,
    contextSize: settings.contextSize,
    // Deliberate: node-llama-cpp's default overcommits small machines and runs ~200× slower.
    threads: settings.threads,
    flashAttention: flashAttentionFor(llama),
  });
  const first = context.getSequence();
  const sequences = [first, ...Array.from({ length: settings.sequences - 1 }, () => context.getSequence())];
  const info: BackendInfo = {
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    devices: await llama.getGpuDeviceNames(),
    vram: await vramOf(llama),
    cpuFallbackReason,
    contextSize: context.contextSize,
    batchSize: context.batchSize,
    gpuLayers: model.gpuLayers,
    threads: context.currentThreads,
    sequences: settings.sequences,
    flashAttention: context.flashAttention === false ? 'off' : 'auto',
    prefixState: null,
    loadMs: 0,
  };
  const chatWrapper = chatWrapperFor(model);
  const cache =
    settings.prefixCacheDir === null
      ? null
      : new PrefixCache(settings.prefixCacheDir, {
          model: await modelIdentity(settings.modelPath),
          llamaCpp: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release} ${llama.buildType}`,
          backend: info.backend,
          gpuLayers: info.gpuLayers,
          contextSize: info.contextSize,
          batchSize: info.batchSize,
          flashAttention: context.flashAttention,
          threads: info.threads,
        });
  const prefix = new PrefixKeeper(cache, chatWrapper, model, (message) => process.stderr.write(`${message}\n`));
  // Into the first free sequence: the first request takes it.
  info.prefixState = await prefix.restore(first);
  info.loadMs = Math.round(performance.now() - started);
  return { worker: new Worker(llama, chatWrapper, sequences, settings.idleTimeoutMs, prefix), info };
}

// The first message loads the model; the worker then takes requests.
process.once('message', (data) => {
  const message = toWorkerSchema.parse(data);
  if (message.type !== 'start') throw new Error(`the first message must be "start", not "${message.type}"`);
  start(message.settings).then(
    async ({ worker, info }) => {
      process.on('message', (next) => worker.receive(toWorkerSchema.parse(next)));
      await send({ type: 'ready', info });
    },
    async (error: Error) => {
      await send({ type: 'loadFailed', message: error.message });
      process.exit(0);
    },
  );
});
// Without its parent nobody can use the model: go, and free the memory.
process.on('disconnect', () => process.exit(0));
