// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomUUID } from 'node:crypto';

import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import type { InterfaceSignals } from '../dbus/interfaceSignals.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import type { Logger } from '../logging.js';
import { pullModel } from './download.js';
import { type Hardware, surveyHardware } from './fit.js';
import type { PullProgress } from './progress.js';
import { recommendModel } from './recommend.js';
import { resolveModelSource } from './source.js';
import type { ModelInfo, ModelStore } from './store.js';

const modelId = z.string().min(1, 'a model id is needed').max(1024);
const pullId = z.uuid('not a pull id from Pull');
const sha256 = z.union([z.literal(''), z.string().regex(/^[0-9a-fA-F]{64}$/, 'not a SHA-256 in hex')]);
const uri = z.string().min(1, 'a URL or hf: URI is needed').max(4096);

export interface ModelsEvents {
  /** Resolves once the engine follows the new model, so that SetActive's reply means "set up". */
  activeModelChanged(): Promise<void>;
  pullProgress(id: string, progress: PullProgress): void;
  pullFinished(id: string, status: 'done' | 'cancelled' | 'failed', modelId: string, error?: StewardError): void;
}

/** The Models interface's signals on the bus; `activeModelChanged` also lets the engine follow the model. */
export function modelsBusEvents(
  bus: InterfaceSignals<'io.github.steward.Steward1.Models'>,
  activeModelChanged: () => Promise<void>,
): ModelsEvents {
  return {
    activeModelChanged: () => {
      bus.propertiesChanged(['ActiveModel']);
      return activeModelChanged();
    },
    pullProgress: (pullId, progress) =>
      bus.emit('PullProgress', {
        pullId,
        bytesDone: BigInt(progress.bytesDone),
        bytesTotal: BigInt(progress.bytesTotal ?? 0),
        bytesPerSecond: progress.bytesPerSecond,
        etaSeconds: progress.etaSeconds ?? -1,
      }),
    pullFinished: (pullId, status, modelId, error) =>
      bus.emit('PullFinished', {
        pullId,
        status,
        modelId,
        errorName: error?.dbusName ?? '',
        errorMessage: error?.message ?? '',
      }),
  };
}

/** io.github.steward.Steward1.Models: the installed models and their downloads. */
export class ModelsInterface {
  private activeId = '';
  private readonly pulls = new Map<string, AbortController>();

  constructor(
    private readonly store: ModelStore,
    private readonly events: ModelsEvents,
    private readonly log: Logger,
    /** This machine's free memory; the service gives the free VRAM its backend probe saw. */
    private readonly hardware: () => Hardware | Promise<Hardware> = () => surveyHardware(),
  ) {}

  /** Reads the active model, so the property can answer without touching the disk. */
  async load(): Promise<void> {
    await this.setActiveId((await this.store.active())?.id ?? '');
  }

  /** Stops every download; the .part files stay for the next pull to resume. */
  cancelAll(): void {
    for (const controller of this.pulls.values()) controller.abort();
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Models'> {
    return {
      properties: {
        ActiveModel: () => this.activeId,
        StoreDirectory: () => this.store.storeDirectory,
      },
      methods: {
        List: method(z.tuple([]), async () => (await this.store.list()).map((model) => this.describe(model))),
        SetActive: method(z.tuple([modelId]), async ([id]) => {
          await this.store.setActive(id);
          await this.setActiveId(id);
        }),
        Remove: method(z.tuple([modelId]), async ([id]) => {
          await this.store.remove(id);
          if (this.activeId === id) await this.setActiveId('');
        }),
        Pull: method(z.tuple([uri, sha256]), ([source, checksum]) => this.startPull(source, checksum)),
        CancelPull: method(z.tuple([pullId]), ([id]) => {
          const controller = this.pulls.get(id);
          if (!controller) throw new StewardError('NotFound', `No download ${id} is running.`);
          controller.abort();
        }),
        Recommend: method(z.tuple([]), async (): Promise<Record<string, Variant>> => {
          const recommendation = recommendModel(await this.hardware());
          if (!recommendation) return {};
          const { entry, reason, contextSize } = recommendation;
          return {
            name: new Variant('s', entry.name),
            quantization: new Variant('s', entry.quantization),
            uri: new Variant('s', entry.uri),
            'approx-bytes': new Variant('t', BigInt(Math.round(entry.approxBytes))),
            reason: new Variant('s', reason),
            'context-size': new Variant('u', contextSize),
          };
        }),
      },
    };
  }

