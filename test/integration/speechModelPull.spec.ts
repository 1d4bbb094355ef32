// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { StewardError } from '../../service/src/dbus/errors.js';
import type { PullProgress } from '../../service/src/models/progress.js';
import { SPEECH_CATALOG } from '../../service/src/voice/speechCatalog.js';
import { pullSpeechModel, type SpeechPullOptions } from '../../service/src/voice/speechModelPull.js';
import { MANIFEST, SpeechModelStore } from '../../service/src/voice/speechModels.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinySpeechModelArchive } from '../support/voice/speech.js';
import { type ModelServer, startModelServer } from './models/modelServer.js';

const run = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const NAME = 'tiny-streaming-en';

// Pulling a speech model as sherpa-onnx ships them, from a stand-in release
// server on 127.0.0.1: the tiny generated model packed as NAME.tar.bz2, unpacked
// by the system's tar and bzip2, then loaded by the store as Listen would.
describe('pulling a speech model', () => {
  let server: ModelServer;
  let work: TempDir;
  let archive: Buffer;
  let dir: TempDir;
  let options: SpeechPullOptions;
  let store: SpeechModelStore;

  beforeAll(async () => {
    work = await makeTempDir('steward-speech-archive-');
    archive = await tinySpeechModelArchive(work.path, NAME);
    server = await startModelServer();
    server.files.set(`${NAME}.tar.bz2`, archive);
  });

  afterAll(async () => {
    await server?.close();
    await work?.remove();
  });

  beforeEach(async () => {
    dir = await makeTempDir('steward-speech-models-');
    server.misbehaviour = {};
    options = { directory: join(dir.path, 'speech-models'), progressIntervalMs: 0 };
    store = new SpeechModelStore(options.directory, () => {
      throw new Error('not asked here');
    });
  });

  afterEach(() => dir.remove());

  const url = (name = `${NAME}.tar.bz2`) => `${server.baseUrl}/models/${name}`;

  async function pullError(source: string, extra: Partial<SpeechPullOptions> = {}): Promise<StewardError> {
    const error = await pullSpeechModel(source, { ...options, ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StewardError);
    return error as StewardError;
  }

  /** What is in the store beside the models: nothing once a pull ended, whichever way. */
  const leftovers = async () => readdir(join(options.directory, '.downloads')).catch(() => []);

  it('downloads with growing progress, checks the checksum, unpacks it and lists it with size and languages', async () => {
    const seen: PullProgress[] = [];
    const unpacked: PullProgress[] = [];
    const result = await pullSpeechModel(url(), {
      ...options,
      sha256: sha256(archive),
      onProgress: (p, phase) => (phase === 'download' ? seen : unpacked).push(p),
    });

    expect(result.alreadyPresent).toBeFalse();
    expect(result.checksumSource).toBe('caller');
    expect(result.sha256).toBe(sha256(archive));
    expect(result.archiveBytes).toBe(archive.length);
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
    expect(seen.every((p) => p.bytesTotal === archive.length)).toBeTrue();
    expect(seen.at(-1)?.bytesDone).toBe(archive.length);
    // Unpacking reports how much of the archive tar has read, up to all of it.
    expect(unpacked.length).toBeGreaterThan(1);
    for (let i = 1; i < unpacked.length; i += 1)
      expect(unpacked[i]!.bytesDone).toBeGreaterThanOrEqual(unpacked[i - 1]!.bytesDone);
    expect(unpacked.at(-1)?.bytesDone).toBe(archive.length);

    const [model] = await store.list();
    expect(model?.name).toBe(NAME);
    expect(model?.kind).toBe('nemo-ctc');
    expect(model?.languages).toEqual(['en']);
    const sizeOf = async (file: string) => (await stat(join(options.directory, NAME, file))).size;
    expect(model?.bytes).toBe((await sizeOf('model.onnx')) + (await sizeOf('tokens.txt')));
    expect(model?.sha256).toBe(sha256(archive));
    expect(model?.checksumSource).toBe('caller');
    expect(model?.source).toBe(url());
    // The release's other files come along, as sherpa-onnx packs them.
    expect(await readdir(join(options.directory, NAME, 'test_wavs'))).toEqual(['0.wav', '1.wav', '2.wav']);
    expect(await leftovers()).toEqual([]);

    const again = await pullSpeechModel(url(), options);
    expect(again.alreadyPresent).toBeTrue();
  });

  it('records the checksum it arrived with when nobody published one, and says so', async () => {
    const result = await pullSpeechModel(url(), options);
    expect(result.checksumSource).toBe('first-download');
    const manifest = JSON.parse(await readFile(join(options.directory, NAME, MANIFEST), 'utf8')) as {
      sha256: string;
      checksum: string;
    };
    expect(manifest.sha256).toBe(sha256(archive));
    expect(manifest.checksum).toBe('first-download');
    expect((await store.list())[0]?.checksumSource).toBe('first-download');
  });

  it('refuses a corrupted archive by its checksum, deletes it and installs nothing', async () => {
    const corrupted = Buffer.from(archive);
    corrupted[Math.floor(corrupted.length / 2)]! ^= 0xff;
    server.files.set('corrupted.tar.bz2', corrupted);

    const error = await pullError(url('corrupted.tar.bz2'), { sha256: sha256(archive) });
    expect(error.errorName).toBe('ChecksumMismatch');
    expect(error.message).toContain(sha256(corrupted));
    expect(error.message).toContain(sha256(archive));
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses a damaged archive that no checksum covers when it cannot be unpacked', async () => {
    server.files.set('truncated.tar.bz2', archive.subarray(0, Math.floor(archive.length / 2)));
    const error = await pullError(url('truncated.tar.bz2'));
    expect(error.errorName).toBe('DownloadFailed');
    expect(error.message).toContain('could not be unpacked');
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('resumes an interrupted download where it stopped, and the whole still matches the checksum', async () => {
    server.misbehaviour.dropOnceAfterBytes = Math.floor(archive.length / 3);
    const first = await pullError(url(), { sha256: sha256(archive) });
    expect(first.errorName).toBe('DownloadFailed');
    expect(first.message).toContain('pull again to resume');
    const part = join(options.directory, '.downloads', `${NAME}.tar.bz2.part`);
    const partBytes = (await stat(part)).size;
    expect(partBytes).toBeGreaterThan(0);
    expect(partBytes).toBeLessThan(archive.length);
    expect(await store.list()).toEqual([]);

    server.requests.length = 0;
    const seen: PullProgress[] = [];
    const result = await pullSpeechModel(url(), {
      ...options,
      sha256: sha256(archive),
      onProgress: (p, phase) => phase === 'download' && seen.push(p),
    });
    expect(result.resumedFromBytes).toBe(partBytes);
    expect(server.requests.at(-1)?.range).toBe(`bytes=${partBytes}-`);
    expect(seen[0]?.bytesDone).toBe(partBytes);
    expect((await store.list()).map((model) => model.name)).toEqual([NAME]);
  });

  it('keeps the verified download when cancelled while unpacking, and unpacks it again without fetching it', async () => {
    const controller = new AbortController();
    const cancelled = await pullSpeechModel(url(), {
      ...options,
      signal: controller.signal,
      onProgress: (_progress, phase) => {
        if (phase === 'unpack') controller.abort(new Error('cancelled by the test'));
      },
    }).then(
      () => 'finished',
      (error: unknown) => (error as Error).message,
    );
    expect(cancelled).toBe('cancelled by the test');
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([`${NAME}.tar.bz2.part`]);

    server.requests.length = 0;
    const result = await pullSpeechModel(url(), options);
    expect(result.resumedFromBytes).toBe(archive.length);
    // The server was only asked for what lies past the end, and answered that nothing does.
    expect(server.requests.map((request) => request.range)).toEqual([`bytes=${archive.length}-`]);
    expect((await store.list()).map((model) => model.name)).toEqual([NAME]);
  });

  it('names each failure: unknown model, missing file, unreachable host, no room on the disk', async () => {
    const unknown = await pullError('no-such-speech-model');
    expect(unknown.errorName).toBe('NotFound');
    expect(unknown.message).toContain(SPEECH_CATALOG[0]!.name);

    expect((await pullError(url('absent.tar.bz2'))).errorName).toBe('NotFound');
    expect((await pullError(`${server.baseUrl}/models/${NAME}.zip`)).errorName).toBe('InvalidArgs');
    expect((await pullError(url(), { sha256: 'abc' })).errorName).toBe('InvalidArgs');

    // A port nothing listens on: the service's own port, closed.
    const closed = await startModelServer();
    const closedUrl = `${closed.baseUrl}/models/${NAME}.tar.bz2`;
    await closed.close();
    const unreachable = await pullError(closedUrl);
    expect(unreachable.errorName).toBe('DownloadFailed');
    expect(unreachable.message).toContain('unpack');

    server.misbehaviour.claimLength = 1e15; // a petabyte
    const full = await pullError(url());
    expect(full.errorName).toBe('DiskFull');
    expect(await store.list()).toEqual([]);
  });

  it('refuses an archive that holds a link out of the store', async () => {
    const evil = join(work.path, 'evil');
    await mkdir(evil, { recursive: true });
    await writeFile(join(evil, 'tokens.txt'), '<blk> 0\n');
    await symlink('/etc/passwd', join(evil, 'model.onnx'));
    await run('tar', [
      '--create',
      '--bzip2',
      '--file',
      join(work.path, 'evil.tar.bz2'),
      '--directory',
      work.path,
      'evil',
    ]);
    server.files.set('evil.tar.bz2', await readFile(join(work.path, 'evil.tar.bz2')));

    const error = await pullError(url('evil.tar.bz2'));
    expect(error.errorName).toBe('InvalidArgs');
    expect(error.message).toContain('model.onnx');
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('removes a pulled model', async () => {
    await pullSpeechModel(url(), options);
    await store.remove(NAME);
    expect(await store.list()).toEqual([]);
    expect(await readdir(options.directory)).not.toContain(NAME);
  });
});
