// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Pulling a speech model: the .tar.bz2 sherpa-onnx releases it as is fetched
// into speech-models/.downloads (resumable, like a language model's pull),
// checked against its SHA-256, unpacked by the system's tar and bzip2 into a
// staging directory there, checked to hold a model the worker can load, and
// renamed into place, so the store only ever lists whole, verified models.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { StewardError } from '../dbus/errors.js';
import type { Logger } from '../logging.js';
import { DownloadError, downloadToPart } from '../models/download.js';
import { formatBytes, ProgressMeter, type PullProgress } from '../models/progress.js';
import { catalogEntry, catalogUrl, pullCommand, SPEECH_CATALOG, type SpeechCatalogEntry } from './speechCatalog.js';
import {
  type ChecksumSource,
  inferTransducer,
  MANIFEST,
  manifestSchema,
  readModel,
  type SpeechManifest,
} from './speechModels.js';

export const SPEECH_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ARCHIVE = '.tar.bz2';
// bzip2 shrinks model weights little; twice the archive leaves room for the unpacked files and some to spare.
const UNPACK_ROOM = 2;
const TAR_TIMEOUT_MS = 10 * 60_000;

export interface SpeechPullOptions {
  /** The speech models directory. */
  directory: string;
  /** Expected SHA-256 (hex); overrides the catalog's. */
  sha256?: string;
  signal?: AbortSignal;
  /** The download's progress, then the unpacking's (bytes of the archive unpacked so far). */
  onProgress?: (progress: PullProgress, phase: 'download' | 'unpack') => void;
  progressIntervalMs?: number;
  stallTimeoutMs?: number;
  logger?: Logger;
}

export interface SpeechPullResult {
  name: string;
  directory: string;
  /** The archive's size and SHA-256; undefined when the model was there already. */
  archiveBytes?: number;
  sha256?: string;
  checksumSource?: ChecksumSource;
  resumedFromBytes: number;
  alreadyPresent: boolean;
}

interface Source {
  name: string;
  url: URL;
  entry?: SpeechCatalogEntry;
}

/** A catalog name, or the http(s) URL of a .tar.bz2 whose name is the model's; NotFound or InvalidArgs otherwise. */
export function resolveSpeechSource(text: string): Source {
  if (/^https?:\/\//.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new StewardError('InvalidArgs', `"${text}" is not a URL.`);
    }
    const file = basename(url.pathname);
    const name = file.slice(0, -ARCHIVE.length);
    if (!file.endsWith(ARCHIVE) || !SPEECH_MODEL_NAME.test(name))
      throw new StewardError('InvalidArgs', `${url.href} is not a speech model archive (NAME.tar.bz2).`);
    return { name, url, entry: catalogEntry(name) };
  }
  const entry = catalogEntry(text);
  if (!entry)
    throw new StewardError(
      'NotFound',
      `there is no speech model "${text}" in Steward's catalog; the catalog has ${SPEECH_CATALOG.map((e) => e.name).join(', ')}`,
    );
  return { name: entry.name, url: new URL(catalogUrl(entry)), entry };
}

// Two pulls of one model would append to one .part file.
const pullsUnderWay = new Set<string>();

