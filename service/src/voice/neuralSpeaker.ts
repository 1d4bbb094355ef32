// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reading aloud with a neural voice (sherpa-onnx's OfflineTts: VITS/Piper or
// Kokoro) made in the voice worker and played through PipeWire with pw-play,
// sentence by sentence as the worker makes them. Voices live in
// $XDG_DATA_HOME/steward/voices/NAME: model.onnx and tokens.txt, with
// espeak-ng-data/, lexicon.txt or voices.bin (Kokoro) where the voice has them.
// In tests a directory stands in for the loudspeaker, as for espeak-ng.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { StewardError } from '../dbus/errors.js';
import { cleanLine } from '../untrustedText.js';
import { pipeWireRawFlag } from './pipeWireRaw.js';
import type { Speaker } from './speaker.js';
import type { FromVoiceWorker, ToVoiceWorker, VoiceModelFiles } from './synthesizerProtocol.js';
import { lastFailureLine } from './workerStderr.js';

export const VOICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function voicesDirectory(dataHome: string): string {
  return join(dataHome, 'steward', 'voices');
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A voice's files, or NoSpeechModel naming the directory it should be in. */
export async function findVoice(directory: string, name: string): Promise<VoiceModelFiles> {
  const root = join(directory, name);
  const file = (base: string) => join(root, base);
  if (!VOICE_NAME.test(name) || !(await exists(file('model.onnx'))) || !(await exists(file('tokens.txt'))))
    throw new StewardError(
      'NoSpeechModel',
      `the neural voice ${name} is not installed: put its model.onnx and tokens.txt in ${root}`,
    );
  const [dataDir, lexicon, voices] = await Promise.all(
    ['espeak-ng-data', 'lexicon.txt', 'voices.bin'].map((base) => exists(file(base))),
  );
  return {
    kind: voices ? 'kokoro' : 'vits',
    model: file('model.onnx'),
    tokens: file('tokens.txt'),
    ...(dataDir && { dataDir: file('espeak-ng-data') }),
    ...(lexicon && { lexicon: file('lexicon.txt') }),
    ...(voices && { voices: file('voices.bin') }),
  };
}

const STDERR_KEPT = 2000;

/** 16-bit mono WAV of float samples, as the stand-in loudspeaker keeps them. */
export function wavOf(samples: Float32Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, sample)) * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Where one utterance's samples go as they come. */
interface Output {
  write(samples: Float32Array): void;
  /** Resolves when what was written has been heard (or kept). */
  end(): Promise<void>;
  stop(): void;
}

function pipeWireOutput(sampleRate: number, raw: string[]): Output {
  const player = spawn(
    'pw-play',
    [...raw, '--rate', String(sampleRate), '--channels', '1', '--format', 'f32', '--media-role', 'Accessibility', '-'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  player.stderr.setEncoding('utf8');
  player.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEPT)));
  player.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve, reject) => {
    player.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StewardError(
          'Unavailable',
          error.code === 'ENOENT'
            ? "the neural voice plays through PipeWire's pw-play, which is not installed (Debian: pipewire-bin)"
            : `pw-play could not start (${error.message})`,
        ),
      ),
    );
    player.on('exit', (code, signal) => {
      if (code === 0 || signal) resolve();
      else reject(new StewardError('Unavailable', `pw-play failed: ${cleanLine(stderr, 300) || `exit ${code}`}`));
    });
  });
  return {
    write: (samples) => player.stdin.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)),
    end: () => {
      player.stdin.end();
      return exited;
    },
    stop: () => player.kill(),
  };
}

function standInOutput(file: string, sampleRate: number): Output {
  const parts: Float32Array[] = [];
  return {
    write: (samples) => parts.push(samples),
    end: () => {
      const all = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
      parts.reduce((offset, part) => (all.set(part, offset), offset + part.length), 0);
      return writeFile(file, wavOf(all, sampleRate));
    },
    stop: () => undefined,
  };
}

interface Utterance {
  id: number;
  output: Output | null;
  finish(error?: Error): void;
}

export class NeuralSpeaker implements Speaker {
  private worker: ChildProcess | null = null;
  private loaded: { name: string; sampleRate: number } | null = null;
  private current: Utterance | null = null;
  private nextId = 0;
  private stderr = '';

