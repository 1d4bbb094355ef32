// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The messages between the service (the supervisor) and the inference worker
// process, sent over Node's IPC channel. Both sides parse what they receive:
// the other side is a separate process, so its messages are data to check.
import { z } from 'zod';

export const gpuSettingSchema = z.union([z.enum(['auto', 'cuda', 'vulkan', 'metal']), z.literal(false)]);
export type GpuSetting = z.infer<typeof gpuSettingSchema>;

/** A tool call the model made, with the result it was given. */
export const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/**
 * A finished turn of a conversation; the worker keeps no history between requests.
 * An assistant turn may have consulted tools before its text.
 */
export const chatTurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  toolCalls: z.array(toolCallSchema).optional(),
});
export type ChatTurn = z.input<typeof chatTurnSchema>;

/** A function the model may call; `parameters` is a JSON Schema of an object. */
export const toolSpecSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

/** A call the model asks for; the service runs it and sends the result in the next request. */
export const requestedCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Parsed JSON as the model wrote it: the service validates it against the tool's schema. */
  arguments: z.unknown(),
});
export type RequestedCall = z.infer<typeof requestedCallSchema>;

export const chatRequestSchema = z.object({
  systemPrompt: z.string().optional(),
  history: z.array(chatTurnSchema).default([]),
  prompt: z.string(),
  maxTokens: z.number().int().positive(),
  temperature: z.number().min(0).optional(),
  seed: z.number().int().optional(),
  /** Constrains the answer to JSON of this schema (node-llama-cpp's grammar); the caller validates it again. */
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
  /** Functions the model may call; it then stops and the outcome lists the calls. */
  tools: z.array(toolSpecSchema).default([]),
  /**
   * The names of `tools`, most important first: a local model whose context
   * has no room for them all is shown the most important that fit, in the
   * order of `tools`. Without it, the order of `tools`.
   */
  toolsByImportance: z.array(z.string()).optional(),
  /** 'required': the model must call one of `tools` now (grammar-constrained locally). */
  toolChoice: z.enum(['auto', 'required']).default('auto'),
  /** The calls this turn already made, with their results: the model continues after them. */
  turnToolCalls: z.array(toolCallSchema).default([]),
});
export type ChatRequest = z.input<typeof chatRequestSchema>;

export const usageSchema = z.object({
  /** Prompt tokens evaluated for this request; a prefix the worker kept from earlier requests is reused, not counted. */
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** From the worker receiving the request to the first generated text; null when nothing was generated. */
  timeToFirstTokenMs: z.number().nonnegative().nullable(),
  tokensPerSecond: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export const vramSchema = z.object({
  total: z.number().nonnegative(),
  used: z.number().nonnegative(),
  free: z.number().nonnegative(),
});
export type Vram = z.infer<typeof vramSchema>;

/** The system prompt and tools saved when the model was last loaded, as this load restored them. */
export const prefixStateSchema = z.object({
  /** Tokens restored instead of evaluated; 0 when nothing was saved or the file could not be used. */
  restoredTokens: z.number().int().nonnegative(),
  restoreMs: z.number().nonnegative(),
  /** The size of the file restored. */
  bytes: z.number().int().nonnegative(),
  /** Why a saved file was not used; null when none was found or it was. */
  problem: z.string().nullable(),
});
export type PrefixState = z.infer<typeof prefixStateSchema>;

/** What the worker actually got: llama.cpp may pick less than was asked for. */
export const backendInfoSchema = z.object({
  /** The GPU backend in use, or 'cpu'. */
  backend: z.enum(['cuda', 'vulkan', 'metal', 'cpu']),
  devices: z.array(z.string()),
  vram: vramSchema,
  /** Why a GPU that was asked for by name is not in use; null when nothing fell back. */
  cpuFallbackReason: z.string().nullable(),
  contextSize: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  gpuLayers: z.number().int().nonnegative(),
  threads: z.number().int().nonnegative(),
  sequences: z.number().int().positive(),
  /** llama.cpp's flash attention: off on the CPU, where it made attention over a long prompt slower; elsewhere llama.cpp decides. */
  flashAttention: z.enum(['off', 'auto']),
  /** null when the worker keeps no prefix on disk. */
  prefixState: prefixStateSchema.nullable(),
  /** From the start message to ready: llama.cpp, the model, the context and the restored prompt. */
  loadMs: z.number().nonnegative(),
});
export type BackendInfo = z.infer<typeof backendInfoSchema>;

export const workerSettingsSchema = z.object({
  modelPath: z.string(),
  gpu: gpuSettingSchema,
  sequences: z.number().int().positive(),
  threads: z.number().int().positive(),
  contextSize: z.union([z.literal('auto'), z.number().int().positive()]),
  /** The worker exits on its own after this long without requests, so its memory returns to the system. */
  idleTimeoutMs: z.number().int().positive(),
  /** Where the evaluated system prompt and tools are kept between loads; none when null. */
  prefixCacheDir: z.string().nullable().default(null),
});
export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

/** The part every question starts with: a Prepare evaluates it before the question comes. */
export const prefixRequestSchema = z.object({
  systemPrompt: z.string(),
  tools: z.array(toolSpecSchema),
  /** As a chat request's: the worker fits the tools to the context the same way, so the question finds them evaluated. */
  toolsByImportance: z.array(z.string()).optional(),
});
export type PrefixRequest = z.infer<typeof prefixRequestSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), settings: workerSettingsSchema }),
  z.object({ type: z.literal('chat'), id: z.string(), request: chatRequestSchema }),
  z.object({ type: z.literal('cancel'), id: z.string() }),
  z.object({ type: z.literal('prepare'), prefix: prefixRequestSchema }),
]);
export type ToWorker = z.input<typeof toWorkerSchema>;

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), info: backendInfoSchema }),
  z.object({ type: z.literal('loadFailed'), message: z.string() }),
  z.object({ type: z.literal('chunk'), id: z.string(), text: z.string() }),
  /** A Prepare is done: the prefix is in a sequence (and saved), `evaluatedTokens` of it evaluated now. */
  z.object({ type: z.literal('prepared'), evaluatedTokens: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('done'),
    id: z.string(),
    cancelled: z.boolean(),
    text: z.string(),
    usage: usageSchema,
    droppedTurns: z.number().int().nonnegative(),
    /** Calls the model asked for; the text (if any) came before them. */
    toolCalls: z.array(requestedCallSchema),
    vram: vramSchema,
  }),
  z.object({
    type: z.literal('failed'),
    id: z.string(),
    /** 'invalidRequest': the request cannot work with this model (it is too long); retrying will not help. */
    reason: z.enum(['invalidRequest', 'error']),
    message: z.string(),
  }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;
