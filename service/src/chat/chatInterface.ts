import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';
import { StewardError } from '../dbus/errors.js';
import { method, type InterfaceImpl } from '../dbus/objectServer.js';
import { variantOf } from '../dbus/variants.js';
import type { ChatHandle, ChatOutcome, EngineStatus } from '../engine/chatEngine.js';
import type { EngineProvider } from '../engine/engineProvider.js';
import type { Logger } from '../logging.js';
import { ChunkCoalescer } from '../engine/chunkCoalescer.js';
import type { ChatSession, ChatSessions } from './sessions.js';
import { parseJsonSchema, validateAnswer, type JsonSchemaRequest } from './structuredOutput.js';

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
  })
  .strict();
type SendOptions = z.infer<typeof sendOptions>;

export type ResponseStatus = 'done' | 'cancelled' | 'failed';

export interface ChatSignals {
  chunk(requestId: string, text: string): void;
  queuePosition(requestId: string, position: number): void;
  done(
    requestId: string,
    sessionId: string,
    status: ResponseStatus,
    text: string,
    usage: Record<string, Variant>,
    notice: string,
    error?: StewardError,
  ): void;
  propertiesChanged(names: string[]): void;
}

export interface ChatInterfaceOptions {
  provider: EngineProvider;
  sessions: ChatSessions;
  signals: ChatSignals;
  /** Calls `onGone` once the bus connection `name` closes; resolves with a function that stops watching. */
  watchCaller(name: string, onGone: () => void): Promise<() => void>;
  maxAnswerTokens(): number;
  log: Logger;
}

interface RunningRequest {
  handle: ChatHandle;
  session: ChatSession;
}

/** D-Bus strings cannot hold NUL, which a model can generate; it carries nothing a reader needs. */
const busText = (text: string) => text.replaceAll('\0', '');

function usageDict(outcome: ChatOutcome | null): Record<string, Variant> {
  const usage = outcome?.usage;
  const dict: Record<string, Variant> = {
    'prompt-tokens': new Variant('u', usage?.promptTokens ?? 0),
    'completion-tokens': new Variant('u', usage?.completionTokens ?? 0),
    'tokens-per-second': new Variant('d', usage?.tokensPerSecond ?? 0),
    'dropped-turns': new Variant('u', outcome?.droppedTurns ?? 0),
  };
  if (usage?.timeToFirstTokenMs != null) dict['time-to-first-token-ms'] = new Variant('d', usage.timeToFirstTokenMs);
  return dict;
}

function droppedNotice(droppedTurns: number): string {
  if (droppedTurns === 0) return '';
  return droppedTurns === 1
    ? "The oldest message was left out: the conversation no longer fits the model's context."
    : `The ${droppedTurns} oldest messages were left out: the conversation no longer fits the model's context.`;
}

export function engineStatusDict(state: string, status: EngineStatus | null): Record<string, Variant> {
  const dict: Record<string, Variant> = {
    state: new Variant('s', state),
    location: new Variant('s', status?.location ?? 'local'),
    'data-leaves-computer': new Variant('b', status?.location === 'remote'),
    model: new Variant('s', status?.model ?? ''),
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
    });
  }
  return dict;
}

/** io.github.steward.Steward1.Chat: streamed answers, conversations and the engine switch. */
export class ChatInterface {
  private readonly running = new Map<string, RunningRequest>();
  private reportedState = '';
  private reportedPaused = false;

  constructor(private readonly options: ChatInterfaceOptions) {
    options.provider.on('changed', () => this.reportChanges());
    this.reportedState = options.provider.state();
  }

