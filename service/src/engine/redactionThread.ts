// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's side of the redaction thread: texts go to one worker thread in order, each answered by its id.
// The thread starts at the first long text, and again after it failed.
import { Worker } from 'node:worker_threads';

export interface RedactionRequest {
  id: number;
  text: string;
  /** The user's own patterns (assistant.redactPatterns), already validated. */
  patterns: string[];
}

export type RedactionReply = { id: number; text: string } | { id: number; error: string };

interface Waiting {
  resolve(text: string): void;
  reject(error: Error): void;
}

export class RedactionThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(private readonly script: string) {}

  /** `text` redacted by the built-in rules and `patterns` in the worker thread. */
  redact(text: string, patterns: string[]): Promise<string> {
    const id = this.nextId++;
    const worker = this.started();
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, text, patterns } satisfies RedactionRequest);
    });
  }

  /** Ends the thread; texts still waiting are refused. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll(new Error('the redaction thread stopped'));
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: RedactionReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      // Idle, the thread does not keep the service's process alive.
      if (this.waiting.size === 0) worker.unref();
      if ('error' in reply) waiting?.reject(new Error(`redaction failed: ${reply.error}`));
      else waiting?.resolve(reply.text);
    });
    const failed = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(error);
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`the redaction thread exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
