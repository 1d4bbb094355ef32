// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The messages between the service and the speech worker (steward-speech), sent
// over the fork's IPC channel with structured clone so audio stays binary.

/** The model families the worker knows, by the sherpa-onnx configuration they need. */
export type SpeechModelKind = 'nemo-ctc' | 'zipformer2-ctc' | 'transducer';

export interface SpeechModelFiles {
  kind: SpeechModelKind;
  /** Absolute paths: "model" for the CTC kinds; "encoder", "decoder", "joiner" for a transducer. */
  files: Record<string, string>;
  tokens: string;
}

export type ToWorker =
  | { type: 'load'; model: SpeechModelFiles; threads: number }
  /** A new utterance: audio until the next final result belongs to it. */
  | { type: 'start' }
  /** 16-bit signed little-endian mono samples. */
  | { type: 'audio'; pcm: Uint8Array; sampleRate: number }
  /** The input ended: decode what is left and answer a final result. */
  | { type: 'finish' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'partial'; text: string }
  /** An endpoint (trailing silence after speech) or the input's end: the utterance's text. */
  | { type: 'final'; text: string }
  | { type: 'failed'; message: string };
