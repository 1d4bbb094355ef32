// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's side of local inference: starts the worker process on the
// first request, queues requests beyond its sequences, and survives its crashes.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { StewardError } from '../dbus/errors.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import { announcePositions, type ChatCallbacks, type ChatOutcome, cutShort, type EngineStatus } from './chatEngine.js';
import {
  type BackendInfo,
  type ChatRequest,
  type FromWorker,
  fromWorkerSchema,
  type GpuSetting,
  type PrefixRequest,
  type ToWorker,
  type WorkerSettings,
} from './protocol.js';
import { QueueingEngine } from './queueingEngine.js';
import { RestartPolicy, type RestartPolicyOptions } from './restartPolicy.js';

export interface EngineOptions {
  modelPath: string;
  gpu: GpuSetting;
  sequences: number;
  threads: number;
  contextSize: 'auto' | number;
  idleTimeoutMs: number;
  /** Where the worker keeps the evaluated system prompt and tools between loads; none when left out. */
  prefixCacheDir?: string;
  /** The built worker entry (dist/service/steward-engine.js). */
  workerScript: string;
  restart?: RestartPolicyOptions;
  log: Logger;
}

interface PendingRequest {
  id: string;
  request: ChatRequest;
  callbacks: ChatCallbacks;
  queuePosition: number;
  /** The text sent to onChunk so far: a failed answer keeps it. */
  streamed: string;
  resolve(outcome: ChatOutcome): void;
  reject(error: StewardError): void;
}

interface WorkerHandle {
  process: ChildProcess;
  gpu: GpuSetting;
  info: BackendInfo | null;
  /** Set when the service ends it on purpose (unload, pause, load failure): its exit is no crash. */
  stopping: boolean;
  running: Map<string, PendingRequest>;
  /** Prepares sent and not answered yet: until they are, the engine is still getting ready. */
  preparing: number;
  /** What a Prepare asked to evaluate once the model is loaded. */
  prefixOnReady: PrefixRequest | null;
}

const crashError = () =>
  new StewardError(
    'Unavailable',
    _(
      'the inference engine stopped unexpectedly; the answer was not finished. Try again: the engine restarts on the next request.',
    ),
  );

export class Engine extends QueueingEngine<PendingRequest> {
  private readonly policy: RestartPolicy;
  private worker: WorkerHandle | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Asked for by prepare(): a worker to start, and the prefix it evaluates once loaded. */
  private warmWanted: { prefix: PrefixRequest | null } | null = null;

  constructor(private readonly options: EngineOptions) {
    super();
    this.policy = new RestartPolicy(options.restart);
  }

  status(): EngineStatus {
    const worker = this.worker;
    return {
      state: this.paused
        ? 'paused'
        : !worker || worker.stopping
          ? this.warmWanted
            ? 'loading'
            : 'unloaded'
          : worker.info && worker.preparing === 0
            ? 'ready'
            : 'loading',
      location: 'local',
      model: this.options.modelPath,
      endpoint: null,
      workerPid: worker?.process.pid ?? null,
      backend: worker?.info ?? null,
      cpuFallbackReason: this.policy.cpuFallbackReason ?? worker?.info?.cpuFallbackReason ?? null,
      lastError: this.lastError,
      activeRequests: worker?.running.size ?? 0,
      queuedRequests: this.queue.filter((pending) => pending.queuePosition > 0).length,
    };
  }

  protected pausedMessage(): string {
    return _('local inference is paused; resume it to chat');
  }

  protected newPending(
    id: string,
    request: ChatRequest,
    callbacks: ChatCallbacks,
    resolve: (outcome: ChatOutcome) => void,
    reject: (error: StewardError) => void,
  ): PendingRequest {
    return { id, request, callbacks, queuePosition: 0, streamed: '', resolve, reject };
  }

