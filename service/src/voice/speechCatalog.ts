// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The speech models Steward offers to pull: sherpa-onnx's own releases
// (github.com/k2-fsa/sherpa-onnx, tag asr-models), each a .tar.bz2 holding one
// directory of the same name. Only models the speech worker can run are here:
// streaming ones (the worker drives sherpa-onnx's OnlineRecognizer). Whisper and
// Moonshine need the offline recognizer and a voice activity detector first.
import { availableParallelism, freemem, totalmem } from 'node:os';

import type { SpeechModelKind } from './recognizerProtocol.js';

export const SPEECH_RELEASES = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

export interface SpeechCatalogEntry {
  name: string;
  kind: SpeechModelKind;
  /** ISO 639-1 codes. */
  languages: string[];
  streaming: boolean;
  /**
   * The archive's SHA-256, only where one was found published; without it the
   * pull records the checksum of what it fetched (trust on first download) and
   * ListSpeechModels shows it.
   */
  sha256?: string;
  /**
   * The archive's size as last seen, for choosing; the server's own length is
   * what the progress uses. Exact where a downstream catalog recorded it, else
   * rounded from the files the archive holds.
   */
  approxBytes: number;
  /** Memory the worker needs with the model loaded: the int8 files, onnxruntime's arenas, the features. */
  ramBytes: number;
  /** Cores to recognise in real time while the rest of the desktop runs. */
  cores: number;
  /** Larger is more accurate, among the models of one language. */
  quality: number;
  description: string;
}

const MB = 1_000_000;

export const SPEECH_CATALOG: readonly SpeechCatalogEntry[] = [
  {
    name: 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17',
    kind: 'transducer',
    languages: ['en'],
    streaming: true,
    approxBytes: 128 * MB,
    ramBytes: 200 * MB,
    cores: 1,
    quality: 1,
    description: 'English, small and fast (Zipformer, 20 million parameters)',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-en-2023-06-26',
    kind: 'transducer',
    languages: ['en'],
    streaming: true,
    approxBytes: 296 * MB,
    ramBytes: 500 * MB,
    cores: 2,
    quality: 2,
    description: 'English, more accurate (Zipformer, LibriSpeech and GigaSpeech)',
  },
  {
    name: 'sherpa-onnx-nemo-streaming-fast-conformer-ctc-en-80ms-int8',
    kind: 'nemo-ctc',
    languages: ['en'],
    streaming: true,
    approxBytes: 99_459_493,
    ramBytes: 400 * MB,
    cores: 2,
    quality: 2,
    description: 'English, accurate and compact (NeMo FastConformer CTC, 80 ms chunks, int8)',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
    kind: 'transducer',
    languages: ['zh', 'en'],
    streaming: true,
    approxBytes: 480 * MB,
    ramBytes: 600 * MB,
    cores: 2,
    quality: 2,
    description: 'Chinese and English, also mixed in one sentence (Zipformer)',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-zh-14M-2023-02-23',
    kind: 'transducer',
    languages: ['zh'],
    streaming: true,
    approxBytes: 70 * MB,
    ramBytes: 200 * MB,
    cores: 1,
    quality: 1,
    description: 'Chinese, small and fast (Zipformer, 14 million parameters)',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-fr-2023-04-14',
    kind: 'transducer',
    languages: ['fr'],
    streaming: true,
    approxBytes: 398_444_115,
    ramBytes: 500 * MB,
    cores: 2,
    quality: 2,
    description: 'French (Zipformer)',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-korean-2024-06-16',
    kind: 'transducer',
    languages: ['ko'],
    streaming: true,
    approxBytes: 399 * MB,
    ramBytes: 500 * MB,
    cores: 2,
    quality: 2,
    description: 'Korean (Zipformer)',
  },
];

export function catalogEntry(name: string): SpeechCatalogEntry | undefined {
  return SPEECH_CATALOG.find((entry) => entry.name === name);
}

export function catalogUrl(entry: SpeechCatalogEntry): string {
  return `${SPEECH_RELEASES}/${entry.name}.tar.bz2`;
}

export interface SpeechHardware {
  totalRamBytes: number;
  freeRamBytes: number;
  cores: number;
}

export function surveySpeechHardware(): SpeechHardware {
  return { totalRamBytes: totalmem(), freeRamBytes: freemem(), cores: availableParallelism() };
}

/** The person's language from the locale the service runs in ("de_DE.UTF-8" → "de"); English for C and POSIX. */
export function localeLanguage(env: NodeJS.ProcessEnv = process.env): string {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '') ?? '';
  const language = /^([a-z]{2,3})(?:[_.@-]|$)/.exec(locale)?.[1];
  return language === undefined || locale === 'C' || locale === 'POSIX' ? 'en' : language;
}

export interface SpeechRecommendation {
  entry: SpeechCatalogEntry;
  language: string;
  reason: string;
}

/**
 * The most accurate streaming model in the person's language that the machine
 * runs comfortably (its memory fits in the free RAM, it has the cores), else
 * the smallest in that language; English when none speaks it.
 */
export function recommendSpeechModel(hardware: SpeechHardware, language: string): SpeechRecommendation {
  const spoken = SPEECH_CATALOG.filter((entry) => entry.streaming && entry.languages.includes(language));
  const candidates = spoken.length > 0 ? spoken : SPEECH_CATALOG.filter((entry) => entry.languages.includes('en'));
  const fits = (entry: SpeechCatalogEntry) =>
    entry.ramBytes <= hardware.freeRamBytes &&
    entry.ramBytes * 8 <= hardware.totalRamBytes &&
    entry.cores <= hardware.cores;
  const comfortable = candidates.filter(fits).sort((a, b) => b.quality - a.quality || a.approxBytes - b.approxBytes);
  const smallest = [...candidates].sort((a, b) => a.ramBytes - b.ramBytes)[0];
  const entry = comfortable[0] ?? smallest;
  // The catalog always has an English model, so there is always a smallest.
  if (!entry) throw new Error('the speech model catalog has no English model');
  const spokenBy = spoken.length > 0 ? '' : ` No speech model speaks “${language}” yet, so this one is English.`;
  const cores = (count: number) => (count === 1 ? '1 core' : `${count} cores`);
  // In GiB, as the chat model's recommendation printed beside it speaks of the same memory.
  const why = comfortable[0]
    ? `it needs about ${Math.round(entry.ramBytes / MB)} MB of memory and ${cores(entry.cores)}; ` +
      `this machine has ${(hardware.freeRamBytes / 1024 ** 3).toFixed(1)} GiB free and ${cores(hardware.cores)}`
    : 'it is the smallest one, and this machine has little memory or few cores to spare';
  return { entry, language, reason: `${entry.description}: ${why}.${spokenBy}` };
}

/** The command that installs a speech model, as the CLI spells it. */
export function pullCommand(name: string): string {
  return `steward models pull speech:${name}`;
}
