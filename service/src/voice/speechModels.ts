// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The speech models installed in $XDG_DATA_HOME/steward/speech-models, one
// directory each: a sherpa-onnx release unpacked as it comes (a streaming
// transducer: encoder, decoder, joiner and tokens.txt), or any model with a
// speech-model.json that says its kind, files and languages.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import type { SpeechModelFiles, SpeechModelKind } from './recognizerProtocol.js';

export interface SpeechModel extends SpeechModelFiles {
  name: string;
  directory: string;
  languages: string[];
  bytes: number;
}

/** What to get when there is none: small, streaming, English, runs on any CPU. */
export const RECOMMENDED_SPEECH_MODEL = {
  name: 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17',
  url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2',
  languages: ['en'],
};

const MANIFEST = 'speech-model.json';
const fileName = z.string().regex(/^[^/]+$/, 'a file name in the model directory');
const manifestSchema = z.object({
  kind: z.enum(['nemo-ctc', 'zipformer2-ctc', 'transducer']),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default([]),
  files: z.partialRecord(z.enum(['model', 'encoder', 'decoder', 'joiner']), fileName),
  tokens: fileName.default('tokens.txt'),
});

const NEEDS: Record<SpeechModelKind, string[]> = {
  'nemo-ctc': ['model'],
  'zipformer2-ctc': ['model'],
  transducer: ['encoder', 'decoder', 'joiner'],
};

export function speechModelsDirectory(dataHome: string): string {
  return join(dataHome, 'steward', 'speech-models');
}

/** A transducer as sherpa-onnx releases it: the int8 files where both are there, being smaller and as good. */
function inferTransducer(names: string[]): z.infer<typeof manifestSchema> | null {
  const pick = (part: string) => {
    const matching = names.filter((name) => name.startsWith(part) && name.endsWith('.onnx')).sort();
    return matching.find((name) => name.includes('int8')) ?? matching[0];
  };
  const [encoder, decoder, joiner] = [pick('encoder'), pick('decoder'), pick('joiner')];
  if (!encoder || !decoder || !joiner || !names.includes('tokens.txt')) return null;
  return { kind: 'transducer', languages: [], files: { encoder, decoder, joiner }, tokens: 'tokens.txt' };
}

async function readModel(root: string, name: string): Promise<SpeechModel | null> {
  const directory = join(root, name);
  const names = await readdir(directory).catch(() => null);
  if (!names) return null;
  let manifest: z.infer<typeof manifestSchema> | null;
  if (names.includes(MANIFEST)) {
    const parsed = manifestSchema.safeParse(
      await readFile(join(directory, MANIFEST), 'utf8').then(JSON.parse, () => null),
    );
    manifest = parsed.success ? parsed.data : null;
  } else manifest = inferTransducer(names);
  if (!manifest) return null;
  const files: Record<string, string> = {};
  for (const role of NEEDS[manifest.kind]) {
    const file = manifest.files[role as keyof typeof manifest.files];
    if (!file || !names.includes(file)) return null;
    files[role] = join(directory, file);
  }
  if (!names.includes(manifest.tokens)) return null;
  const paths = [...Object.values(files), join(directory, manifest.tokens)];
  const sizes = await Promise.all(paths.map((path) => stat(path).then((info) => info.size)));
  const languages = manifest.languages.length ? manifest.languages : /-en-|-en$/.test(name) ? ['en'] : [];
  return {
    name,
    directory,
    kind: manifest.kind,
    files,
    tokens: join(directory, manifest.tokens),
    languages,
    bytes: sizes.reduce((sum, size) => sum + size, 0),
  };
}

export class SpeechModelStore {
  constructor(readonly directory: string) {}

  /** The usable models, by name; a directory that is not one is left out. */
  async list(): Promise<SpeechModel[]> {
    const names = await readdir(this.directory).catch(() => []);
    const models = await Promise.all(names.sort().map((name) => readModel(this.directory, name)));
    return models.filter((model): model is SpeechModel => model !== null);
  }

  /** The model Listen uses: the one named, or the first installed; NoSpeechModel when there is none. */
  async choose(name?: string): Promise<SpeechModel> {
    const models = await this.list();
    const model = name ? models.find((candidate) => candidate.name === name) : models[0];
    if (model) return model;
    if (name) throw new StewardError('NotFound', `there is no speech model named ${name}`);
    throw new StewardError(
      'NoSpeechModel',
      `no speech model is installed: get ${RECOMMENDED_SPEECH_MODEL.name} (English, about 40 MB) from ` +
        `${RECOMMENDED_SPEECH_MODEL.url} and unpack it into ${this.directory}`,
    );
  }

  async remove(name: string): Promise<void> {
    const model = (await this.list()).find((candidate) => candidate.name === name);
    if (!model) throw new StewardError('NotFound', `there is no speech model named ${name}`);
    await rm(model.directory, { recursive: true, force: true });
  }
}
