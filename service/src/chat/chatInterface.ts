// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomUUID } from 'node:crypto';

import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import type { Assistant } from '../assistant/assistant.js';
import type { ToolStepEvent, TurnOutcome } from '../assistant/turn.js';
import { StewardError } from '../dbus/errors.js';
import type { ChatProperties } from '../dbus/generated.js';
import type { InterfaceSignals } from '../dbus/interfaceSignals.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import { pageKeys, pageOf } from '../dbus/paging.js';
import { variantOf } from '../dbus/variants.js';
import type { ChatEngine, EngineStatus } from '../engine/chatEngine.js';
import { ChunkCoalescer } from '../engine/chunkCoalescer.js';
import type { EngineProvider } from '../engine/engineProvider.js';
import { _, format, ngettext } from '../i18n.js';
import type { Logger } from '../logging.js';
import type { ChatSessionStore, SessionInfo, StoredMessage } from './sessionStore.js';
import { type JsonSchemaRequest, parseJsonSchema, validateAnswer } from './structuredOutput.js';

const sessionId = z.union([z.literal(''), z.uuid('not a session id from Send')]);
const existingSessionId = z.uuid('not a session id from Send');
const requestId = z.uuid('not a request id from Send');
const prompt = z
  .string()
  .trim()
  .min(1, 'the message is empty')
  .max(100_000, 'the message is longer than 100000 characters');

const sendOptions = z
  .object({
    'max-tokens': variantOf('u', z.number().int().min(1).max(32_768)).optional(),
    temperature: variantOf('d', z.number().min(0).max(5)).optional(),
    seed: variantOf('u', z.number().int()).optional(),
    'json-schema': variantOf('s', z.string().max(100_000)).optional(),
    tools: variantOf('b', z.boolean()).optional(),
    'tool-choice': variantOf('s', z.enum(['auto', 'required'])).optional(),
  })
  .strict();
const title = z.string().trim().min(1, 'the title is empty').max(200, 'the title is longer than 200 characters');
type SendOptions = z.infer<typeof sendOptions>;

export type ResponseStatus = 'done' | 'cancelled' | 'failed';

export interface ChatSignals {
  chunk(requestId: string, text: string): void;
  queuePosition(requestId: string, position: number): void;
  toolStep(requestId: string, step: ToolStepEvent): void;
  done(
    requestId: string,
    sessionId: string,
    status: ResponseStatus,
    text: string,
    usage: Record<string, Variant>,
    notice: string,
    proposalIds: number[],
    error?: StewardError,
  ): void;
  propertiesChanged(names: (keyof ChatProperties)[]): void;
}

/** The Chat interface's signals on the bus. */
export function chatBusSignals(bus: InterfaceSignals<'io.github.steward.Steward1.Chat'>): ChatSignals {
  return {
    chunk: (requestId, text) => bus.emit('ResponseChunk', { requestId, text }),
    queuePosition: (requestId, position) => bus.emit('QueuePosition', { requestId, position }),
    toolStep: (requestId, step) => bus.emit('ToolStep', { requestId, ...step }),
    done: (requestId, sessionId, status, text, usage, notice, proposalIds, error) =>
      bus.emit('ResponseDone', {
        requestId,
        sessionId,
        status,
        text,
        usage,
        notice,
        errorName: error?.dbusName ?? '',
        errorMessage: error?.message ?? '',
        proposalIds: proposalIds.map(String),
      }),
    propertiesChanged: (names) => bus.propertiesChanged(names),
  };
}

export interface ChatInterfaceOptions {
  provider: EngineProvider;
  sessions: ChatSessionStore;
  assistant: Assistant;
  signals: ChatSignals;
  /** Calls `onGone` once the bus connection `name` closes; resolves with a function that stops watching. */
  watchCaller(name: string, onGone: () => void): Promise<() => void>;
  maxAnswerTokens(): number;
  log: Logger;
}

interface RunningRequest {
  cancel(): void;
  sessionId: string;
}

/** What an answer ended with, however it was made (the assistant's turn, or a structured answer). */
interface Answer {
  outcome: TurnOutcome;
  summarizedMessages: number;
  notice: string;
}

