// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Decides which engine answers: the local worker for the active model, or the
// remote endpoint from the configuration. Builds it on first use and drops it
// when the model or the configuration changes.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';

import type { InferenceConfig } from '../config.js';
import { StewardError } from '../dbus/errors.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import type { ArchitectureSupport } from '../models/architectures.js';
import type { ChatEngine, EngineState, EngineStatus } from './chatEngine.js';
import type { GpuSetting } from './protocol.js';
import { Engine, type EngineOptions } from './supervisor.js';

export interface ActiveModel {
  path: string;
  /** Whether the bundled llama.cpp can load it: the worker never tries a model it cannot. */
  support: ArchitectureSupport;
}

export type RemoteEndpointConfig = NonNullable<InferenceConfig['remote']>;

export interface EngineProviderOptions {
  config(): InferenceConfig;
  /** The active model, or null when none is chosen. */
  activeModel(): Promise<ActiveModel | null>;
  createRemote(remote: RemoteEndpointConfig): Promise<ChatEngine>;
  createLocal?(options: EngineOptions): ChatEngine;
  /**
   * The GPU setting the worker gets for the configured one: a backend probed to work (a named GPU, or the CPU
   * after it). Without it the worker gets the configured setting as it is.
   */
  chooseBackend?(configured: GpuSetting): Promise<GpuSetting>;
  workerScript: string;
  /** Where the local worker keeps the evaluated system prompt and tools between loads. */
  prefixCacheDir?: string;
  log: Logger;
}

const noModelMessage = () =>
  _(
    'no model is set up: run "steward models recommend" to see which model suits this computer, then "steward models pull"',
  );

/** 'auto' takes half the logical CPUs: llama.cpp runs far slower when it competes for all of them. */
export function threadCount(setting: InferenceConfig['threads']): number {
  return setting === 'auto' ? Math.max(1, Math.floor(availableParallelism() / 2)) : setting;
}

export class EngineProvider extends EventEmitter<{ changed: [] }> {
  private current: Promise<ChatEngine> | null = null;
  private built: ChatEngine | null = null;
  private configured = false;
  /** The model the next engine will load (a file path or the remote model's name): status names it before it loads. */
  private configuredModel = '';
  private paused = false;
  /** Grows with every drop, so an engine that finished starting after its settings changed is not used. */
  private generation = 0;
  private readonly onStatus = () => this.emit('changed');
  private markConfigurationRead: () => void = () => undefined;
  /** Settles once the first refresh has read which model (or endpoint) is set up. */
  readonly configurationRead = new Promise<void>((resolve) => (this.markConfigurationRead = resolve));

  constructor(private readonly options: EngineProviderOptions) {
    super();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  state(): EngineState | 'unconfigured' {
    if (this.paused) return 'paused';
    if (this.built) return this.built.status().state;
    return this.configured ? 'unloaded' : 'unconfigured';
  }

  /** The model in use, or the one that loads on the next question; '' when none is set up. */
  modelName(): string {
    return this.built?.status().model ?? this.configuredModel;
  }

  /** The engine's status, or null when none has been built yet. */
  status(): EngineStatus | null {
    return this.built?.status() ?? null;
  }

  /** The engine to send a request to; Unavailable when paused or when nothing is set up. */
  engine(): Promise<ChatEngine> {
    if (this.paused)
      return Promise.reject(new StewardError('Unavailable', _('inference is paused; resume it to chat')));
    this.current ??= this.build().catch((error: unknown) => {
      this.current = null;
      throw error;
    });
    return this.current;
  }

  /** Drops the engine (freeing its model) after the active model or the configuration changed. */
  async refresh(): Promise<void> {
    try {
      await this.drop();
      const config = this.options.config();
      const model = config.engine === 'remote' ? null : await this.options.activeModel();
      this.configuredModel = config.engine === 'remote' ? (config.remote?.model ?? '') : (model?.path ?? '');
      this.configured = config.engine === 'remote' || model !== null;
      this.emit('changed');
    } finally {
      this.markConfigurationRead();
    }
  }

  async unload(): Promise<void> {
    await this.built?.unload();
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    if (paused) await this.drop();
    this.emit('changed');
  }

  private async build(): Promise<ChatEngine> {
    const generation = this.generation;
    const config = this.options.config();
    const engine =
      config.engine === 'remote' && config.remote
        ? await this.options.createRemote(config.remote)
        : await this.buildLocal(config);
    if (generation !== this.generation) {
      await engine.unload();
      throw new StewardError('Unavailable', _('the model or the settings changed while the engine started; try again'));
    }
    engine.on('status', this.onStatus);
    this.built = engine;
    this.configured = true;
    this.emit('changed');
    return engine;
  }

  private async buildLocal(config: InferenceConfig): Promise<ChatEngine> {
    const model = await this.options.activeModel();
    if (!model) throw new StewardError('Unavailable', noModelMessage());
    if (!model.support.supported) throw new StewardError('Unavailable', model.support.reason);
    const configured = config.gpu === 'off' ? false : config.gpu;
    const options: EngineOptions = {
      modelPath: model.path,
      gpu: this.options.chooseBackend ? await this.options.chooseBackend(configured) : configured,
      sequences: config.sequences,
      threads: threadCount(config.threads),
      contextSize: config.contextSize,
      idleTimeoutMs: config.idleUnloadSeconds * 1000,
      workerScript: this.options.workerScript,
      prefixCacheDir: this.options.prefixCacheDir,
      log: this.options.log,
    };
    return this.options.createLocal?.(options) ?? new Engine(options);
  }

  private async drop(): Promise<void> {
    const engine = this.built;
    this.generation += 1;
    this.current = null;
    this.built = null;
    if (!engine) return;
    engine.off('status', this.onStatus);
    await engine.unload();
  }
}