export async function pullSpeechModel(text: string, options: SpeechPullOptions): Promise<SpeechPullResult> {
  const source = resolveSpeechSource(text);
  const fromCaller = options.sha256?.toLowerCase();
  if (fromCaller !== undefined && !SHA256_HEX.test(fromCaller))
    throw new StewardError('InvalidArgs', `"${options.sha256}" is not a SHA-256 checksum.`);
  const target = join(options.directory, source.name);
  if (await readModel(target, source.name))
    return { name: source.name, directory: target, resumedFromBytes: 0, alreadyPresent: true };
  if (pullsUnderWay.has(source.name)) throw new StewardError('Busy', `${source.name} is already being pulled.`);
  pullsUnderWay.add(source.name);
  try {
    const downloads = join(options.directory, '.downloads');
    await mkdir(downloads, { recursive: true });
    const partPath = join(downloads, `${source.name}${ARCHIVE}.part`);
    const download = await downloadToPart(source.url, partPath, {
      signal: options.signal,
      onProgress: (progress) => options.onProgress?.(progress, 'download'),
      progressIntervalMs: options.progressIntervalMs,
      stallTimeoutMs: options.stallTimeoutMs,
      logger: options.logger,
      offlineHint: `Without a network, unpack ${source.name}${ARCHIVE} into ${options.directory} by hand.`,
    }).catch((error: unknown) => {
      throw named(error);
    });
    const expected = fromCaller ?? source.entry?.sha256;
    if (expected !== undefined && download.sha256 !== expected) {
      await rm(partPath, { force: true });
      throw new StewardError(
        'ChecksumMismatch',
        `${source.name}${ARCHIVE} arrived damaged: its SHA-256 is ${download.sha256}, but ` +
          `${fromCaller ? 'the checksum given' : "Steward's catalog"} says ${expected}. It was deleted; ` +
          `pull again with “${pullCommand(source.name)}”.`,
      );
    }
    const checksumSource: ChecksumSource = fromCaller ? 'caller' : expected ? 'catalog' : 'first-download';
    const staging = join(downloads, `${source.name}.unpack-${randomUUID()}`);
    try {
      await unpack(partPath, staging, download.bytes, (progress) => options.onProgress?.(progress, 'unpack'), options);
      const root = await modelRoot(staging);
      await writeManifest(root, source, { sha256: download.sha256, checksum: checksumSource });
      if (!(await readModel(root, source.name)))
        throw new StewardError(
          'InvalidArgs',
          `${source.url.href} holds no speech model Steward can run (a streaming transducer, or a model with a ${MANIFEST}).`,
        );
      await rename(root, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST')
          throw new StewardError(
            'Busy',
            `${target} is in the way and holds no model Steward can run; remove it first.`,
          );
        throw error;
      });
    } catch (error) {
      // An archive that cannot be used is worth nothing; one cancelled, or short of room or tools, is kept for the next pull.
      const keep =
        options.signal?.aborted === true ||
        (error instanceof StewardError && ['DiskFull', 'Unavailable', 'Busy'].includes(error.errorName));
      if (!keep) await rm(partPath, { force: true });
      throw error;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    await rm(partPath, { force: true });
    return {
      name: source.name,
      directory: target,
      archiveBytes: download.bytes,
      sha256: download.sha256,
      checksumSource,
      resumedFromBytes: download.resumedFromBytes,
      alreadyPresent: false,
    };
  } finally {
    pullsUnderWay.delete(source.name);
  }
}

/** The download's failures under their own names, so that a client can tell them apart. */
function named(error: unknown): unknown {
  if (error instanceof DownloadError) {
    if (error.failure === 'disk-full') return new StewardError('DiskFull', error.message);
    if (error.failure === 'checksum') return new StewardError('ChecksumMismatch', error.message);
    return new StewardError('DownloadFailed', error.message);
  }
  if (error instanceof StewardError && error.errorName === 'Timeout')
    return new StewardError('DownloadFailed', error.message);
  return error;
}

