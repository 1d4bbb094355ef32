// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// io.github.steward.Steward1.Voice: listening and reading aloud over D-Bus.
import { randomUUID } from 'node:crypto';

import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import type { InterfaceSignals } from '../dbus/interfaceSignals.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import { variantOf } from '../dbus/variants.js';
import type { Logger } from '../logging.js';
import type { PullProgress } from '../models/progress.js';
import type { Listener } from './listener.js';
import type { Speaker } from './speaker.js';
import { pullCommand, SPEECH_CATALOG, type SpeechCatalogEntry, type SpeechRecommendation } from './speechCatalog.js';
import { pullSpeechModel, resolveSpeechSource, SPEECH_MODEL_NAME } from './speechModelPull.js';
import type { SpeechModelStore } from './speechModels.js';

const modelName = z.string().regex(SPEECH_MODEL_NAME, 'not a speech model name');
const pullSource = z.string().min(1, 'a speech model name or URL is needed').max(4096);
const sha256 = z.union([z.literal(''), z.string().regex(/^[0-9a-fA-F]{64}$/, 'not a SHA-256 in hex')]);
const pullId = z.uuid('not a pull id from PullSpeechModel');
const listenOptions = z
  .object({
    model: variantOf('s', modelName).optional(),
    'max-seconds': variantOf('u', z.number().int().min(1).max(120)).optional(),
  })
  .strict();
const speechText = z
  .string()
  .refine((text) => text.trim().length > 0, 'the text is empty')
  .refine((text) => text.length <= 20_000, 'the text is longer than 20000 characters');

export interface VoiceInterfaceOptions {
  models: SpeechModelStore;
  listener: Listener;
  speaker: Speaker;
  signals: InterfaceSignals<'io.github.steward.Steward1.Voice'>;
  log: Logger;
  /** The speech model for this machine and the person's language. */
  recommend: () => SpeechRecommendation;
}

export class VoiceInterface {
  private readonly pulls = new Map<string, AbortController>();

  constructor(private readonly options: VoiceInterfaceOptions) {}

  private async listen(options: z.infer<typeof listenOptions>): Promise<string> {
    const { models, listener, signals } = this.options;
    const model = await models.choose(options.model);
    const id = randomUUID();
    await listener.listen({
      model,
      maxSeconds: options['max-seconds'] ?? 60,
      events: {
        transcript: (text, final) => signals.emit('Transcript', { listenId: id, text, final }),
        failed: (error) =>
          signals.emit('ListenFailed', { listenId: id, error: error.errorName, message: error.message }),
      },
    });
    return id;
  }

  private speak(text: string): void {
    const { speaker, signals, log } = this.options;
    const spoken = speaker.speak(text);
    signals.propertiesChanged(['Speaking']);
    spoken
      .catch((error: unknown) => log.warning('reading aloud failed', { error: (error as Error).message }))
      .finally(() => {
        if (!speaker.speaking) signals.propertiesChanged(['Speaking']);
      });
  }

  /** Starts a download and returns its id at once; the signals report on it. */
  private startPull(source: string, checksum: string): string {
    const { models, signals, log } = this.options;
    // A name or URL that cannot work is refused by the call itself, not by a signal later.
    resolveSpeechSource(source);
    const id = randomUUID();
    const controller = new AbortController();
    this.pulls.set(id, controller);
    const progress = (done: PullProgress, phase: string) =>
      signals.emit('SpeechModelPullProgress', {
        pullId: id,
        phase,
        bytesDone: BigInt(done.bytesDone),
        bytesTotal: BigInt(done.bytesTotal ?? 0),
        bytesPerSecond: done.bytesPerSecond,
        etaSeconds: done.etaSeconds ?? -1,
      });
    const finished = (status: string, name: string, error?: StewardError) =>
      signals.emit('SpeechModelPullFinished', {
        pullId: id,
        status,
        name,
        errorName: error?.dbusName ?? '',
        errorMessage: error?.message ?? '',
      });
    pullSpeechModel(source, {
      directory: models.directory,
      sha256: checksum || undefined,
      signal: controller.signal,
      onProgress: progress,
      logger: log,
    })
      .then(
        (result) => {
          log.info('speech model pulled', {
            name: result.name,
            sha256: result.sha256,
            checksum: result.checksumSource,
            resumedFrom: result.resumedFromBytes,
          });
          finished('done', result.name);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return finished('cancelled', '');
          const failure =
            error instanceof StewardError ? error : new StewardError('Internal', 'the download failed unexpectedly');
          if (!(error instanceof StewardError)) log.error('speech model pull failed', { source, error: String(error) });
          finished('failed', '', failure);
        },
      )
      .finally(() => this.pulls.delete(id));
    return id;
  }