/** D-Bus strings cannot hold NUL, which a model can generate; it carries nothing a reader needs. */
const busText = (text: string) => text.replaceAll('\0', '');

function usageDict(answer: Answer | null): Record<string, Variant> {
  const outcome = answer?.outcome;
  const usage = outcome?.usage;
  const dict: Record<string, Variant> = {
    'prompt-tokens': new Variant('u', usage?.promptTokens ?? 0),
    'completion-tokens': new Variant('u', usage?.completionTokens ?? 0),
    'tokens-per-second': new Variant('d', usage?.tokensPerSecond ?? 0),
    'dropped-turns': new Variant('u', outcome?.droppedTurns ?? 0),
    'summarized-turns': new Variant('u', answer?.summarizedMessages ?? 0),
    'tool-calls': new Variant('u', outcome?.toolCalls.length ?? 0),
  };
  if (usage?.timeToFirstTokenMs != null) dict['time-to-first-token-ms'] = new Variant('d', usage.timeToFirstTokenMs);
  return dict;
}

function droppedNotice(droppedTurns: number): string {
  if (droppedTurns === 0) return '';
  return format(
    ngettext(
      "The oldest message was left out: the conversation no longer fits the model's context.",
      "The {count} oldest messages were left out: the conversation no longer fits the model's context.",
      droppedTurns,
    ),
    { count: droppedTurns },
  );
}

/** Said once, when more of the conversation than before is seen only as a summary. */
function summaryNotice(summarized: number, before: number): string {
  if (summarized <= before) return '';
  return format(
    ngettext(
      'The model now sees the oldest message of this conversation only as a summary, to fit its context.',
      'The model now sees the {count} oldest messages of this conversation only as a summary, to fit its context.',
      summarized,
    ),
    { count: summarized },
  );
}

const microseconds = (time: Date) => BigInt(time.getTime()) * 1000n;

function messageDict(message: StoredMessage): Record<string, Variant> {
  const dict: Record<string, Variant> = {
    role: new Variant('s', message.role),
    text: new Variant('s', message.text),
    time: new Variant('x', microseconds(message.time)),
  };
  if (message.role === 'assistant') {
    dict['tool-steps'] = new Variant(
      'aa{sv}',
      message.toolCalls.map((call) => ({
        tool: new Variant('s', call.name),
        status: new Variant('s', call.status),
        arguments: new Variant('s', JSON.stringify(call.arguments)),
        result: new Variant('s', call.result),
      })),
    );
    dict.proposals = new Variant('as', message.proposalIds.map(String));
  }
  return dict;
}

export function engineStatusDict(state: string, status: EngineStatus | null, modelName = ''): Record<string, Variant> {
  const dict: Record<string, Variant> = {
    state: new Variant('s', state),
    location: new Variant('s', status?.location ?? 'local'),
    'data-leaves-computer': new Variant('b', status?.location === 'remote'),
    model: new Variant('s', status?.model ?? modelName),
    'active-requests': new Variant('u', status?.activeRequests ?? 0),
    'queued-requests': new Variant('u', status?.queuedRequests ?? 0),
  };
  if (!status) return dict;
  if (status.endpoint) dict.endpoint = new Variant('s', status.endpoint);
  if (status.lastError) dict['last-error'] = new Variant('s', status.lastError);
  if (status.cpuFallbackReason) dict['cpu-fallback-reason'] = new Variant('s', status.cpuFallbackReason);
  if (status.workerPid !== null) dict['worker-pid'] = new Variant('u', status.workerPid);
  const backend = status.backend;
  if (backend) {
    Object.assign(dict, {
      backend: new Variant('s', backend.backend),
      devices: new Variant('as', backend.devices),
      'vram-total': new Variant('t', BigInt(backend.vram.total)),
      'vram-used': new Variant('t', BigInt(backend.vram.used)),
      'context-size': new Variant('u', backend.contextSize),
      'batch-size': new Variant('u', backend.batchSize),
      'gpu-layers': new Variant('u', backend.gpuLayers),
      threads: new Variant('u', backend.threads),
      sequences: new Variant('u', backend.sequences),
      'flash-attention': new Variant('s', backend.flashAttention),
      'load-ms': new Variant('d', backend.loadMs),
    });
    const prefix = backend.prefixState;
    if (prefix) {
      Object.assign(dict, {
        'prefix-restored-tokens': new Variant('u', prefix.restoredTokens),
        'prefix-restore-ms': new Variant('d', prefix.restoreMs),
        'prefix-state-bytes': new Variant('t', BigInt(prefix.bytes)),
      });
      if (prefix.problem) dict['prefix-problem'] = new Variant('s', prefix.problem);
    }
  }
  return dict;
}

