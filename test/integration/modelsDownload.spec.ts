// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { StewardError } from '../../service/src/dbus/errors.js';
import { pullModel, type PullOptions } from '../../service/src/models/download.js';
import type { PullProgress } from '../../service/src/models/progress.js';
import { ModelStore } from '../../service/src/models/store.js';
import { INSPECTOR_SCRIPT } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel } from '../support/tinyModel.js';
import { type ModelServer, startModelServer } from './models/modelServer.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('pulling a model', () => {
  const model = tinyModel({ name: 'pulled-tiny', seed: 3 });
  let server: ModelServer;
  let dir: TempDir;
  let store: ModelStore;
  let options: PullOptions;

  beforeAll(async () => {
    server = await startModelServer();
    server.files.set('tiny.gguf', model);
  });

  afterAll(() => server.close());

  beforeEach(async () => {
    dir = await makeTempDir();
    server.requests.length = 0;
    server.misbehaviour = {};
    options = { directory: join(dir.path, 'models') };
    store = new ModelStore({
      storeDirectory: options.directory,
      activeModelFile: join(dir.path, 'state', 'active-model.json'),
      ollamaDirectories: [],
      hardware: () => ({ totalRamBytes: 8 * 1024 ** 3, freeRamBytes: 4 * 1024 ** 3, vramBytes: 0, backend: 'cpu' }),
      inspectorScript: INSPECTOR_SCRIPT,
    });
  });

  afterEach(() => dir.remove());

  const url = (name = 'tiny.gguf') => `${server.baseUrl}/models/${name}`;
  const storeFiles = () => readdir(options.directory);

  async function pullError(uri: string, extra: Partial<PullOptions> = {}): Promise<StewardError> {
    const error = await pullModel(uri, { ...options, ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StewardError);
    return error as StewardError;
  }

  it('downloads, checks the checksum given in the URI and lists the model', async () => {
    const result = await pullModel(`${url()}#sha256=${sha256(model)}`, options);

    expect(result.verifiedAgainst).toBe('caller');
    expect(result.sha256).toBe(sha256(model));
    expect(result.resumedFromBytes).toBe(0);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
    expect(await storeFiles()).toEqual(['tiny.gguf']);
    const [listed] = await store.list();
    expect(listed?.id).toBe('store:tiny.gguf');
    expect(listed?.displayName).toBe('pulled-tiny');
  });

  it('reports progress that only grows and ends at the total', async () => {
    const seen: PullProgress[] = [];
    await pullModel(url(), { ...options, progressIntervalMs: 0, onProgress: (p) => seen.push(p) });

    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
    expect(seen.every((p) => p.bytesTotal === model.length)).toBeTrue();
    expect(seen.at(-1)?.bytesDone).toBe(model.length);
    expect(seen.at(-1)?.etaSeconds ?? 0).toBe(0);
  });

  it('throttles progress reports', async () => {
    const seen: PullProgress[] = [];
    await pullModel(url(), { ...options, progressIntervalMs: 60_000, onProgress: (p) => seen.push(p) });
    // the first and the final report only
    expect(seen.map((p) => p.bytesDone)).toEqual([0, model.length]);
  });

  it('resumes from where a dropped connection left off', async () => {
    server.misbehaviour.dropOnceAfterBytes = 200_000;
    const first = await pullError(url());
    expect(first.errorName).toBe('Unavailable');
    expect(first.message).toContain('pull again to resume');
    const partBytes = (await stat(join(options.directory, 'tiny.gguf.part'))).size;
    expect(partBytes).toBeGreaterThan(0);
    expect(partBytes).toBeLessThan(model.length);
    expect(await store.list()).toEqual([]);

    const result = await pullModel(`${url()}#sha256=${sha256(model)}`, options);

    expect(server.requests.at(-1)?.range).toBe(`bytes=${partBytes}-`);
    expect(result.resumedFromBytes).toBe(partBytes);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
    expect(await storeFiles()).toEqual(['tiny.gguf']);
  });

  it('starts over when the server ignores the range', async () => {
    await writePart(model.subarray(0, 1000));
    server.misbehaviour.ignoreRange = true;

    const result = await pullModel(`${url()}#sha256=${sha256(model)}`, options);

    expect(server.requests.at(-1)?.range).toBe('bytes=1000-');
    expect(result.resumedFromBytes).toBe(0);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
  });

  it('finishes a .part that already holds the whole file when the server answers 416', async () => {
    await writePart(model);

    const result = await pullModel(`${url()}#sha256=${sha256(model)}`, options);

    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${model.length}-`]);
    expect(result.resumedFromBytes).toBe(model.length);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
  });

  it('starts over when a .part is longer than the file (416)', async () => {
    await writePart(Buffer.concat([model, Buffer.alloc(10)]));

    const result = await pullModel(url(), options);

    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${model.length + 10}-`, undefined]);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
  });

  it('says, when the host cannot be reached, how to use a file brought some other way', async () => {
    const error = await pullError('https://steward-no-such-host.invalid/tiny.gguf');

    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toMatch(/^Could not reach steward-no-such-host\.invalid: /);
    expect(error.message).toContain('steward models import FILE.gguf');
  });

  it('rejects a corrupt download, deletes it and lists nothing', async () => {
    const corrupt = Buffer.from(model);
    corrupt[corrupt.length - 1]! ^= 0xff;
    server.files.set('corrupt.gguf', corrupt);

    const error = await pullError(`${url('corrupt.gguf')}#sha256=${sha256(model)}`);

    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toContain('damaged');
    expect(await storeFiles()).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('pulls hf: URIs through the hub redirect and checks the SHA-256 it announces in x-linked-etag', async () => {
    const hub = { ...options, hubEndpoint: server.baseUrl };
    server.linkedEtags.set('tiny.gguf', sha256(model));

    const good = await pullModel('hf:someone/Tiny-GGUF/tiny.gguf', hub);

    expect(good.verifiedAgainst).toBe('server');
    expect(server.requests.map((r) => r.path)).toEqual([
      '/someone/Tiny-GGUF/resolve/main/tiny.gguf',
      '/models/tiny.gguf',
    ]);
    expect((await readFile(good.path)).equals(model)).toBeTrue();

    server.linkedEtags.set('other.gguf', sha256(Buffer.from('something else')));
    server.files.set('other.gguf', model);
    const error = await pullError('hf:someone/Tiny-GGUF/other.gguf', hub);
    expect(error.message).toContain('the server says');
    expect(await storeFiles()).toEqual(['tiny.gguf']);
  });

  it('resumes through the hub redirect, sending the range to the CDN too', async () => {
    server.misbehaviour.dropOnceAfterBytes = 150_000;
    const hub = { ...options, hubEndpoint: server.baseUrl };
    await expectAsync(pullModel('hf:someone/Tiny-GGUF/tiny.gguf', hub)).toBeRejected();
    const partBytes = (await stat(join(options.directory, 'tiny.gguf.part'))).size;
    server.requests.length = 0;

    await pullModel('hf:someone/Tiny-GGUF/tiny.gguf', hub);

    expect(partBytes).toBeGreaterThan(0);
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${partBytes}-`, `bytes=${partBytes}-`]);
  });

  it('rejects a file that is not GGUF', async () => {
    server.files.set('page.gguf', Buffer.from('<html>Sign in to download</html>'));

    const error = await pullError(url('page.gguf'));

    expect(error.errorName).toBe('InvalidArgs');
    expect(await storeFiles()).toEqual([]);
  });

  it('checks for disk space before downloading', async () => {
    server.misbehaviour.claimLength = 1e15; // a petabyte

    const error = await pullError(url());

    expect(error.message).toContain('disk space');
    expect(await storeFiles()).toEqual([]);
  });

  it('says when the server has no such file', async () => {
    expect((await pullError(url('missing.gguf'))).errorName).toBe('NotFound');
  });

  it('stops on cancel and keeps the .part for resuming', async () => {
    server.misbehaviour.stallOnceAfterBytes = 100_000;
    const controller = new AbortController();
    const pulling = pullModel(url(), {
      ...options,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytesDone > 0) controller.abort(new Error('cancelled by the test'));
      },
    });

    await expectAsync(pulling).toBeRejectedWithError('cancelled by the test');
    expect((await stat(join(options.directory, 'tiny.gguf.part'))).size).toBeGreaterThan(0);

    const result = await pullModel(url(), options);
    expect(result.resumedFromBytes).toBeGreaterThan(0);
    expect((await readFile(result.path)).equals(model)).toBeTrue();
  });

  it('gives up on a server that falls silent, keeping the .part', async () => {
    server.misbehaviour.stallOnceAfterBytes = 100_000;

    const error = await pullError(url(), { stallTimeoutMs: 300 });

    expect(error.errorName).toBe('Timeout');
    expect((await stat(join(options.directory, 'tiny.gguf.part'))).size).toBe(100_000);
  });

  it('refuses a second pull of the same file while one runs', async () => {
    server.misbehaviour.stallOnceAfterBytes = 1000;
    const first = pullModel(url(), { ...options, stallTimeoutMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await pullError(url())).errorName).toBe('Busy');
    await expectAsync(first).toBeRejected();
  });

  it('answers at once when the model is already in the store', async () => {
    await pullModel(url(), options);
    const again = await pullModel(url(), options);
    expect(again.alreadyPresent).toBeTrue();
    expect(server.requests.length).toBe(1);
  });

  async function writePart(contents: Buffer): Promise<void> {
    await mkdir(options.directory, { recursive: true });
    await writeFile(join(options.directory, 'tiny.gguf.part'), contents);
  }
});
