// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's side of the speech worker: starts it, loads a model once and
// keeps it, passes audio in and text out. A worker that ends (a model
// onnxruntime cannot read aborts it) fails the listening with EngineFailed
// and the next Listen starts a fresh one.
import { type ChildProcess, fork } from 'node:child_process';
import { cpus } from 'node:os';

import { StewardError } from '../dbus/errors.js';
import { cleanLine } from '../untrustedText.js';
import type { FromWorker, SpeechModelFiles, ToWorker } from './recognizerProtocol.js';
import { lastFailureLine } from './workerStderr.js';

export interface RecognizerEvents {
  partial(text: string): void;
  final(text: string): void;
  failed(error: StewardError): void;
}

const STDERR_KEPT = 2000;

export class Recognizer {
  private child: ChildProcess | null = null;
  private loaded: string | null = null;
  private stderr = '';
  private events: RecognizerEvents | null = null;

  constructor(private readonly workerScript: string) {}

  /** Starts the worker and loads `model` unless that one is loaded already; EngineFailed when it cannot. */
  async load(name: string, model: SpeechModelFiles): Promise<void> {
    if (this.child && this.loaded === name) return;
    this.close();
    const child = fork(this.workerScript, [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    const failure = (why: string) =>
      new StewardError('EngineFailed', `the speech engine could not load the model ${name}: ${why}`);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') done(() => resolve());
        else if (message.type === 'failed') done(() => reject(failure(cleanLine(message.message, 300))));
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(() => reject(failure(lastFailureLine(this.stderr) || `the engine ended (${signal ?? `exit ${code}`})`)));
      const done = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      this.send({ type: 'load', model, threads: Math.min(2, cpus().length) });
    }).catch((error: unknown) => {
      this.close();
      throw error;
    });
    this.loaded = name;
    child.on('message', (message: FromWorker) => this.route(message));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.loaded = null;
      const why = lastFailureLine(this.stderr) || `it ended (${signal ?? `exit ${code}`})`;
      this.takeEvents()?.failed(new StewardError('EngineFailed', `the speech engine failed: ${why}`));
    });
  }

  /** Where the text of the stream that starts now goes, until its final text or failure. */
  start(events: RecognizerEvents): void {
    this.events = events;
    this.send({ type: 'start' });
  }

  audio(pcm: Uint8Array, sampleRate: number): void {
    this.send({ type: 'audio', pcm, sampleRate });
  }

  finish(): void {
    this.send({ type: 'finish' });
  }

  /** Ends the stream under way and drops its text. */
  abandon(): void {
    this.events = null;
    this.finish();
  }

  close(): void {
    const child = this.child;
    this.child = null;
    this.loaded = null;
    if (child?.connected) child.disconnect();
    child?.kill();
  }

  private send(message: ToWorker): void {
    if (this.child?.connected) this.child.send(message);
  }

  private takeEvents(): RecognizerEvents | null {
    const events = this.events;
    this.events = null;
    return events;
  }

  private route(message: FromWorker): void {
    if (message.type === 'partial') this.events?.partial(message.text);
    else if (message.type === 'final') this.takeEvents()?.final(message.text);
    else if (message.type === 'failed')
      this.takeEvents()?.failed(
        new StewardError('EngineFailed', `the speech engine failed: ${cleanLine(message.message, 300)}`),
      );
  }
}
