// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Inference on an OpenAI-compatible endpoint (vLLM, llama.cpp's server, Ollama,
// LM Studio): streams chat completions, queues requests beyond the configured
// concurrency, and turns the endpoint's failures into errors people can act on.
import { randomUUID } from 'node:crypto';

import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';

import { StewardError } from '../dbus/errors.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import {
  announcePositions,
  CANCELLED_UNSTARTED,
  type ChatCallbacks,
  type ChatOutcome,
  type EngineStatus,
  parseChatRequest,
} from './chatEngine.js';
import type { RequestedCall, ToolCall } from './protocol.js';
import { QueueingEngine } from './queueingEngine.js';
import { builtInRedactor, redactLongText } from './redact.js';

export interface RemoteEngineOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080/v1. */
  url: string;
  model: string;
  apiKey: string | null;
  /** The longest a request may take, answer included. */
  requestTimeoutMs: number;
  /** How many requests run at once; more wait in line. */
  concurrency: number;
  log: Logger;
  /**
   * Takes secrets out of everything sent: the built-in rules and the user's patterns (assistant.redactPatterns);
   * the built-in rules alone when not given.
   */
  redact?: (text: string) => string;
}

type ParsedRequest = ReturnType<typeof parseChatRequest>;

type OpenAIClass = typeof OpenAI;

/**
 * The SDK, imported when a remote endpoint is first used: it holds about 5 MB
 * of the service's heap, which a service that answers with a local model, or
 * with none, never needs.
 */
let sdk: OpenAIClass | null = null;
const loadSdk = async () => (sdk ??= (await import('openai')).default);

type Redact = (text: string) => string;

/** Why a running request was aborted on purpose. */
type AbortReason = 'cancelled' | 'unloaded' | 'timeout';

interface PendingRequest {
  id: string;
  request: ParsedRequest;
  callbacks: ChatCallbacks;
  queuePosition: number;
  abort: AbortController | null;
  abortReason: AbortReason | null;
  /** Settles once the request has ended and let go of its slot. */
  finished: Promise<void> | null;
  resolve(outcome: ChatOutcome): void;
  reject(error: StewardError): void;
}

const unloadedError = () =>
  new StewardError('Unavailable', _('the engine was unloaded before the answer was finished'));

// Node's fetch reports why a connection failed only as a system error code.
const connectionCauses: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** The first system error code in an error's chain of causes. */
function errorCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    // Node tries each address of a host name and reports all the failures together.
    if (current instanceof AggregateError) return errorCode(current.errors[0]);
  }
  return undefined;
}

/** One assistant message per call and its tool message: the shape every OpenAI-compatible server accepts. */
function callMessages(calls: readonly ToolCall[], clean: Redact): ChatCompletionMessageParam[] {
  return calls.flatMap((call): ChatCompletionMessageParam[] => [
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: clean(JSON.stringify(call.arguments)) },
        },
      ],
    },
    { role: 'tool', tool_call_id: call.id, content: clean(call.result) },
  ]);
}

// Everything sent leaves the computer: secrets quoted from logs, configs and tool results are taken out first.
function toMessages(request: ParsedRequest, clean: Redact): ChatCompletionMessageParam[] {
  return [
    ...(request.systemPrompt === undefined ? [] : [{ role: 'system' as const, content: clean(request.systemPrompt) }]),
    ...request.history.flatMap((turn): ChatCompletionMessageParam[] =>
      turn.role === 'user'
        ? [{ role: 'user', content: clean(turn.text) }]
        : [
            ...callMessages(turn.toolCalls ?? [], clean),
            ...(turn.text ? [{ role: 'assistant' as const, content: clean(turn.text) }] : []),
          ],
    ),
    { role: 'user', content: clean(request.prompt) },
    ...callMessages(request.turnToolCalls, clean),
  ];
}

/**
 * The calls of a streamed answer arrive in pieces: by index, the name first, then the arguments' text.
 * Each gets an id of ours: servers' ids need not be unique across requests, and the history we send back is ours.
 */
class StreamedCalls {
  private readonly calls: { name: string; arguments: string }[] = [];

  add(deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[]): void {
    for (const delta of deltas) {
      const call = (this.calls[delta.index] ??= { name: '', arguments: '' });
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
  }

  /** Arguments that are not JSON are passed on as text: the service tells the model the call was unreadable. */
  finish(): RequestedCall[] {
    return this.calls.map((call) => ({
      id: randomUUID(),
      name: call.name,
      arguments: parseArguments(call.arguments),
    }));
  }
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return text;
  }
}

