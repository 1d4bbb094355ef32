// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Speech for the voice specs, made at test time: espeak-ng speaks known
// sentences to WAV files, and a tiny sherpa-onnx model is generated with
// python3-onnx (see tinySpeechModel.py: it streams real audio to nonsense words).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readWav } from '../../../service/src/voice/wav.js';

const run = promisify(execFile);
const GENERATOR = join(process.cwd(), 'test', 'support', 'voice', 'tinySpeechModel.py');

/** Writes the tiny model into `directory` as an installed speech model (kind nemo-ctc). */
export async function writeTinySpeechModel(directory: string): Promise<void> {
  await run('/usr/bin/python3', [GENERATOR, directory]);
  const manifest = { kind: 'nemo-ctc', languages: ['en'], files: { model: 'model.onnx' }, tokens: 'tokens.txt' };
  await writeFile(join(directory, 'speech-model.json'), JSON.stringify(manifest));
}

/** espeak-ng's voice speaking `text` into `file`; resolves with the speech's length in seconds. */
export async function speak(text: string, file: string): Promise<number> {
  await run('espeak-ng', ['-w', file, '--', text]);
  return wavSeconds(file);
}

export async function wavSeconds(file: string): Promise<number> {
  const wav = readWav(await readFile(file));
  return wav.data.length / 2 / wav.sampleRate;
}

/**
 * The tiny model packed as sherpa-onnx packs its releases: NAME.tar.bz2 holding the directory NAME, with
 * test_wavs/ beside the model (espeak-ng's speech here), which makes it big enough to arrive in many pieces.
 */
export async function tinySpeechModelArchive(workDirectory: string, name: string): Promise<Buffer> {
  const directory = join(workDirectory, name);
  await writeTinySpeechModel(directory);
  await mkdir(join(directory, 'test_wavs'));
  for (const [index, sentence] of ARCHIVE_SENTENCES.entries())
    await speak(sentence, join(directory, 'test_wavs', `${index}.wav`));
  const archive = join(workDirectory, `${name}.tar.bz2`);
  await run('tar', ['--create', '--bzip2', '--file', archive, '--directory', workDirectory, name]);
  return readFile(archive);
}

const ARCHIVE_SENTENCES = [
  'The quick brown fox jumps over the lazy dog while the backup runs in the background.',
  'Steward noticed that the disk holding your home folder is almost full.',
  'The network connection came back after the router restarted.',
];

const VOICE_GENERATOR = join(process.cwd(), 'test', 'support', 'voice', 'tinyVoiceModel.py');

/** Writes the tiny neural voice (0.1 s of noise a character) into `directory`, as an installed voice. */
export async function writeTinyVoice(directory: string): Promise<void> {
  await run('/usr/bin/python3', [VOICE_GENERATOR, directory]);
}
