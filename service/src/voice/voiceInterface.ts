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
import type { Listener } from './listener.js';
import type { Speaker } from './speaker.js';
import type { SpeechModelStore } from './speechModels.js';

const modelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'not a speech model name');
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
}

export class VoiceInterface {
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

  /** Closes the microphone, ends the speech worker and stops reading aloud. */
  close(): void {
    this.options.listener.close();
    this.options.speaker.stop();
    this.options.speaker.close?.();
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Voice'> {
    const { models, listener, speaker, signals } = this.options;
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
          }));
        }),
        RemoveSpeechModel: method(z.tuple([modelName]), async ([name]) => {
          if (listener.listening) throw new StewardError('Busy', 'Steward is listening: stop that first');
          await models.remove(name);
        }),
      },
    };
  }
}