/** Feeds the archive to tar on its standard input, so that how much of it was unpacked can be told. */
async function unpack(
  archive: string,
  staging: string,
  archiveBytes: number,
  onProgress: (progress: PullProgress) => void,
  options: Pick<SpeechPullOptions, 'signal' | 'progressIntervalMs'>,
): Promise<void> {
  await mkdir(staging);
  const { bavail, bsize } = await statfs(staging);
  if (bavail * bsize < archiveBytes * UNPACK_ROOM)
    throw new StewardError(
      'DiskFull',
      `unpacking needs about ${formatBytes(archiveBytes * UNPACK_ROOM)} free, but only ${formatBytes(bavail * bsize)} is; ` +
        'free some space and pull again (the download is kept).',
    );
  // Files the archive owns become the person's, with their umask; nothing outside staging is written.
  const args = [
    '--extract',
    '--bzip2',
    '--file',
    '-',
    '--directory',
    staging,
    '--no-same-owner',
    '--no-same-permissions',
  ];
  const tar = spawn('tar', args, {
    stdio: ['pipe', 'ignore', 'pipe'],
    timeout: TAR_TIMEOUT_MS,
    signal: options.signal,
  });
  let stderr = '';
  tar.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const meter = new ProgressMeter(0, archiveBytes, options.progressIntervalMs);
  let fed = 0;
  const input = createReadStream(archive).on('data', (chunk) => {
    fed += chunk.length;
    const progress = meter.sample(fed);
    if (progress) onProgress(progress);
  });
  // tar ending early (a damaged archive) breaks the pipe; its exit status says why.
  const feeding = pipeline(input, tar.stdin).catch(() => undefined);
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    tar.on('error', (error) => resolve({ code: null, error }));
    tar.on('close', (code) => resolve({ code }));
  });
  await feeding;
  if (options.signal?.aborted) throw options.signal.reason;
  if (exit.code === 0) {
    onProgress(meter.sample(fed, true) as PullProgress);
    return;
  }
  const why = stderr.trim() || exit.error?.message || `tar ended with status ${exit.code}`;
  if (/No space left on device/i.test(why))
    throw new StewardError('DiskFull', 'the disk filled up while unpacking; free some space and pull again.');
  if (/bzip2: Cannot exec|ENOENT/i.test(why))
    throw new StewardError('Unavailable', 'unpacking needs tar and bzip2, and one of them is not installed.');
  throw new StewardError(
    'DownloadFailed',
    `the archive could not be unpacked (${why.split('\n').at(-1)}); it was deleted, pull again.`,
  );
}

/**
 * The directory that holds the model: the archive's one top directory, as
 * sherpa-onnx packs them, or the staging directory itself. Anything but plain
 * files and directories (a link that could point out of the store) is refused.
 */
async function modelRoot(staging: string): Promise<string> {
  await refuseOddEntries(staging);
  const entries = await readdir(staging, { withFileTypes: true });
  const only = entries.length === 1 ? entries[0] : undefined;
  return only?.isDirectory() ? join(staging, only.name) : staging;
}

async function refuseOddEntries(directory: string): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    const info = await lstat(path);
    if (info.isDirectory()) await refuseOddEntries(path);
    else if (!info.isFile() || info.nlink > 1)
      throw new StewardError('InvalidArgs', `the archive holds ${entry.name}, which is not a plain file.`);
  }
}

/** Says what the model is and where it came from: the archive's own manifest, else the catalog's or the files' word. */
async function writeManifest(
  root: string,
  source: Source,
  provenance: { sha256: string; checksum: ChecksumSource },
): Promise<void> {
  const names = await readdir(root);
  const own = names.includes(MANIFEST)
    ? manifestSchema.safeParse(await readFile(join(root, MANIFEST), 'utf8').then(JSON.parse, () => null))
    : undefined;
  const base: SpeechManifest | null = own?.success
    ? own.data
    : (inferCtc(source.entry, names) ?? inferTransducer(names));
  if (!base) return;
  const manifest: SpeechManifest = {
    ...base,
    languages: source.entry?.languages ?? base.languages,
    ...provenance,
    source: source.url.href,
  };
  await writeFile(join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A CTC model of the catalog: its one .onnx file, the int8 one where there are two. */
function inferCtc(entry: SpeechCatalogEntry | undefined, names: string[]): SpeechManifest | null {
  if (!entry || entry.kind === 'transducer' || !names.includes('tokens.txt')) return null;
  const onnx = names.filter((name) => name.endsWith('.onnx')).sort();
  const model = onnx.find((name) => name.includes('int8')) ?? onnx[0];
  return model ? { kind: entry.kind, languages: entry.languages, files: { model }, tokens: 'tokens.txt' } : null;
}