  /**
   * Loads the model ahead of a question (the quick chat opened), then
   * evaluates `prefix`, what the question will start with, unless it is in a
   * sequence already. Cheap when it is: nothing is evaluated twice.
   */
  prepare(prefix: PrefixRequest | null): void {
    if (this.paused) throw new StewardError('Unavailable', this.pausedMessage());
    const worker = this.worker;
    if (worker && !worker.stopping) {
      if (!worker.info) worker.prefixOnReady = prefix ?? worker.prefixOnReady;
      else if (prefix) this.sendPrepare(worker, prefix);
      return;
    }
    this.warmWanted = { prefix: prefix ?? this.warmWanted?.prefix ?? null };
    this.pump();
  }

  private sendPrepare(worker: WorkerHandle, prefix: PrefixRequest): void {
    worker.preparing += 1;
    this.send(worker, { type: 'prepare', prefix });
    this.emitStatus();
  }

  /** Ends the worker now; the next request loads the model again. */
  async unload(): Promise<void> {
    this.warmWanted = null;
    this.failQueued(new StewardError('Unavailable', _('the model was unloaded before the answer was finished')));
    const worker = this.worker;
    if (!worker) return;
    worker.stopping = true;
    for (const pending of worker.running.values()) {
      pending.reject(
        cutShort(
          new StewardError('Unavailable', _('the model was unloaded before the answer was finished')),
          pending.streamed,
        ),
      );
    }
    worker.running.clear();
    const exited = once(worker.process, 'exit');
    worker.process.kill('SIGTERM');
    this.emitStatus();
    await exited;
  }

  protected cancelRunning(id: string): void {
    if (this.worker?.running.has(id)) this.send(this.worker, { type: 'cancel', id });
  }

  /** Moves queued requests onto free sequences, starting a worker when needed. */
  protected pump(): void {
    if ((this.queue.length > 0 || this.warmWanted) && !this.worker) this.scheduleStart();
    const worker = this.worker;
    if (worker?.info && !worker.stopping) {
      while (worker.running.size < worker.info.sequences) {
        const pending = this.queue.shift();
        if (!pending) break;
        worker.running.set(pending.id, pending);
        this.send(worker, { type: 'chat', id: pending.id, request: pending.request });
      }
    }
    // Before the worker is ready, all its sequences count as free.
    announcePositions(this.queue, this.options.sequences - (worker?.running.size ?? 0));
    this.emitStatus();
  }