  private startPull(source: string, checksum: string): string {
    // A URI that cannot work is refused by the call itself, not by a signal later.
    resolveModelSource(source, process.env.HF_ENDPOINT);
    const id = randomUUID();
    const controller = new AbortController();
    this.pulls.set(id, controller);
    pullModel(source, {
      directory: this.store.storeDirectory,
      sha256: checksum || undefined,
      hubEndpoint: process.env.HF_ENDPOINT,
      signal: controller.signal,
      onProgress: (progress) => this.events.pullProgress(id, progress),
      logger: this.log,
    })
      .then(
        async (result) => {
          this.log.info('model pulled', { source, file: result.path, resumedFrom: result.resumedFromBytes });
          const modelId = `store:${result.fileName}`;
          await this.activateIfFirst(modelId).catch((error: unknown) =>
            this.log.warning('the pulled model could not be made active', { model: modelId, error: String(error) }),
          );
          this.events.pullFinished(id, 'done', modelId);
        },
        (error: unknown) => {
          if (controller.signal.aborted) {
            this.events.pullFinished(id, 'cancelled', '');
            return;
          }
          const failure =
            error instanceof StewardError ? error : new StewardError('Internal', 'The download failed unexpectedly.');
          if (!(error instanceof StewardError)) this.log.error('pull failed', { source, error: String(error) });
          this.events.pullFinished(id, 'failed', '', failure);
        },
      )
      .finally(() => this.pulls.delete(id));
    return id;
  }

  /** The first model pulled becomes the active one, whichever client pulled it, unless one already is. */
  private async activateIfFirst(id: string): Promise<void> {
    if (this.activeId !== '') return;
    const model = (await this.store.list()).find((candidate) => candidate.id === id);
    if (!model?.support.supported) return;
    await this.store.setActive(id);
    await this.setActiveId(id);
  }

  private async setActiveId(id: string): Promise<void> {
    if (id === this.activeId) return;
    this.activeId = id;
    await this.events.activeModelChanged();
  }

  private describe(model: ModelInfo): Record<string, Variant> {
    const entry: Record<string, Variant> = {
      id: new Variant('s', model.id),
      name: new Variant('s', model.displayName),
      source: new Variant('s', model.source),
      path: new Variant('s', model.path),
      architecture: new Variant('s', model.architecture),
      'file-bytes': new Variant('t', BigInt(model.fileBytes)),
      'has-chat-template': new Variant('b', model.hasChatTemplate),
      'required-bytes': new Variant('t', BigInt(Math.round(model.fit.requiredBytes))),
      placement: new Variant('s', model.fit.placement),
      'speed-class': new Variant('s', model.fit.speedClass),
      active: new Variant('b', model.id === this.activeId),
      supported: new Variant('b', model.support.supported),
    };
    if (!model.support.supported) entry['unsupported-reason'] = new Variant('s', model.support.reason);
    if (model.sizeLabel !== undefined) entry['size-label'] = new Variant('s', model.sizeLabel);
    if (model.parameterCount !== undefined) entry['parameter-count'] = new Variant('t', BigInt(model.parameterCount));
    if (model.quantization !== undefined) entry.quantization = new Variant('s', model.quantization);
    if (model.contextLength !== undefined) entry['context-length'] = new Variant('u', model.contextLength);
    return entry;
  }
}