  get impl(): InterfaceImpl {
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
          request.handle.cancel();
        }),
        Ask: method(z.tuple([prompt]), ([text], { sender }) => this.ask(text, sender)),
        GetHistory: method(z.tuple([existingSessionId]), ([id]) =>
          sessions.get(id).messages.map((message) => ({
            role: new Variant('s', message.role),
            text: new Variant('s', message.text),
            time: new Variant('x', BigInt(message.time.getTime()) * 1000n),
          })),
        ),
        DeleteSession: method(z.tuple([existingSessionId]), ([id]) => {
          const session = sessions.delete(id);
          if (session.activeRequestId) this.running.get(session.activeRequestId)?.handle.cancel();
        }),
        GetEngineStatus: method(z.tuple([]), () => engineStatusDict(provider.state(), provider.status())),
        Unload: method(z.tuple([]), () => provider.unload()),
        SetPaused: method(z.tuple([z.boolean()]), ([paused]) => provider.setPaused(paused)),
      },
    };
  }

  private async send(id: string, text: string, options: SendOptions): Promise<[string, string]> {
    const structured = options['json-schema'] === undefined ? null : parseJsonSchema(options['json-schema']);
    const existing = id === '' ? null : this.options.sessions.get(id);
    const engine = await this.options.provider.engine();
    const session = existing ?? this.options.sessions.create();
    if (session.activeRequestId) {
      throw new StewardError('Busy', `the session is still answering ${session.activeRequestId}; wait or cancel it`);
    }
    const { signals } = this.options;
    let requestId = '';
    const coalescer = new ChunkCoalescer((chunk) => signals.chunk(requestId, chunk));
    const handle = engine.chat(
      {
        history: session.messages.map(({ role, text }) => ({ role, text })),
        prompt: text,
        maxTokens: options['max-tokens'] ?? this.options.maxAnswerTokens(),
        temperature: options.temperature,
        seed: options.seed,
        jsonSchema: structured?.schema,
      },
      {
        onChunk: (chunk) => coalescer.push(busText(chunk)),
        // The first position is known inside chat(), before the request has its id: report it a turn later.
        onQueuePosition: (position) => setImmediate(() => signals.queuePosition(requestId, position)),
      },
    );
    requestId = handle.id;
    session.activeRequestId = requestId;
    this.running.set(requestId, { handle, session });
    const asked = new Date();
    void handle.result
      .then((outcome) => ({ ...outcome, text: busText(outcome.text) }))
      .then((outcome) => this.finish(session, text, asked, outcome, structured))
      .then(
        ({ outcome, notice }) => {
          coalescer.flush();
          signals.done(requestId, session.id, outcome.status, outcome.text, usageDict(outcome), notice);
        },
        (error: unknown) => {
          coalescer.flush();
          const failure = this.asStewardError(error, requestId);
          signals.done(requestId, session.id, 'failed', '', usageDict(null), '', failure);
        },
      )
      .finally(() => {
        session.activeRequestId = null;
        this.running.delete(requestId);
      });
    return [session.id, requestId];
  }

  /** Checks a structured answer and records the exchange; what is appended is what the user saw. */
  private finish(
    session: ChatSession,
    prompt: string,
    asked: Date,
    outcome: ChatOutcome,
    structured: JsonSchemaRequest | null,
  ): { outcome: ChatOutcome; notice: string } {
    if (structured && outcome.status === 'done') validateAnswer(outcome.text, structured.validator);
    if (outcome.status === 'done' || outcome.text !== '') {
      this.options.sessions.append(
        session,
        { role: 'user', text: prompt, time: asked },
        { role: 'assistant', text: outcome.text, time: new Date() },
      );
    }
    return { outcome, notice: droppedNotice(outcome.droppedTurns) };
  }

  private async ask(text: string, caller: string): Promise<string> {
    const engine = await this.options.provider.engine();
    const handle = engine.chat({ history: [], prompt: text, maxTokens: this.options.maxAnswerTokens() });
    // A script that gave up (its --timeout passed, or it was interrupted) should not keep the model busy.
    const stopWatching = await this.options.watchCaller(caller, () => handle.cancel());
    try {
      const outcome = await handle.result;
      if (outcome.status === 'cancelled') throw new StewardError('Unavailable', 'the answer was cancelled');
      return busText(outcome.text);
    } finally {
      stopWatching();
    }
  }

  private asStewardError(error: unknown, requestId: string): StewardError {
    if (error instanceof StewardError) return error;
    this.options.log.error('chat request failed', { request: requestId, error: String(error) });
    return new StewardError('Internal', 'the answer failed because of a bug in Steward; the service log has details');
  }

  private reportChanges(): void {
    const { provider, signals } = this.options;
    const changed: string[] = [];
    if (provider.state() !== this.reportedState) changed.push('EngineState');
    if (provider.isPaused !== this.reportedPaused) changed.push('Paused');
    this.reportedState = provider.state();
    this.reportedPaused = provider.isPaused;
    if (changed.length > 0) signals.propertiesChanged(changed);
  }
}
