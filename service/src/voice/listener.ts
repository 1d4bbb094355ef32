// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One listening at a time: the microphone's audio goes to the recognizer, its
// text comes back as transcripts, and the microphone closes at the final text,
// on Stop or when the time is up. It outlives the caller's connection, so
// that `gdbus call` can start it; the time limit bounds it.
import { StewardError } from '../dbus/errors.js';
import type { Logger } from '../logging.js';
import type { AudioSource } from './capture.js';
import type { Recognizer } from './recognizer.js';
import type { SpeechModel } from './speechModels.js';

export interface ListenEvents {
  transcript(text: string, final: boolean): void;
  failed(error: StewardError): void;
}

export interface ListenRequest {
  model: SpeechModel;
  maxSeconds: number;
  events: ListenEvents;
}

export class Listener {
  private active: { finish(): void; close(): void } | null = null;

  constructor(
    private readonly recognizer: Recognizer,
    private readonly microphone: () => AudioSource,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  get listening(): boolean {
    return this.active !== null;
  }

  /** Resolves once audio flows to a loaded model; the errors of Listen otherwise. */
  async listen(request: ListenRequest): Promise<void> {
    if (this.active) throw new StewardError('Busy', 'Steward is listening already: stop that first');
    const placeholder = { finish: () => undefined, close: () => undefined };
    this.active = placeholder;
    try {
      await this.recognizer.load(request.model.name, request.model);
    } catch (error) {
      this.active = null;
      throw error;
    }
    const source = this.microphone();
    let finishing = false;
    const close = () => {
      if (this.active !== session) return;
      this.active = null;
      clearTimeout(timer);
      source.stop();
      if (!finishing) this.recognizer.abandon();
      this.onChange();
    };
    const finish = () => {
      if (finishing) return;
      finishing = true;
      source.stop();
      this.recognizer.finish();
    };
    const session = { finish, close };
    this.active = session;
    const timer = setTimeout(finish, request.maxSeconds * 1000);
    this.recognizer.start({
      partial: (text) => request.events.transcript(text, false),
      final: (text) => {
        close();
        request.events.transcript(text, true);
      },
      failed: (error) => {
        close();
        request.events.failed(error);
      },
    });
    try {
      await source.start({
        audio: (pcm, sampleRate) => {
          if (!finishing) this.recognizer.audio(pcm, sampleRate);
        },
        ended: (error) => {
          this.log.warning('the microphone went away while listening', { error: error.message });
          close();
          request.events.failed(error);
        },
      });
    } catch (error) {
      close();
      throw error;
    }
    this.onChange();
  }

  /** Ends the listening: the text heard so far becomes the final transcript. */
  stop(): void {
    this.active?.finish();
  }

  close(): void {
    this.active?.close();
    this.recognizer.close();
  }
}
