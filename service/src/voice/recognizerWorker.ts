// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The speech worker: a child process of the service that holds sherpa-onnx.
// onnxruntime aborts the process on a model it cannot read, so that must end
// this process and not the D-Bus service. One stream at a time: the service
// sends audio, the worker answers partial text as it grows and final text at an
// endpoint or when the input ends.
import { createRequire } from 'node:module';

import type { FromWorker, SpeechModelFiles, ToWorker } from './recognizerProtocol.js';

interface Stream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}
interface Recognizer {
  createStream(): Stream;
  isReady(stream: Stream): boolean;
  decode(stream: Stream): void;
  isEndpoint(stream: Stream): boolean;
  reset(stream: Stream): void;
  getResult(stream: Stream): { text: string };
}
interface SherpaOnnx {
  OnlineRecognizer: new (config: object) => Recognizer;
}

// Silence after speech that ends an utterance; short, since the person waits for it.
const TRAILING_SILENCE_SECONDS = 0.8;

const send = (message: FromWorker) => process.send?.(message);

function modelConfig(model: SpeechModelFiles, threads: number): object {
  const files = model.files;
  const family =
    model.kind === 'nemo-ctc'
      ? { nemoCtc: { model: files.model } }
      : model.kind === 'zipformer2-ctc'
        ? { zipformer2Ctc: { model: files.model } }
        : { transducer: { encoder: files.encoder, decoder: files.decoder, joiner: files.joiner } };
  return { ...family, tokens: model.tokens, numThreads: threads, provider: 'cpu', debug: 0 };
}

function toFloat(pcm: Uint8Array): Float32Array {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const samples = new Float32Array(Math.floor(pcm.byteLength / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return samples;
}

let recognizer: Recognizer | undefined;
let stream: Stream | undefined;
let lastPartial = '';

function decodeReady(): void {
  if (!recognizer || !stream) return;
  while (recognizer.isReady(stream)) recognizer.decode(stream);
  const text = recognizer.getResult(stream).text.trim();
  if (recognizer.isEndpoint(stream)) {
    // An endpoint with nothing said yet is silence before speech: keep listening.
    if (text) {
      send({ type: 'final', text });
      stream = undefined;
    } else recognizer.reset(stream);
    lastPartial = '';
    return;
  }
  if (text !== lastPartial) {
    lastPartial = text;
    send({ type: 'partial', text });
  }
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'load': {
      const require = createRequire(import.meta.url);
      const sherpa = require('sherpa-onnx-node') as SherpaOnnx;
      recognizer = new sherpa.OnlineRecognizer({
        featConfig: { sampleRate: 16000, featureDim: 80 },
        modelConfig: modelConfig(message.model, message.threads),
        decodingMethod: 'greedy_search',
        enableEndpoint: true,
        rule1MinTrailingSilence: 2.4,
        rule2MinTrailingSilence: TRAILING_SILENCE_SECONDS,
        rule3MinUtteranceLength: 30,
      });
      send({ type: 'ready' });
      return;
    }
    case 'start':
      stream = recognizer?.createStream();
      lastPartial = '';
      return;
    case 'audio':
      // Audio that was on its way when the utterance ended belongs to none.
      if (!recognizer || !stream) return;
      stream.acceptWaveform({ samples: toFloat(message.pcm), sampleRate: message.sampleRate });
      decodeReady();
      return;
    case 'finish': {
      if (!recognizer) return;
      const current = stream;
      stream = undefined;
      lastPartial = '';
      if (!current) {
        send({ type: 'final', text: '' });
        return;
      }
      current.inputFinished();
      while (recognizer.isReady(current)) recognizer.decode(current);
      send({ type: 'final', text: recognizer.getResult(current).text.trim() });
      return;
    }
  }
}

process.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
