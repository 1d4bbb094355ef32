// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { StewardError } from '../../service/src/dbus/errors.js';
import { createLogger } from '../../service/src/logging.js';
import type { Hardware } from '../../service/src/models/fit.js';
import { resolveModelLocations } from '../../service/src/models/locations.js';
import { ModelStore, type ModelStoreOptions } from '../../service/src/models/store.js';
import { INSPECTOR_SCRIPT } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel, writeTinyModel } from '../support/tinyModel.js';

const GIB = 1024 ** 3;
const laptop: Hardware = { totalRamBytes: 8 * GIB, freeRamBytes: 4 * GIB, vramBytes: 0, backend: 'cpu' };

/** An Ollama store the way Ollama writes it: a manifest naming the model layer's blob by digest. */
async function writeOllamaModel(root: string, manifestPath: string[], model: Buffer): Promise<string> {
  const hex = createHash('sha256').update(model).digest('hex');
  const blob = join(root, 'blobs', `sha256-${hex}`);
  await mkdir(join(root, 'blobs'), { recursive: true });
  await writeFile(blob, model);
  await writeFile(join(root, 'blobs', 'sha256-0000'), 'template text');
  const manifestDir = join(root, 'manifests', ...manifestPath.slice(0, -1));
  await mkdir(manifestDir, { recursive: true });
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: 'sha256:' + '1'.repeat(64) },
    layers: [
      { mediaType: 'application/vnd.ollama.image.template', digest: 'sha256:' + '0'.repeat(64), size: 13 },
      { mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${hex}`, size: model.length },
    ],
  };
  await writeFile(join(manifestDir, manifestPath.at(-1)!), JSON.stringify(manifest));
  return blob;
}

describe('the model store', () => {
  let dir: TempDir;
  let options: ModelStoreOptions;
  let ollamaBlob: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    const ollamaRoot = join(dir.path, 'ollama');
    ollamaBlob = await writeOllamaModel(
      ollamaRoot,
      ['registry.ollama.ai', 'library', 'tinyllama', 'latest'],
      tinyModel({ name: 'ollama-tiny', seed: 9, contextLength: 2048 }),
    );
    options = {
      storeDirectory: join(dir.path, 'data', 'steward', 'models'),
      activeModelFile: join(dir.path, 'state', 'steward', 'active-model.json'),
      ollamaDirectories: [ollamaRoot, join(dir.path, 'no-such-ollama')],
      hardware: () => laptop,
      inspectorScript: INSPECTOR_SCRIPT,
    };
    await mkdir(options.storeDirectory, { recursive: true });
    await writeTinyModel(join(options.storeDirectory, 'mine.gguf'), { name: 'my-tiny', contextLength: 8192 });
  });

  afterEach(() => dir.remove());

  it('lists store and Ollama models with their metadata', async () => {
    const models = await new ModelStore(options).list();

    expect(models.map((m) => [m.id, m.source])).toEqual([
      ['store:mine.gguf', 'store'],
      ['ollama:tinyllama:latest', 'ollama'],
    ]);
    const [mine, ollama] = models;
    expect(mine).toEqual(
      jasmine.objectContaining({
        displayName: 'my-tiny',
        architecture: 'llama',
        quantization: 'F32',
        contextLength: 8192,
        hasChatTemplate: true,
        path: join(options.storeDirectory, 'mine.gguf'),
      }),
    );
    expect(mine!.support).toEqual({ supported: true });
    expect(mine!.parameterCount).toBeGreaterThan(0);
    expect(mine!.sizeLabel).toMatch(/^\d+(\.\d)?[KM]$/);
    expect(mine!.fileBytes).toBe((await stat(mine!.path)).size);
    expect(mine!.fit).toEqual(
      jasmine.objectContaining({ fitsRam: true, fitsVram: false, placement: 'cpu', speedClass: 'fast' }),
    );
    // Ollama's blob is used in place, not copied
    expect(ollama!.path).toBe(ollamaBlob);
    expect(ollama!.displayName).toBe('tinyllama:latest');
    expect(ollama!.contextLength).toBe(2048);
  });

  it('never lists partial downloads or files that are not GGUF', async () => {
    await writeFile(join(options.storeDirectory, 'half.gguf.part'), tinyModel().subarray(0, 1000));
    await writeFile(join(options.storeDirectory, 'fake.gguf'), 'not a model');
    await writeFile(join(options.storeDirectory, 'notes.txt'), 'hello');

    const ids = (await new ModelStore(options).list()).map((m) => m.id);

    expect(ids).toEqual(['store:mine.gguf', 'ollama:tinyllama:latest']);
  });

  it('lists each Ollama blob once, names models from other registries in full and skips non-GGUF blobs', async () => {
    const root = join(dir.path, 'ollama');
    const shared = tinyModel({ seed: 21 });
    await writeOllamaModel(root, ['registry.ollama.ai', 'library', 'qwen3', 'latest'], shared);
    await writeOllamaModel(root, ['registry.ollama.ai', 'library', 'qwen3', '0.6b'], shared);
    await writeOllamaModel(root, ['hf.co', 'someone', 'Some-GGUF', 'Q4_K_M'], tinyModel({ seed: 22 }));
    await writeOllamaModel(
      root,
      ['registry.ollama.ai', 'library', 'safetensors', 'latest'],
      Buffer.from('PK not gguf'),
    );
    await writeFile(join(root, 'manifests', 'registry.ollama.ai', 'library', 'qwen3', 'broken'), '{"layers": [');

    const ids = (await new ModelStore(options).list()).filter((m) => m.source === 'ollama').map((m) => m.id);

    expect(ids.sort()).toEqual([
      'ollama:hf.co/someone/Some-GGUF:Q4_K_M',
      'ollama:qwen3:0.6b',
      'ollama:tinyllama:latest',
    ]);
  });

  it('skips a damaged GGUF file, lists the rest, and reads each file version once', async () => {
    const logged: string[] = [];
    const logger = createLogger({ level: 'debug', journal: false, write: (line) => logged.push(line) });
    await writeFile(
      join(options.storeDirectory, 'broken.gguf'),
      Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(64, 0xff)]),
    );
    const store = new ModelStore({ ...options, logger });
    const ids = (await store.list()).map((m) => m.id);
    expect(ids).toContain('store:mine.gguf');
    expect(ids).not.toContain('store:broken.gguf');
    expect(logged.join('\n')).toContain('skipping a model file that cannot be read');

    await store.list();
    // Files that did not change are not read again, so the damaged one is not reported again.
    expect(logged.filter((line) => line.includes('skipping a model file')).length).toBe(1);
  });

  it('lists the models at once beside a FIFO, a link to /dev/zero, directories and odd manifests', async () => {
    const root = join(dir.path, 'ollama');
    const manifests = join(root, 'manifests', 'registry.ollama.ai', 'library', 'odd');
    await mkdir(manifests, { recursive: true });
    await promisify(execFile)('mkfifo', [join(options.storeDirectory, 'fifo.gguf')]);
    await symlink('/dev/zero', join(options.storeDirectory, 'zero.gguf'));
    await mkdir(join(options.storeDirectory, 'dir.gguf'));
    await promisify(execFile)('mkfifo', [join(manifests, 'fifo')]);
    await symlink('/dev/zero', join(manifests, 'zero'));
    for (const [tag, text] of [
      ['null', 'null'],
      ['number', '{"layers":5}'],
      ['nulls', '{"layers":[null]}'],
    ]) {
      await writeFile(join(manifests, tag!), text!);
    }
    // A blob that is a FIFO, named by a well-formed manifest.
    const fifoHex = 'f'.repeat(64);
    await promisify(execFile)('mkfifo', [join(root, 'blobs', `sha256-${fifoHex}`)]);
    const layers = [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${fifoHex}` }];
    await writeFile(join(manifests, 'fifo-blob'), JSON.stringify({ layers }));
    await mkdir(join(dir.path, 'state', 'steward'), { recursive: true });
    await symlink('/dev/zero', options.activeModelFile);
    // A header that counts 2^62 tensors made the inspector grow to gigabytes until it was killed.
    const header = Buffer.alloc(64);
    header.write('GGUF', 0, 'ascii');
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(2n ** 62n, 8);
    await writeFile(join(options.storeDirectory, 'bomb.gguf'), header);

    const store = new ModelStore(options);
    const ids = (await store.list()).map((m) => m.id);
    expect(ids).toEqual(['store:mine.gguf', 'ollama:tinyllama:latest']);
    expect(await store.active()).toBeUndefined();
  });

  it('lists no model, rather than failing, when the inspector stops', async () => {
    const script = join(dir.path, 'crashing-inspector.js');
    await writeFile(script, 'process.exit(3);\n');
    const logged: string[] = [];
    const logger = createLogger({ level: 'debug', journal: false, write: (line) => logged.push(line) });
    expect(await new ModelStore({ ...options, inspectorScript: script, logger }).list()).toEqual([]);
    // Each file was tried on its own before it was given up.
    expect(logged.filter((line) => line.includes('the model inspector stopped (exit code 3)')).length).toBe(2);
  });

  it('lists an empty store that does not exist yet', async () => {
    const store = new ModelStore({ ...options, storeDirectory: join(dir.path, 'nothing'), ollamaDirectories: [] });
    expect(await store.list()).toEqual([]);
  });

  it('says when a model does not fit the machine', async () => {
    const tiny: Hardware = { totalRamBytes: 1 * GIB, freeRamBytes: 0.5 * GIB, vramBytes: 0, backend: 'cpu' };
    const [mine] = await new ModelStore({ ...options, hardware: () => tiny }).list();
    expect(mine!.fit).toEqual(jasmine.objectContaining({ fitsRam: false, placement: 'none', speedClass: 'too-large' }));
  });

  it('removes a store model', async () => {
    const store = new ModelStore(options);

    await store.remove('store:mine.gguf');

    expect(await readdir(options.storeDirectory)).toEqual([]);
    expect((await store.list()).map((m) => m.id)).toEqual(['ollama:tinyllama:latest']);
  });

  it("refuses to remove Ollama's models", async () => {
    const error = await new ModelStore(options).remove('ollama:tinyllama:latest').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).errorName).toBe('NotAuthorized');
    expect((error as StewardError).message).toContain('ollama rm');
    expect((await stat(ollamaBlob)).isFile()).toBeTrue();
  });

  it('lists a model whose architecture the bundled llama.cpp lacks as unsupported, and refuses to make it active', async () => {
    await writeTinyModel(join(options.storeDirectory, 'future.gguf'), { architecture: 'foo' });
    const store = new ModelStore(options);

    const future = (await store.list()).find((m) => m.id === 'store:future.gguf');
    const error = await store.setActive('store:future.gguf').catch((e: unknown) => e);

    expect(future?.architecture).toBe('foo');
    expect(future?.support).toEqual({
      supported: false,
      reason: jasmine.stringMatching(
        /^This model's architecture "foo" is newer than the bundled llama\.cpp \(node-llama-cpp \d+\.\d+\.\d+\); update Steward/,
      ),
    });
    expect(error).toBeInstanceOf(StewardError);
    expect((error as StewardError).errorName).toBe('Unavailable');
    expect((error as StewardError).message).toBe((future?.support as { reason: string }).reason);
    expect(await store.active()).toBeUndefined();
  });

  it('says NotFound for an unknown model', async () => {
    const error = await new ModelStore(options).setActive('store:nope.gguf').catch((e: unknown) => e);
    expect((error as StewardError).errorName).toBe('NotFound');
  });

  it('remembers the active model across store instances', async () => {
    expect(await new ModelStore(options).active()).toBeUndefined();

    await new ModelStore(options).setActive('ollama:tinyllama:latest');

    expect((await new ModelStore(options).active())?.id).toBe('ollama:tinyllama:latest');
    expect(JSON.parse(await readFile(options.activeModelFile, 'utf8'))).toEqual({ id: 'ollama:tinyllama:latest' });
    expect(await readdir(join(dir.path, 'state', 'steward'))).toEqual(['active-model.json']);
  });

  it('treats a damaged active model file as no choice', async () => {
    await mkdir(join(dir.path, 'state', 'steward'), { recursive: true });
    await writeFile(options.activeModelFile, '{"id": ');
    expect(await new ModelStore(options).active()).toBeUndefined();
  });

  it('forgets the active model when it is removed', async () => {
    const store = new ModelStore(options);
    await store.setActive('store:mine.gguf');

    await store.remove('store:mine.gguf');

    expect(await store.active()).toBeUndefined();
  });

  it('finds its directories from the XDG variables and Ollama defaults', () => {
    const locations = resolveModelLocations({ HOME: '/home/ada', XDG_DATA_HOME: '/data', XDG_STATE_HOME: 'relative' });
    expect(locations).toEqual({
      storeDirectory: '/data/steward/models',
      activeModelFile: '/home/ada/.local/state/steward/active-model.json',
      ollamaDirectories: ['/home/ada/.ollama/models', '/usr/share/ollama/.ollama/models'],
    });
    expect(resolveModelLocations({ HOME: '/h', OLLAMA_MODELS: '/srv/ollama' }).ollamaDirectories[0]).toBe(
      '/srv/ollama',
    );
  });
});
