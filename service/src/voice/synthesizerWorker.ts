// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The voice worker: a child process of the service that holds sherpa-onnx's
// OfflineTts, apart from the service because onnxruntime aborts the process
// on a model it cannot read. Sentences are made one at a time and sent as
// each is ready, so playback starts after the first sentence, not the last.
import { createRequire } from 'node:module';

import type { FromVoiceWorker, ToVoiceWorker, VoiceModelFiles } from './synthesizerProtocol.js';

interface GenerateRequest {
  text: string;
  sid: number;
  speed: number;
  onProgress(info: { samples: Float32Array; progress: number }): number;
}
interface OfflineTts {
  sampleRate: number;
  generateAsync(request: GenerateRequest): Promise<{ samples: Float32Array; sampleRate: number }>;
}
interface SherpaOnnx {
  OfflineTts: { createAsync(config: object): Promise<OfflineTts> };
}

const send = (message: FromVoiceWorker) => process.send?.(message);

function modelConfig(files: VoiceModelFiles, threads: number): object {
  const optional = {
    ...(files.dataDir && { dataDir: files.dataDir }),
    ...(files.lexicon && { lexicon: files.lexicon }),
  };
  const family =
    files.kind === 'kokoro'
      ? { kokoro: { model: files.model, voices: files.voices ?? '', tokens: files.tokens, ...optional } }
      : { vits: { model: files.model, tokens: files.tokens, ...optional } };
  return { ...family, numThreads: threads, provider: 'cpu', debug: 0 };
}

let tts: OfflineTts | undefined;
const cancelled = new Set<number>();
// One utterance at a time: a new one waits for the generation under way to stop.
let queue: Promise<void> = Promise.resolve();

async function speak(id: number, text: string): Promise<void> {
  if (!tts) throw new Error('no voice is loaded');
  if (!cancelled.has(id))
    await tts.generateAsync({
      text,
      sid: 0,
      speed: 1,
      onProgress: ({ samples }) => {
        if (cancelled.has(id)) return 0;
        send({ type: 'audio', id, samples: Float32Array.from(samples) });
        return 1;
      },
    });
  cancelled.delete(id);
  send({ type: 'done', id });
}

async function handle(message: ToVoiceWorker): Promise<void> {
  switch (message.type) {
    case 'load': {
      const require = createRequire(import.meta.url);
      const sherpa = require('sherpa-onnx-node') as SherpaOnnx;
      tts = await sherpa.OfflineTts.createAsync({
        model: modelConfig(message.model, message.threads),
        maxNumSentences: 1,
      });
      send({ type: 'ready', sampleRate: tts.sampleRate });
      return;
    }
    case 'speak': {
      const { id, text } = message;
      queue = queue.then(() =>
        speak(id, text).catch((error: Error) => {
          send({ type: 'failed', id, message: error.message });
        }),
      );
      return;
    }
    case 'cancel':
      cancelled.add(message.id);
      return;
  }
}

process.on('message', (message: ToVoiceWorker) => {
  handle(message).catch((error: Error) => send({ type: 'failed', message: error.message }));
});
process.on('disconnect', () => process.exit(0));