/**
 * `redact` for the texts of `request`, worked out ahead a piece at a time: a long message (a hundred thousand
 * characters of a log) must not keep the service from answering its other callers while it is cleaned.
 */
async function redactedAhead(request: ParsedRequest, redact: Redact): Promise<Redact> {
  const texts = new Set<string>();
  toMessages(request, (text) => {
    texts.add(text);
    return text;
  });
  const cleaned = new Map<string, string>();
  for (const text of texts) cleaned.set(text, await redactLongText(text, redact));
  return (text) => cleaned.get(text) ?? redact(text);
}

function toParams(model: string, request: ParsedRequest, clean: Redact): ChatCompletionCreateParamsStreaming {
  return {
    model,
    messages: toMessages(request, clean),
    // Not max_completion_tokens: llama.cpp's server and Ollama know only max_tokens.
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    seed: request.seed,
    response_format: request.jsonSchema && {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: request.jsonSchema, strict: true },
    },
    ...(request.tools.length > 0 && {
      tools: request.tools.map((tool) => ({
        type: 'function' as const,
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      })),
      tool_choice: request.toolChoice,
    }),
    stream: true,
    stream_options: { include_usage: true },
  };
}

export class RemoteEngine extends QueueingEngine<PendingRequest> {
  private client: OpenAI | null = null;
  private readonly running = new Map<string, PendingRequest>();

  constructor(private readonly options: RemoteEngineOptions) {
    super();
  }

  private clientOf(OpenAISdk: OpenAIClass): OpenAI {
    return (this.client ??= new OpenAISdk({
      baseURL: this.options.url,
      apiKey: this.options.apiKey ?? 'none',
      maxRetries: 0,
      timeout: this.options.requestTimeoutMs,
      // Otherwise the client adds OPENAI_ORG_ID and OPENAI_PROJECT_ID from the environment, meant for OpenAI only.
      organization: null,
      project: null,
      logLevel: 'off',
    }));
  }

  status(): EngineStatus {
    return {
      state: this.paused ? 'paused' : 'ready',
      location: 'remote',
      model: this.options.model,
      endpoint: this.options.url,
      workerPid: null,
      backend: null,
      cpuFallbackReason: null,
      lastError: this.lastError,
      activeRequests: this.running.size,
      queuedRequests: this.queue.length,
    };
  }

  protected pausedMessage(): string {
    return _('inference is paused; resume it to chat');
  }

  protected newPending(
    id: string,
    request: ParsedRequest,
    callbacks: ChatCallbacks,
    resolve: (outcome: ChatOutcome) => void,
    reject: (error: StewardError) => void,
  ): PendingRequest {
    return {
      id,
      request,
      callbacks,
      queuePosition: 0,
      abort: null,
      abortReason: null,
      finished: null,
      resolve,
      reject,
    };
  }

  /** Ends every request; there is nothing else to free. */
  async unload(): Promise<void> {
    for (const pending of this.queue.splice(0)) pending.reject(unloadedError());
    const running = [...this.running.values()];
    for (const pending of running) this.abort(pending, 'unloaded');
    this.emitStatus();
    await Promise.all(running.flatMap((pending) => (pending.finished ? [pending.finished] : [])));
  }

  protected cancelRunning(id: string): void {
    const running = this.running.get(id);
    if (running) this.abort(running, 'cancelled');
  }

  private abort(pending: PendingRequest, reason: AbortReason): void {
    pending.abortReason ??= reason;
    pending.abort?.abort();
  }

  protected pump(): void {
    while (this.running.size < this.options.concurrency) {
      const pending = this.queue.shift();
      if (!pending) break;
      this.running.set(pending.id, pending);
      pending.finished = this.run(pending);
    }
    announcePositions(this.queue);
    this.emitStatus();
  }