  /** Stops every download; what they fetched stays for the next pull to resume. */
  cancelPulls(): void {
    for (const controller of this.pulls.values()) controller.abort();
  }

  /** Closes the microphone, ends the speech worker and stops reading aloud. */
  close(): void {
    this.cancelPulls();
    this.options.listener.close();
    this.options.speaker.stop();
    this.options.speaker.close?.();
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Voice'> {
    const { models, listener, speaker, signals, recommend } = this.options;
    return {
      properties: {
        Listening: () => listener.listening,
        Speaking: () => speaker.speaking,
      },
      methods: {
        Listen: method(z.tuple([listenOptions]), ([options]) => this.listen(options)),
        Stop: method(z.tuple([]), () => listener.stop()),
        Speak: method(z.tuple([speechText]), ([text]) => this.speak(text)),
        StopSpeaking: method(z.tuple([]), () => {
          if (!speaker.speaking) return;
          speaker.stop();
          signals.propertiesChanged(['Speaking']);
        }),
        ListSpeechModels: method(z.tuple([]), async () => {
          const installed = await models.list();
          return installed.map((model, index) => ({
            name: new Variant('s', model.name),
            kind: new Variant('s', model.kind),
            languages: new Variant('as', model.languages),
            size: new Variant('t', BigInt(model.bytes)),
            default: new Variant('b', index === 0),
            sha256: new Variant('s', model.sha256 ?? ''),
            checksum: new Variant('s', model.checksumSource ?? ''),
          }));
        }),
        PullSpeechModel: method(z.tuple([pullSource, sha256]), ([source, checksum]) =>
          this.startPull(source, checksum),
        ),
        CancelSpeechModelPull: method(z.tuple([pullId]), ([id]) => {
          const controller = this.pulls.get(id);
          if (!controller) throw new StewardError('NotFound', `no speech model download ${id} is running`);
          controller.abort();
        }),
        SpeechModelCatalog: method(z.tuple([]), async () => {
          const installed = new Set((await models.list()).map((model) => model.name));
          const recommended = recommend().entry.name;
          return SPEECH_CATALOG.map((entry) => ({
            ...describeEntry(entry),
            installed: new Variant('b', installed.has(entry.name)),
            recommended: new Variant('b', entry.name === recommended),
          }));
        }),
        RecommendSpeechModel: method(z.tuple([]), () => {
          const { entry, reason, language } = recommend();
          return {
            ...describeEntry(entry),
            reason: new Variant('s', reason),
            language: new Variant('s', language),
            command: new Variant('s', pullCommand(entry.name)),
          };
        }),
        RemoveSpeechModel: method(z.tuple([modelName]), async ([name]) => {
          if (listener.listening) throw new StewardError('Busy', 'Steward is listening: stop that first');
          await models.remove(name);
        }),
      },
    };
  }
}

function describeEntry(entry: SpeechCatalogEntry): Record<string, Variant> {
  return {
    name: new Variant('s', entry.name),
    kind: new Variant('s', entry.kind),
    languages: new Variant('as', entry.languages),
    streaming: new Variant('b', entry.streaming),
    'approx-bytes': new Variant('t', BigInt(entry.approxBytes)),
    'ram-bytes': new Variant('t', BigInt(entry.ramBytes)),
    cores: new Variant('u', entry.cores),
    description: new Variant('s', entry.description),
    sha256: new Variant('s', entry.sha256 ?? ''),
  };
}