/** io.github.steward.Steward1.Chat: streamed answers with tools, conversations and the engine switch. */
export class ChatInterface {
  private readonly running = new Map<string, RunningRequest>();
  /** Session id → the request answering in it: one at a time, so the history stays in order. */
  private readonly answering = new Map<string, string>();
  private reportedState = '';
  private reportedPaused = false;

  constructor(private readonly options: ChatInterfaceOptions) {
    options.provider.on('changed', () => this.reportChanges());
    this.reportedState = options.provider.state();
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Chat'> {
    const { provider, sessions } = this.options;
    return {
      properties: {
        EngineState: () => provider.state(),
        Paused: () => provider.isPaused,
      },
      methods: {
        Send: method(z.tuple([sessionId, prompt, sendOptions]), ([session, text, options]) =>
          this.send(session, text, options),
        ),
        Cancel: method(z.tuple([requestId]), ([id]) => {
          const request = this.running.get(id);
          if (!request) throw new StewardError('NotFound', `no answer ${id} is in progress`);
          request.cancel();
        }),
        Ask: method(z.tuple([prompt]), ([text], { sender }) => this.ask(text, sender)),
        GetHistory: method(z.tuple([existingSessionId]), ([id]) => {
          sessions.get(id);
          return sessions.messages(id).map(messageDict);
        }),
        // A conversation whose only question was cancelled or failed holds nothing to resume: it is not
        // listed (its id stays valid for the client that holds it, and the oldest are pruned).
        ListSessions: method(z.tuple([]), () => this.resumableSessions().map((info) => this.sessionDict(info))),
        ListSessionsPage: method(z.tuple([z.object(pageKeys).strict()]), ([options]) => {
          const { offset, limit } = pageOf(options);
          // The store keeps a bounded number of conversations, so the page is cut from the filtered list.
          const resumable = this.resumableSessions();
          return [resumable.slice(offset, offset + limit).map((info) => this.sessionDict(info)), resumable.length];
        }),
        RenameSession: method(z.tuple([existingSessionId, title]), ([id, name]) => {
          sessions.rename(id, name);
        }),
        DeleteSession: method(z.tuple([existingSessionId]), ([id]) => {
          sessions.delete(id);
          const answering = this.answering.get(id);
          if (answering) this.running.get(answering)?.cancel();
        }),
        GetEngineStatus: method(z.tuple([]), () =>
          engineStatusDict(provider.state(), provider.status(), provider.modelName()),
        ),
        Prepare: method(z.tuple([]), () => this.prepare()),
        Unload: method(z.tuple([]), () => provider.unload()),
        SetPaused: method(z.tuple([z.boolean()]), ([paused]) => provider.setPaused(paused)),
      },
    };
  }

  /** Loads the model now, then has the worker evaluate the prompt the next question starts with. */
  private async prepare(): Promise<string> {
    const engine = await this.options.provider.engine();
    if (engine.prepare) {
      // Loading starts before the prompt is built (the machine's summary is read for it).
      engine.prepare(null);
      engine.prepare(await this.options.assistant.prefix(engine));
    }
    return this.options.provider.state();
  }

  private resumableSessions(): SessionInfo[] {
    return this.options.sessions.list().filter((info) => info.messageCount > 0 || this.answering.has(info.id));
  }

  private sessionDict(info: SessionInfo): Record<string, Variant> {
    return {
      id: new Variant('s', info.id),
      title: new Variant('s', info.title),
      created: new Variant('x', microseconds(info.createdAt)),
      updated: new Variant('x', microseconds(info.updatedAt)),
      messages: new Variant('u', info.messageCount),
      answering: new Variant('b', this.answering.has(info.id)),
    };
  }

