// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The messages between the service and the voice worker (steward-voice), which
// holds sherpa-onnx's OfflineTts, over the fork's IPC channel with structured
// clone so the samples stay binary.

/** A neural voice's files, as absolute paths. */
export interface VoiceModelFiles {
  /** VITS (Piper, Coqui, MMS…) or Kokoro, by the files beside the model. */
  kind: 'vits' | 'kokoro';
  model: string;
  tokens: string;
  /** Piper's and Kokoro's phonemizer data (espeak-ng-data), where the model ships it. */
  dataDir?: string;
  lexicon?: string;
  /** Kokoro's speaker embeddings. */
  voices?: string;
}

export type ToVoiceWorker =
  | { type: 'load'; model: VoiceModelFiles; threads: number }
  | { type: 'speak'; id: number; text: string }
  /** Stops the generation of `id` after the sentence under way. */
  | { type: 'cancel'; id: number };

export type FromVoiceWorker =
  | { type: 'ready'; sampleRate: number }
  /** One sentence's samples (mono, -1…1), as soon as it is made. */
  | { type: 'audio'; id: number; samples: Float32Array }
  | { type: 'done'; id: number }
  | { type: 'failed'; id?: number; message: string };