  private async run(pending: PendingRequest): Promise<void> {
    pending.abort = new AbortController();
    let deadline: NodeJS.Timeout | undefined;
    try {
      // Loaded before the deadline starts: on a busy machine the first import of the SDK alone outlasted a short
      // timeout, which then ended a request the endpoint never saw.
      const client = this.clientOf(await loadSdk());
      // The client's own timeout ends only at the response headers; an answer that stalls midway needs this one.
      deadline = setTimeout(() => this.abort(pending, 'timeout'), this.options.requestTimeoutMs);
      const outcome = await this.stream(client, pending, pending.abort.signal);
      if (pending.abortReason === 'unloaded') throw unloadedError();
      if (pending.abortReason === 'timeout') throw this.timeoutError();
      this.lastError = null;
      pending.resolve(outcome);
    } catch (error) {
      // Cancelled before the endpoint began to answer, so there is no text yet.
      if (pending.abortReason === 'cancelled' && sdk && error instanceof sdk.APIUserAbortError) {
        pending.resolve(CANCELLED_UNSTARTED);
        return;
      }
      const failure = this.describeFailure(pending, error);
      if (pending.abortReason !== 'unloaded') {
        this.lastError = failure.message;
        this.options.log.warning('the remote endpoint could not answer', {
          endpoint: this.options.url,
          model: this.options.model,
          problem: failure.message,
        });
      }
      pending.reject(failure);
    } finally {
      clearTimeout(deadline);
      this.running.delete(pending.id);
      this.pump();
    }
  }

  /** Resolves with what arrived, also when the request was aborted (the stream then just ends). */
  private async stream(client: OpenAI, pending: PendingRequest, signal: AbortSignal): Promise<ChatOutcome> {
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    const calls = new StreamedCalls();
    const clean = await redactedAhead(pending.request, this.options.redact ?? builtInRedactor);
    const stream = await client.chat.completions.create(toParams(this.options.model, pending.request, clean), {
      signal,
    });
    for await (const chunk of stream) {
      usage = chunk.usage ?? usage;
      calls.add(chunk.choices[0]?.delta.tool_calls ?? []);
      const delta = chunk.choices[0]?.delta.content;
      if (!delta) continue;
      firstTokenAt ??= performance.now();
      text += delta;
      pending.callbacks.onChunk?.(delta);
    }
    const finished = performance.now();
    const completionTokens = usage?.completion_tokens ?? 0;
    const generationSeconds = firstTokenAt === null ? 0 : (finished - firstTokenAt) / 1000;
    return {
      status: pending.abortReason === 'cancelled' ? 'cancelled' : 'done',
      text,
      usage: {
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens,
        timeToFirstTokenMs: firstTokenAt === null ? null : Math.round(firstTokenAt - started),
        tokensPerSecond: generationSeconds > 0 ? completionTokens / generationSeconds : 0,
      },
      droppedTurns: 0,
      toolCalls: calls.finish(),
    };
  }

  private describeFailure(pending: PendingRequest, error: unknown): StewardError {
    if (error instanceof StewardError) return error;
    // Only the SDK throws its own errors, so they come after it has loaded.
    const OpenAISdk = sdk;
    if (pending.abortReason === 'unloaded') return unloadedError();
    if (pending.abortReason === 'timeout' || (OpenAISdk && error instanceof OpenAISdk.APIConnectionTimeoutError)) {
      return this.timeoutError();
    }
    const { url, model } = this.options;
    if (OpenAISdk && error instanceof OpenAISdk.APIConnectionError) {
      const code = errorCode(error);
      const cause = (code && connectionCauses[code]) ?? code ?? error.message;
      return new StewardError('Unavailable', this.redact(`cannot reach ${url}: ${cause}`));
    }
    if (OpenAISdk && error instanceof OpenAISdk.APIError && error.status !== undefined) {
      const serverMessage = this.redact(error.message.replace(/^\d{3}\s*/, '') || 'no details');
      if (error.status === 401 || error.status === 403) {
        return new StewardError('NotAuthorized', `${url} refused the API key (${error.status}): ${serverMessage}`);
      }
      if (error.status === 404) {
        return new StewardError(
          'NotFound',
          `${url} has no model "${model}", or the URL is not an OpenAI-compatible API (404): ${serverMessage}`,
        );
      }
      return new StewardError('Unavailable', `${url} answered with an error (${error.status}): ${serverMessage}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new StewardError('Unavailable', this.redact(`${url} failed while answering: ${message}`));
  }

  private timeoutError(): StewardError {
    return new StewardError(
      'Unavailable',
      `cannot reach ${this.options.url}: no complete answer within ${this.options.requestTimeoutMs / 1000} s`,
    );
  }

  /** Some servers quote the key they refused; it must never reach a message or the log. */
  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('[API key]') : text;
  }
}