  private async send(id: string, text: string, options: SendOptions): Promise<[string, string]> {
    const { sessions, signals } = this.options;
    const structured = options['json-schema'] === undefined ? null : parseJsonSchema(options['json-schema']);
    if (id !== '') sessions.get(id);
    // An answer that could not be kept is refused before the model works on it.
    sessions.assertWritable();
    if (id !== '' && this.answering.has(id)) {
      throw new StewardError('Busy', `the session is still answering ${this.answering.get(id)}; wait or cancel it`);
    }
    const engine = await this.options.provider.engine();
    const session = id === '' ? sessions.create().id : id;
    const requestId = randomUUID();
    const coalescer = new ChunkCoalescer((chunk) => signals.chunk(requestId, chunk));
    // What the reader has seen: an answer that fails keeps it.
    let streamed = '';
    const callbacks = {
      onChunk: (chunk: string) => {
        streamed += busText(chunk);
        coalescer.push(busText(chunk));
      },
      onQueuePosition: (position: number) => signals.queuePosition(requestId, position),
      onToolStep: (step: ToolStepEvent) => {
        // A step's signal must not overtake the text streamed before it.
        coalescer.flush();
        signals.toolStep(requestId, step);
      },
    };
    const before = sessions.summary(session)?.coveredMessages ?? 0;
    // Taken before the first await, so a second Send to this session is refused rather than interleaved.
    this.answering.set(session, requestId);
    const started = await (
      structured
        ? Promise.resolve(this.startStructured(engine, text, options, structured, callbacks.onChunk))
        : this.startTurn(engine, session, text, options, callbacks)
    ).catch((error: unknown) => {
      this.answering.delete(session);
      throw error;
    });
    this.running.set(requestId, { cancel: started.cancel, sessionId: session });
    const asked = new Date();
    void started.answer
      .then((answer) => this.record(session, text, asked, answer))
      .then(
        (answer) => {
          coalescer.flush();
          const notice = [
            answer.notice,
            droppedNotice(answer.outcome.droppedTurns),
            summaryNotice(answer.summarizedMessages, before),
          ]
            .filter(Boolean)
            .join(' ');
          const { outcome } = answer;
          signals.done(
            requestId,
            session,
            outcome.status,
            outcome.text,
            usageDict(answer),
            notice,
            outcome.proposalIds,
          );
        },
        (error: unknown) => {
          coalescer.flush();
          const failure = this.asStewardError(error, requestId);
          if (streamed !== '') this.recordCutShort(session, text, asked, streamed);
          const notice = streamed === '' ? '' : _('The answer was cut short: it failed before it was finished.');
          signals.done(requestId, session, 'failed', streamed, usageDict(null), notice, [], failure);
        },
      )
      .finally(() => {
        this.answering.delete(session);
        this.running.delete(requestId);
      });
    return [session, requestId];
  }

  private async startTurn(
    engine: ChatEngine,
    session: string,
    text: string,
    options: SendOptions,
    callbacks: Parameters<Assistant['start']>[0]['callbacks'],
  ): Promise<{ answer: Promise<Answer>; cancel(): void }> {
    const started = await this.options.assistant.start({
      engine,
      messages: this.options.sessions.messages(session),
      prompt: text,
      maxTokens: options['max-tokens'] ?? this.options.maxAnswerTokens(),
      temperature: options.temperature,
      seed: options.seed,
      useTools: options.tools ?? true,
      toolChoice: options['tool-choice'] ?? 'auto',
      callbacks,
    });
    if (started.summary !== null) {
      this.options.sessions.setSummary(session, { text: started.summary, coveredMessages: started.summarizedMessages });
    }
    return {
      answer: started.handle.result.then((outcome) => ({
        outcome: { ...outcome, text: busText(outcome.text) },
        summarizedMessages: started.summarizedMessages,
        notice: started.notice,
      })),
      cancel: () => started.handle.cancel(),
    };
  }

