// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { StewardError } from '../dbus/errors.js';
import {
  cancelWaiting,
  type ChatCallbacks,
  type ChatEngine,
  type ChatHandle,
  type ChatOutcome,
  type EngineStatus,
  parseChatRequest,
  type WaitingRequest,
} from './chatEngine.js';
import type { ChatRequest } from './protocol.js';

/** What a queued request holds in every engine; each engine adds its own fields in `newPending`. */
export interface QueuedRequest extends WaitingRequest {
  reject(error: StewardError): void;
}

/**
 * The queueing the local and the remote engine share: a request waits in line until the engine
 * has a free slot (`pump`), a waiting one is cancelled here and a running one by the engine,
 * and pausing refuses new requests and ends the current ones.
 */
export abstract class QueueingEngine<P extends QueuedRequest>
  extends EventEmitter<{ status: [EngineStatus] }>
  implements ChatEngine
{
  protected readonly queue: P[] = [];
  protected paused = false;
  protected lastError: string | null = null;

  abstract status(): EngineStatus;
  /** Ends every request, waiting or running. */
  abstract unload(): Promise<void>;
  /** Why a request is refused while paused, in the user's words. */
  protected abstract pausedMessage(): string;
  /** The engine's record of a request now joining the queue. */
  protected abstract newPending(
    id: string,
    request: ReturnType<typeof parseChatRequest>,
    callbacks: ChatCallbacks,
    resolve: (outcome: ChatOutcome) => void,
    reject: (error: StewardError) => void,
  ): P;
  /** Starts waiting requests while there are free slots, and tells the rest where they stand. */
  protected abstract pump(): void;
  /** Cancels request `id` if it is running; one that is not is done already. */
  protected abstract cancelRunning(id: string): void;

  chat(request: ChatRequest, callbacks: ChatCallbacks = {}): ChatHandle {
    if (this.paused) throw new StewardError('Unavailable', this.pausedMessage());
    const parsed = parseChatRequest(request);
    const id = randomUUID();
    const result = new Promise<ChatOutcome>((resolve, reject) => {
      this.queue.push(this.newPending(id, parsed, callbacks, resolve, reject));
    });
    this.pump();
    return { id, result, cancel: () => this.cancel(id) };
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    if (paused) await this.unload();
    this.emitStatus();
  }

  protected cancel(id: string): void {
    if (cancelWaiting(this.queue, id)) {
      this.pump();
      return;
    }
    this.cancelRunning(id);
  }

  protected emitStatus(): void {
    this.emit('status', this.status());
  }
}