  private scheduleStart(): void {
    if (this.restartTimer || this.paused) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if ((this.queue.length > 0 || this.warmWanted) && !this.worker) this.startWorker();
    }, this.policy.delayMs);
  }

  private startWorker(): void {
    const gpu = this.policy.gpuSetting(this.options.gpu);
    const settings: WorkerSettings = {
      modelPath: this.options.modelPath,
      gpu,
      sequences: this.options.sequences,
      threads: this.options.threads,
      contextSize: this.options.contextSize,
      idleTimeoutMs: this.options.idleTimeoutMs,
      prefixCacheDir: this.options.prefixCacheDir ?? null,
    };
    const child = fork(this.options.workerScript, [], {
      serialization: 'advanced',
      // The service's own Node flags (--inspect, say) are not meant for the worker.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Never download llama.cpp at run time, whatever the user's environment says.
      env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
    });
    const worker: WorkerHandle = {
      process: child,
      gpu,
      info: null,
      stopping: false,
      running: new Map(),
      preparing: 0,
      prefixOnReady: this.warmWanted?.prefix ?? null,
    };
    this.warmWanted = null;
    this.worker = worker;
    createInterface({ input: child.stderr as Readable }).on('line', (line) =>
      this.options.log.warning('inference engine', { pid: child.pid, output: line }),
    );
    child.on('message', (data) => this.receive(worker, data));
    child.on('exit', (code, signal) => this.workerExited(worker, code, signal));
    this.options.log.info('starting the inference engine', { pid: child.pid, model: settings.modelPath, gpu });
    this.send(worker, { type: 'start', settings });
    this.emitStatus();
  }

  private receive(worker: WorkerHandle, data: unknown): void {
    const parsed = fromWorkerSchema.safeParse(data);
    if (!parsed.success) {
      this.options.log.error('the inference engine sent an invalid message; stopping it', {
        problem: parsed.error.message,
      });
      worker.process.kill('SIGKILL');
      return;
    }
    this.handle(worker, parsed.data);
  }

  private handle(worker: WorkerHandle, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        worker.info = message.info;
        this.lastError = null;
        this.options.log.info('inference engine ready', { pid: worker.process.pid, ...message.info });
        // Before the requests that waited: they find the prefix evaluated.
        if (worker.prefixOnReady) this.sendPrepare(worker, worker.prefixOnReady);
        this.pump();
        break;
      case 'loadFailed':
        worker.stopping = true;
        this.lastError = `the model could not be loaded: ${message.message}`;
        this.options.log.error('cannot load the model', { model: this.options.modelPath, reason: message.message });
        this.failQueued(new StewardError('Unavailable', this.lastError));
        break;
      case 'prepared':
        worker.preparing = Math.max(0, worker.preparing - 1);
        this.options.log.debug('prompt evaluated ahead of the question', { tokens: message.evaluatedTokens });
        this.emitStatus();
        break;
      case 'chunk': {
        const pending = worker.running.get(message.id);
        if (!pending) break;
        pending.streamed += message.text;
        pending.callbacks.onChunk?.(message.text);
        break;
      }
      case 'done': {
        const pending = worker.running.get(message.id);
        worker.running.delete(message.id);
        if (worker.info) worker.info = { ...worker.info, vram: message.vram };
        this.policy.recordSuccess();
        pending?.resolve({
          status: message.cancelled ? 'cancelled' : 'done',
          text: message.text,
          usage: message.usage,
          droppedTurns: message.droppedTurns,
          toolCalls: message.toolCalls,
        });
        this.pump();
        break;
      }
      case 'failed': {
        const pending = worker.running.get(message.id);
        worker.running.delete(message.id);
        pending?.reject(
          cutShort(
            message.reason === 'invalidRequest'
              ? new StewardError('InvalidArgs', message.message)
              : new StewardError('Internal', `the model could not answer: ${message.message}`),
            pending.streamed,
          ),
        );
        this.pump();
        break;
      }
    }
  }

  private workerExited(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void {
    this.worker = null;
    const cleanExit = code === 0 && signal === null;
    if (worker.stopping) {
      this.options.log.info('inference engine stopped', { pid: worker.process.pid });
    } else if (cleanExit) {
      // An idle exit: the worker had nothing to do, so requests sent to it as it
      // exited never started; they go first in line for the next worker.
      this.options.log.info('inference engine exited after being idle', { pid: worker.process.pid });
      this.queue.unshift(...worker.running.values());
    } else {
      const backend = worker.info?.backend ?? (worker.gpu === false ? 'cpu' : worker.gpu);
      this.policy.recordCrash(backend);
      this.lastError = `the inference engine stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      this.options.log.error('inference engine stopped unexpectedly', {
        pid: worker.process.pid,
        code,
        signal,
        backend,
        restartDelayMs: this.policy.delayMs,
        cpuFallback: this.policy.cpuFallbackReason ?? undefined,
      });
      // Only the answers the worker was generating are lost; those in line wait for the next worker,
      // unless workers keep crashing.
      for (const pending of worker.running.values()) pending.reject(cutShort(crashError(), pending.streamed));
      if (this.policy.givesUpOnWaiting) this.failQueued(crashError());
    }
    this.pump();
  }

  private failQueued(error: StewardError): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private send(worker: WorkerHandle, message: ToWorker): void {
    // A worker that just died cannot take messages; its exit handler settles the requests.
    if (worker.process.connected) worker.process.send(message);
  }
}