  /** An answer constrained to the client's JSON schema: no tools, no history, validated before it is reported done. */
  private startStructured(
    engine: ChatEngine,
    text: string,
    options: SendOptions,
    structured: JsonSchemaRequest,
    onChunk: (chunk: string) => void,
  ): { answer: Promise<Answer>; cancel(): void } {
    const handle = engine.chat(
      {
        prompt: text,
        maxTokens: options['max-tokens'] ?? this.options.maxAnswerTokens(),
        temperature: options.temperature,
        seed: options.seed,
        jsonSchema: structured.schema,
      },
      { onChunk },
    );
    const answer = handle.result.then((outcome): Answer => {
      const answerText = busText(outcome.text);
      if (outcome.status === 'done') validateAnswer(answerText, structured.validator);
      return {
        outcome: { ...outcome, text: answerText, toolCalls: [], proposalIds: [] },
        summarizedMessages: 0,
        notice: '',
      };
    });
    return { answer, cancel: () => handle.cancel() };
  }

  /** Keeps the exchange; what is stored is what the user saw. */
  private record(session: string, prompt: string, asked: Date, answer: Answer): Answer {
    const { outcome } = answer;
    const { sessions } = this.options;
    // The session may have been deleted while it answered; then there is nothing to keep.
    if ((outcome.status === 'done' || outcome.text !== '' || outcome.toolCalls.length > 0) && sessions.has(session)) {
      sessions.append(
        session,
        { role: 'user', text: prompt, time: asked, toolCalls: [], proposalIds: [] },
        {
          role: 'assistant',
          text: outcome.text,
          time: new Date(),
          toolCalls: outcome.toolCalls,
          proposalIds: outcome.proposalIds,
        },
      );
    }
    return answer;
  }

  /** Keeps the text a failed answer streamed, as a cancelled answer's is kept; a store that cannot write only loses it. */
  private recordCutShort(session: string, prompt: string, asked: Date, partial: string): void {
    const { sessions, log } = this.options;
    if (!sessions.has(session)) return;
    try {
      sessions.append(
        session,
        { role: 'user', text: prompt, time: asked, toolCalls: [], proposalIds: [] },
        { role: 'assistant', text: partial, time: new Date(), toolCalls: [], proposalIds: [] },
      );
    } catch (error) {
      log.warning('cannot keep the text of a failed answer', { session, reason: String(error) });
    }
  }

  private async ask(text: string, caller: string): Promise<string> {
    // The caller is watched before the answer starts: awaiting the watch while the answer ran left its
    // rejection (a question longer than the context) without a handler, and that ended the service.
    // A script that gave up (its --timeout passed, or it was interrupted) should not keep the model busy.
    let callerGone = false;
    let cancel = () => {};
    const stopWatching = await this.options.watchCaller(caller, () => {
      callerGone = true;
      cancel();
    });
    try {
      const engine = await this.options.provider.engine();
      const started = await this.options.assistant.start({
        engine,
        messages: [],
        prompt: text,
        maxTokens: this.options.maxAnswerTokens(),
        useTools: true,
        toolChoice: 'auto',
        callbacks: {},
      });
      cancel = () => started.handle.cancel();
      if (callerGone) cancel();
      const outcome = await started.handle.result;
      if (outcome.status === 'cancelled') throw new StewardError('Unavailable', _('the answer was cancelled'));
      // A script must not take silence for an answer.
      if (outcome.text.trim() === '') {
        throw new StewardError('InvalidOutput', _('the model gave an empty answer; ask again, perhaps in other words'));
      }
      return busText(outcome.text);
    } finally {
      stopWatching();
    }
  }

  private asStewardError(error: unknown, requestId: string): StewardError {
    if (error instanceof StewardError) return error;
    this.options.log.error('chat request failed', { request: requestId, error: String(error) });
    return new StewardError(
      'Internal',
      _('the answer failed because of a bug in Steward; the service log has details'),
    );
  }

  private reportChanges(): void {
    const { provider, signals } = this.options;
    const changed: (keyof ChatProperties)[] = [];
    if (provider.state() !== this.reportedState) changed.push('EngineState');
    if (provider.isPaused !== this.reportedPaused) changed.push('Paused');
    this.reportedState = provider.state();
    this.reportedPaused = provider.isPaused;
    if (changed.length > 0) signals.propertiesChanged(changed);
  }
}
