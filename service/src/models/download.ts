// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { StewardError, type StewardErrorName } from '../dbus/errors.js';
import type { Logger } from '../logging.js';
import { hasGgufMagic } from './gguf.js';
import { formatBytes, ProgressMeter, type PullProgress } from './progress.js';
import { resolveModelSource } from './source.js';

export interface PullOptions {
  /** The store directory; the model lands there as <file name>. */
  directory: string;
  /** Expected SHA-256 (hex); overrides a #sha256= suffix on the URI. */
  sha256?: string;
  /** Where hf: URIs point; huggingface_hub's HF_ENDPOINT variable, for mirrors. Defaults to huggingface.co. */
  hubEndpoint?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  progressIntervalMs?: number;
  /** How long the connection may stay silent before the pull gives up (the .part stays for resuming). */
  stallTimeoutMs?: number;
  logger?: Logger;
  /** What to do without a network, for the error that says the host cannot be reached. */
  offlineHint?: string;
}

/** Why a download failed, for callers that name each failure apart (the errors themselves stay Unavailable). */
export type DownloadFailure = 'network' | 'checksum' | 'disk-full';

/** A download's failure: an Unavailable error that also says which kind of failure it was. */
export class DownloadError extends StewardError {
  constructor(
    readonly failure: DownloadFailure,
    message: string,
  ) {
    super('Unavailable', message);
  }
}

const GGUF_OFFLINE_HINT =
  'Without a network, copy the .gguf file onto this machine and run “steward models import FILE.gguf”.';

export interface PullResult {
  path: string;
  fileName: string;
  bytes: number;
  /** Undefined when the model was already present: re-reading gigabytes to answer a pull is not worth it. */
  sha256?: string;
  /** Bytes a previous, interrupted pull had already fetched. */
  resumedFromBytes: number;
  /** Whose checksum the file was checked against; undefined when no one offered one. */
  verifiedAgainst?: 'caller' | 'server';
  /** True when the model was already in the store and nothing was fetched. */
  alreadyPresent: boolean;
}

const DEFAULT_STALL_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 10;
const SHA256_HEX = /^[0-9a-f]{64}$/;

// Two pulls appending to one .part file would interleave their bytes.
const partsBeingWritten = new Set<string>();

/**
 * Downloads a model into the store: streams to <name>.part, resumes a .part an
 * earlier pull left, verifies the checksum and the GGUF magic, then renames it
 * into place, so the store only ever lists complete, verified files.
 */
export async function pullModel(uri: string, options: PullOptions): Promise<PullResult> {
  const source = resolveModelSource(uri, options.hubEndpoint);
  const expectedFromCaller = options.sha256?.toLowerCase() ?? source.sha256;
  if (expectedFromCaller !== undefined && !SHA256_HEX.test(expectedFromCaller))
    throw new StewardError('InvalidArgs', `"${options.sha256}" is not a SHA-256 checksum.`);
  const path = join(options.directory, source.fileName);
  const partPath = `${path}.part`;

  const present = await stat(path).catch(() => undefined);
  if (present)
    return { path, fileName: source.fileName, bytes: present.size, resumedFromBytes: 0, alreadyPresent: true };
  if (partsBeingWritten.has(partPath)) throw new StewardError('Busy', `${source.fileName} is already being pulled.`);
  partsBeingWritten.add(partPath);
  try {
    await mkdir(options.directory, { recursive: true });
    const download = await downloadToPart(source.url, partPath, options);
    const expected = expectedFromCaller ?? download.serverSha256;
    if (expected !== undefined && download.sha256 !== expected) {
      await rm(partPath, { force: true });
      throw new DownloadError(
        'checksum',
        `${source.fileName} arrived damaged: its SHA-256 is ${download.sha256}, but ` +
          `${expectedFromCaller ? 'the checksum given' : 'the server'} says ${expected}. It was deleted; pull again.`,
      );
    }
    if (!(await hasGgufMagic(partPath))) {
      await rm(partPath, { force: true });
      throw new StewardError('InvalidArgs', `${source.url.href} is not a GGUF model file.`);
    }
    await rename(partPath, path);
    return {
      path,
      fileName: source.fileName,
      bytes: download.bytes,
      sha256: download.sha256,
      resumedFromBytes: download.resumedFromBytes,
      verifiedAgainst: expected === undefined ? undefined : expectedFromCaller ? 'caller' : 'server',
      alreadyPresent: false,
    };
  } finally {
    partsBeingWritten.delete(partPath);
  }
}

