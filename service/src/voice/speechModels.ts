// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The speech models installed in $XDG_DATA_HOME/steward/speech-models, one
// directory each: a sherpa-onnx release unpacked as it comes (a streaming
// transducer: encoder, decoder, joiner and tokens.txt), or any model with a
// speech-model.json that says its kind, files and languages. A pull writes
// that file too, with the archive's checksum and where it came from.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import type { SpeechModelFiles, SpeechModelKind } from './recognizerProtocol.js';
import { pullCommand, type SpeechRecommendation } from './speechCatalog.js';

/** Whose checksum the archive was checked against: the catalog's, the caller's, or none (recorded at download). */
export type ChecksumSource = 'catalog' | 'caller' | 'first-download';

export interface SpeechModel extends SpeechModelFiles {
  name: string;
  directory: string;
  languages: string[];
  bytes: number;
  /** The SHA-256 of the archive it was unpacked from, when Steward pulled it. */
  sha256?: string;
  checksumSource?: ChecksumSource;
  source?: string;
}

export const MANIFEST = 'speech-model.json';
const fileName = z.string().regex(/^[^/]+$/, 'a file name in the model directory');
export const manifestSchema = z.object({
  kind: z.enum(['nemo-ctc', 'zipformer2-ctc', 'transducer']),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default([]),
  files: z.partialRecord(z.enum(['model', 'encoder', 'decoder', 'joiner']), fileName),
  tokens: fileName.default('tokens.txt'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  checksum: z.enum(['catalog', 'caller', 'first-download']).optional(),
  source: z.string().max(4096).optional(),
});
export type SpeechManifest = z.infer<typeof manifestSchema>;

const NEEDS: Record<SpeechModelKind, string[]> = {
  'nemo-ctc': ['model'],
  'zipformer2-ctc': ['model'],
  transducer: ['encoder', 'decoder', 'joiner'],
};

export function speechModelsDirectory(dataHome: string): string {
  return join(dataHome, 'steward', 'speech-models');
}

/** A transducer as sherpa-onnx releases it: the int8 files where both are there, being smaller and as good. */
export function inferTransducer(names: string[]): SpeechManifest | null {
  const pick = (part: string) => {
    const matching = names.filter((name) => name.startsWith(part) && name.endsWith('.onnx')).sort();
    return matching.find((name) => name.includes('int8')) ?? matching[0];
  };
  const [encoder, decoder, joiner] = [pick('encoder'), pick('decoder'), pick('joiner')];
  if (!encoder || !decoder || !joiner || !names.includes('tokens.txt')) return null;
  return { kind: 'transducer', languages: [], files: { encoder, decoder, joiner }, tokens: 'tokens.txt' };
}

/** The model in `directory`, named `name`; null when it holds none Steward can use. */
export async function readModel(directory: string, name: string): Promise<SpeechModel | null> {
  const names = await readdir(directory).catch(() => null);
  if (!names) return null;
  let manifest: SpeechManifest | null;
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
    sha256: manifest.sha256,
    checksumSource: manifest.checksum,
    source: manifest.source,
  };
}

export class SpeechModelStore {
  constructor(
    readonly directory: string,
    /** What NoSpeechModel tells the person to get. */
    private readonly recommend: () => SpeechRecommendation,
  ) {}

  /** The usable models, by name; a directory that is not one (downloads under way in .downloads) is left out. */
  async list(): Promise<SpeechModel[]> {
    const names = (await readdir(this.directory).catch(() => [])).filter((name) => !name.startsWith('.'));
    const models = await Promise.all(names.sort().map((name) => readModel(join(this.directory, name), name)));
    return models.filter((model): model is SpeechModel => model !== null);
  }

  /** The model Listen uses: the one named, or the first installed; NoSpeechModel when there is none. */
  async choose(name?: string): Promise<SpeechModel> {
    const models = await this.list();
    const model = name ? models.find((candidate) => candidate.name === name) : models[0];
    if (model) return model;
    if (name) throw new StewardError('NotFound', `there is no speech model named ${name}`);
    const { entry } = this.recommend();
    throw new StewardError(
      'NoSpeechModel',
      `no speech model is installed: for this computer, get ${entry.name} (${entry.description}, ` +
        `about ${Math.round(entry.approxBytes / 1_000_000)} MB) with “${pullCommand(entry.name)}”; ` +
        `it goes into ${this.directory}`,
    );
  }

  async has(name: string): Promise<boolean> {
    return (await this.list()).some((model) => model.name === name);
  }

  async remove(name: string): Promise<void> {
    const model = (await this.list()).find((candidate) => candidate.name === name);
    if (!model) throw new StewardError('NotFound', `there is no speech model named ${name}`);
    await rm(model.directory, { recursive: true, force: true });
  }
}