  /** `standIn`: a directory where utterances are written as WAV files instead of played. */
  constructor(
    private readonly workerScript: string,
    private readonly voices: string,
    private readonly voiceName: () => string | undefined,
    private readonly standIn?: string,
  ) {}

  get speaking(): boolean {
    return this.current !== null;
  }

  /** The voice's name when one is set; none means the desktop's voice reads aloud. */
  get configured(): string | undefined {
    return this.voiceName();
  }

  /** Loads the voice (NoSpeechModel, EngineFailed) and reads `text` with it until done or stopped. */
  async speak(text: string): Promise<void> {
    this.stop();
    const name = this.voiceName();
    if (!name) throw new StewardError('NoSpeechModel', 'no neural voice is set (voice.neuralModel)');
    const files = await findVoice(this.voices, name);
    const { sampleRate } = await this.load(name, files);
    const raw = this.standIn ? [] : await pipeWireRawFlag('pw-play');
    const id = ++this.nextId;
    const standIn = this.standIn;
    await new Promise<void>((resolve, reject) => {
      const utterance: Utterance = {
        id,
        output: null,
        finish: (error) => {
          if (this.current === utterance) this.current = null;
          if (error) reject(error);
          else resolve();
        },
      };
      this.current = utterance;
      utterance.output = standIn
        ? standInOutput(join(standIn, `utterance-neural-${id}.wav`), sampleRate)
        : pipeWireOutput(sampleRate, raw);
      this.send({ type: 'speak', id, text });
    });
  }

  stop(): void {
    const utterance = this.current;
    if (!utterance) return;
    this.current = null;
    this.send({ type: 'cancel', id: utterance.id });
    utterance.output?.stop();
    utterance.finish();
  }

  close(): void {
    this.stop();
    const worker = this.worker;
    this.worker = null;
    this.loaded = null;
    if (worker?.connected) worker.disconnect();
    worker?.kill();
  }

  private async load(name: string, files: VoiceModelFiles): Promise<{ sampleRate: number }> {
    if (this.worker && this.loaded?.name === name) return this.loaded;
    this.close();
    const worker = fork(this.workerScript, [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.worker = worker;
    this.stderr = '';
    worker.stderr?.setEncoding('utf8');
    worker.stderr?.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT)));
    const failure = (why: string) =>
      new StewardError('EngineFailed', `the neural voice ${name} could not be loaded: ${why}`);
    const sampleRate = await new Promise<number>((resolve, reject) => {
      const onMessage = (message: FromVoiceWorker) => {
        if (message.type === 'ready') done(() => resolve(message.sampleRate));
        else if (message.type === 'failed') done(() => reject(failure(cleanLine(message.message, 300))));
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(() =>
          reject(failure(lastFailureLine(this.stderr) || `the voice worker ended (${signal ?? `exit ${code}`})`)),
        );
      const done = (settle: () => void) => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        settle();
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      this.send({ type: 'load', model: files, threads: Math.min(2, cpus().length) });
    }).catch((error: unknown) => {
      this.close();
      throw error;
    });
    this.loaded = { name, sampleRate };
    worker.on('message', (message: FromVoiceWorker) => this.route(message));
    worker.on('exit', (code, signal) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.loaded = null;
      const why = lastFailureLine(this.stderr) || `it ended (${signal ?? `exit ${code}`})`;
      const utterance = this.current;
      utterance?.output?.stop();
      utterance?.finish(new StewardError('EngineFailed', `the neural voice failed: ${why}`));
    });
    return this.loaded;
  }

  private route(message: FromVoiceWorker): void {
    const utterance = this.current;
    if (!utterance || !('id' in message) || message.id !== utterance.id) return;
    if (message.type === 'audio') utterance.output?.write(message.samples);
    else if (message.type === 'done')
      void utterance.output?.end().then(
        () => utterance.finish(),
        (error: Error) => utterance.finish(error),
      );
    else if (message.type === 'failed') {
      utterance.output?.stop();
      utterance.finish(new StewardError('EngineFailed', `the neural voice failed: ${cleanLine(message.message, 300)}`));
    }
  }

  private send(message: ToVoiceWorker): void {
    if (this.worker?.connected) this.worker.send(message);
  }
}