export interface PartDownload {
  bytes: number;
  sha256: string;
  serverSha256?: string;
  resumedFromBytes: number;
}

/**
 * Fetches `url` into `partPath`, resuming what an earlier attempt left there,
 * and hashes it on the way; the caller checks the hash and moves the file.
 */
export async function downloadToPart(
  url: URL,
  partPath: string,
  options: Omit<PullOptions, 'directory' | 'sha256' | 'hubEndpoint'>,
): Promise<PartDownload> {
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  let timer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () =>
        stall.abort(
          new StewardError('Timeout', `The server sent nothing for ${stallTimeoutMs / 1000} s; pull again to resume.`),
        ),
      stallTimeoutMs,
    );
  };

  let offset = await partSize(partPath);
  let hash = createHash('sha256');
  // Hash what an earlier pull fetched before connecting: for gigabytes that takes a while,
  // and a connection left waiting meanwhile could time out.
  if (offset > 0) await hashFile(partPath, hash);
  try {
    armStallTimer();
    const hint = options.offlineHint ?? GGUF_OFFLINE_HINT;
    let transfer = await openTransfer(url, offset, signal, hint, options.logger);
    if (transfer.kind === 'restart') transfer = await openTransfer(url, 0, signal, hint, options.logger);
    if (transfer.kind === 'restart')
      throw new DownloadError('network', `${url.host} refuses to send the whole file, even without a range.`);
    if (transfer.start !== offset) {
      // The server ignored the Range, or refused it: the .part is worth nothing now.
      options.logger?.info('restarting a model download from the beginning', { url: url.href, had: offset });
      offset = 0;
      hash = createHash('sha256');
    }
    if (transfer.kind === 'complete')
      return {
        bytes: offset,
        sha256: hash.digest('hex'),
        serverSha256: transfer.serverSha256,
        resumedFromBytes: offset,
      };
    if (transfer.total !== undefined) await ensureDiskSpace(partPath, transfer.total - offset, transfer.body);

    const meter = new ProgressMeter(offset, transfer.total, options.progressIntervalMs);
    const report = (done: number, force = false) => {
      const progress = meter.sample(done, force);
      if (progress) options.onProgress?.(progress);
    };
    let done = offset;
    const file = await open(partPath, offset > 0 ? 'a' : 'w');
    try {
      report(done, true);
      for await (const chunk of transfer.body) {
        armStallTimer();
        hash.update(chunk);
        await file.write(chunk);
        done += chunk.length;
        report(done);
      }
      await file.sync();
    } catch (error) {
      throw interruption(error, signal, options.signal, url, done, transfer.total);
    } finally {
      await file.close();
    }
    if (transfer.total !== undefined && done !== transfer.total)
      throw new DownloadError(
        'network',
        `The download stopped at ${formatBytes(done)} of ${formatBytes(transfer.total)}; pull again to resume.`,
      );
    report(done, true);
    return { bytes: done, sha256: hash.digest('hex'), serverSha256: transfer.serverSha256, resumedFromBytes: offset };
  } finally {
    clearTimeout(timer);
  }
}

type Transfer =
  /** The body starts at `start`: the requested offset, or 0 when the server sent the whole file. */
  | { kind: 'body'; start: number; total?: number; body: ReadableStream<Uint8Array>; serverSha256?: string }
  /** The range starts at the end of the file: the .part already holds all of it. */
  | { kind: 'complete'; start: number; serverSha256?: string }
  /** The server refused the range or sent another one: ask again for the whole file. */
  | { kind: 'restart'; start: 0; serverSha256?: string };

