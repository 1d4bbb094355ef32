// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An in-process ChatEngine that plays back scripted model turns and records
// the requests it got: for testing what is built around an engine (the tool
// loop, the explainer) without a model.
import { EventEmitter } from 'node:events';

import type {
  ChatCallbacks,
  ChatEngine,
  ChatHandle,
  ChatOutcome,
  EngineStatus,
} from '../../service/src/engine/chatEngine.js';
import type { ChatRequest } from '../../service/src/engine/protocol.js';

export type ScriptedTurn =
  | { text: string }
  | { calls: { name: string; arguments: unknown }[] }
  /** Never answers until cancelled. */
  | { hang: true };

export class ScriptedEngine extends EventEmitter<{ status: [EngineStatus] }> implements ChatEngine {
  readonly requests: ChatRequest[] = [];
  private next = 0;

  constructor(
    private readonly turns: ScriptedTurn[],
    private readonly location: 'local' | 'remote' = 'local',
  ) {
    super();
  }

  status(): EngineStatus {
    return {
      state: 'ready',
      location: this.location,
      model: 'scripted',
      endpoint: null,
      workerPid: null,
      backend: null,
      cpuFallbackReason: null,
      lastError: null,
      activeRequests: 0,
      queuedRequests: 0,
    };
  }

  chat(request: ChatRequest, callbacks: ChatCallbacks = {}): ChatHandle {
    this.requests.push(request);
    const turn = this.turns[this.next++] ?? { text: '(the script has ended)' };
    let cancel: () => void = () => undefined;
    const usage = { promptTokens: 10, completionTokens: 5, timeToFirstTokenMs: 1, tokensPerSecond: 50 };
    const outcome = (
      status: ChatOutcome['status'],
      text: string,
      toolCalls: ChatOutcome['toolCalls'],
    ): ChatOutcome => ({
      status,
      text,
      usage,
      droppedTurns: 0,
      toolCalls,
    });
    const result = new Promise<ChatOutcome>((resolve) => {
      if ('hang' in turn) {
        cancel = () => resolve(outcome('cancelled', '', []));
        return;
      }
      if ('text' in turn) {
        callbacks.onChunk?.(turn.text);
        resolve(outcome('done', turn.text, []));
        return;
      }
      resolve(
        outcome(
          'done',
          '',
          turn.calls.map((call, index) => ({
            id: `call-${this.next}-${index}`,
            name: call.name,
            arguments: call.arguments,
          })),
        ),
      );
    });
    return { id: `request-${this.next}`, result, cancel: () => cancel() };
  }

  async unload(): Promise<void> {}

  async setPaused(): Promise<void> {}
}
