// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the chat interface needs from an engine, local (a supervised worker
// process) or remote (an OpenAI-compatible endpoint): one contract for both.
import { StewardError } from '../dbus/errors.js';
import {
  type BackendInfo,
  type ChatRequest,
  chatRequestSchema,
  type PrefixRequest,
  type RequestedCall,
  type Usage,
} from './protocol.js';

export interface ChatCallbacks {
  /** The request waits behind this many others (1 = next); called each time that changes while it waits. */
  onQueuePosition?(position: number): void;
  onChunk?(text: string): void;
}

export interface ChatOutcome {
  status: 'done' | 'cancelled';
  /** All text generated; when cancelled, what was generated up to then. */
  text: string;
  usage: Usage;
  /**
   * How many of the oldest history turns were left out because the conversation
   * no longer fit the context; the caller tells the user. 0 when all fit.
   */
  droppedTurns: number;
  /** Tools the model asked to call (only when the request offered tools); run them and ask again. */
  toolCalls: RequestedCall[];
}

export interface ChatHandle {
  id: string;
  /** Resolves when the request ends; rejects with a StewardError when it fails. */
  result: Promise<ChatOutcome>;
  cancel(): void;
}

export type EngineState = 'unloaded' | 'loading' | 'ready' | 'paused';

export interface EngineStatus {
  state: EngineState;
  /** 'remote' means prompts leave this computer. */
  location: 'local' | 'remote';
  /** The model file (local) or the model name the endpoint serves (remote). */
  model: string;
  /** The remote endpoint's URL; null for the local engine. */
  endpoint: string | null;
  workerPid: number | null;
  /** What the loaded worker reported: backend, devices, VRAM, context; null unless loaded locally. */
  backend: BackendInfo | null;
  /** Why the engine runs on the CPU although the configuration allows a GPU; null when it does not. */
  cpuFallbackReason: string | null;
  /** The engine's latest failure (a model that would not load, a crash, an unreachable endpoint). */
  lastError: string | null;
  activeRequests: number;
  /** Requests waiting for a free slot. */
  queuedRequests: number;
}

export interface ChatEngine {
  status(): EngineStatus;
  /** Starts a request; throws a StewardError at once when the engine is paused or the request is invalid. */
  chat(request: ChatRequest, callbacks?: ChatCallbacks): ChatHandle;
  /**
   * Gets ready for a question that is about to come: loads the model and
   * evaluates `prefix`, what the question will start with. Idempotent; an
   * engine with nothing to load (remote) leaves it out.
   */
  prepare?(prefix: PrefixRequest | null): void;
  /** Frees what the engine holds (the model, connections); requests in progress fail. */
  unload(): Promise<void>;
  /** While paused, requests are refused and nothing stays loaded. */
  setPaused(paused: boolean): Promise<void>;
  on(event: 'status', listener: (status: EngineStatus) => void): this;
  off(event: 'status', listener: (status: EngineStatus) => void): this;
}

/**
 * An answer that failed after some of its text was streamed: the error says why, `partialText` keeps
 * what the reader already saw, so the failure need not take it back.
 */
export class CutShortAnswer extends StewardError {
  constructor(
    cause: StewardError,
    readonly partialText: string,
  ) {
    super(cause.errorName, cause.message);
  }
}

/** `error` with the text streamed before it, when there was any. */
export function cutShort(error: StewardError, streamed: string): StewardError {
  return streamed === '' ? error : new CutShortAnswer(error, streamed);
}

/** The request with its defaults filled in; InvalidArgs naming each bad field otherwise. */
export function parseChatRequest(request: ChatRequest) {
  const parsed = chatRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`);
    throw new StewardError('InvalidArgs', `invalid chat request: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** What a request cancelled before it produced anything ends with. */
export const CANCELLED_UNSTARTED: ChatOutcome = {
  status: 'cancelled',
  text: '',
  usage: { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: null, tokensPerSecond: 0 },
  droppedTurns: 0,
  toolCalls: [],
};

/** A request waiting for a free slot, as both engines keep them. */
export interface WaitingRequest {
  id: string;
  callbacks: ChatCallbacks;
  /** The place last announced; 0 before any. */
  queuePosition: number;
  resolve(outcome: ChatOutcome): void;
}

/** Takes a waiting request out of line and ends it as cancelled; false when it is not waiting. */
export function cancelWaiting(queue: WaitingRequest[], id: string): boolean {
  const index = queue.findIndex((pending) => pending.id === id);
  if (index < 0) return false;
  const [cancelled] = queue.splice(index, 1);
  cancelled?.resolve(CANCELLED_UNSTARTED);
  return true;
}

/** Tells each waiting request its place when it changed; the first `free` of them will start without waiting. */
export function announcePositions(queue: WaitingRequest[], free = 0): void {
  queue.forEach((pending, index) => {
    const position = index + 1 - free;
    if (position > 0 && position !== pending.queuePosition) pending.callbacks.onQueuePosition?.(position);
    pending.queuePosition = position;
  });
}