async function openTransfer(
  url: URL,
  offset: number,
  signal: AbortSignal,
  offlineHint: string,
  logger?: Logger,
): Promise<Transfer> {
  const { response, serverSha256 } = await fetchFollowingRedirects(url, offset, signal, offlineHint);
  if (response.status === 416) {
    await response.body?.cancel();
    const total = Number(/^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]);
    // A .part exactly as long as the file is a finished download whose rename never happened.
    if (offset > 0 && total === offset) return { kind: 'complete', start: offset, serverSha256 };
    logger?.info('the server refused the resume range', { url: url.href, offset, total });
    return { kind: 'restart', start: 0, serverSha256 };
  }
  // Only HEAD requests and 204/304 answers have no body; an empty stream keeps the types honest.
  const body = response.body ?? new Blob([]).stream();
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    const start = Number(range?.[1]);
    if (start === offset)
      return { kind: 'body', start, total: range?.[2] === '*' ? undefined : Number(range?.[2]), body, serverSha256 };
    await response.body?.cancel();
    return { kind: 'restart', start: 0, serverSha256 };
  }
  if (response.ok) {
    const length = response.headers.get('content-length');
    return { kind: 'body', start: 0, total: length === null ? undefined : Number(length), body, serverSha256 };
  }
  await response.body?.cancel();
  const answered = `${url.host} answered "${response.status} ${response.statusText}" for ${url.pathname}.`;
  const name = errorNameForStatus(response.status);
  throw name === 'Unavailable' ? new DownloadError('network', answered) : new StewardError(name, answered);
}

function errorNameForStatus(status: number): StewardErrorName {
  if (status === 404) return 'NotFound';
  // Gated Hugging Face models answer 401/403 without a token.
  if (status === 401 || status === 403) return 'NotAuthorized';
  return 'Unavailable';
}

/**
 * Follows redirects by hand, because Hugging Face puts the file's SHA-256 in
 * x-linked-etag on its redirect to the CDN, which fetch would hide.
 */
async function fetchFollowingRedirects(
  url: URL,
  offset: number,
  signal: AbortSignal,
  offlineHint: string,
): Promise<{ response: Response; serverSha256?: string }> {
  let current = url;
  let serverSha256: string | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    let response: Response;
    try {
      response = await fetch(current, {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new DownloadError('network', `Could not reach ${current.host}: ${causeOf(error)}. ${offlineHint}`);
    }
    serverSha256 ??= linkedSha256(response.headers);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { response, serverSha256 };
    await response.body?.cancel();
    current = new URL(location, current);
    // fetch would follow data: and the like too; a model host only ever redirects to another web server.
    if (current.protocol !== 'https:' && current.protocol !== 'http:')
      throw new DownloadError('network', `${url.host} redirected to a ${current.protocol} URL.`);
  }
  throw new DownloadError('network', `${url.host} redirected more than ${MAX_REDIRECTS} times.`);
}

/** Hugging Face's x-linked-etag is the LFS object's SHA-256, possibly quoted or weak. */
function linkedSha256(headers: Headers): string | undefined {
  const value = headers.get('x-linked-etag')?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return value !== undefined && SHA256_HEX.test(value) ? value : undefined;
}

function interruption(
  error: unknown,
  signal: AbortSignal,
  callerSignal: AbortSignal | undefined,
  url: URL,
  done: number,
  total: number | undefined,
): unknown {
  if (callerSignal?.aborted) return callerSignal.reason;
  if (signal.aborted) return signal.reason; // the stall timeout
  const of = total === undefined ? '' : ` of ${formatBytes(total)}`;
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC')
    return new DownloadError(
      'disk-full',
      `The disk filled up at ${formatBytes(done)}${of}; free some space and pull again to resume.`,
    );
  return new DownloadError(
    'network',
    `The download from ${url.host} broke off at ${formatBytes(done)}${of} (${causeOf(error)}); pull again to resume.`,
  );
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Feeds the file into `hash`, which stays open for the bytes still to come. */
async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

async function ensureDiskSpace(partPath: string, needed: number, body: ReadableStream<Uint8Array>): Promise<void> {
  const { bavail, bsize } = await statfs(dirname(partPath));
  if (bavail * bsize >= needed) return;
  await body.cancel();
  throw new DownloadError(
    'disk-full',
    `The model needs ${formatBytes(needed)} more disk space, but only ${formatBytes(bavail * bsize)} is free.`,
  );
}

async function partSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
