import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StewardError } from '../../service/src/dbus/errors.js';
import { assertLoadable, judgeArchitecture } from '../../service/src/models/architectures.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

async function failureOf(promise: Promise<unknown>): Promise<StewardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StewardError)) throw new Error(`expected a StewardError, got ${String(error)}`);
  return error;
}

describe('model architectures', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await makeTempDir();
  });

  afterAll(() => dir.remove());

  it('knows the architectures of the bundled llama.cpp and names the release when it lacks one', () => {
    const bundled = { architectures: new Set(['llama', 'qwen3']), version: '3.22.1' };
    expect(judgeArchitecture('qwen3', bundled)).toEqual({ supported: true });
    expect(judgeArchitecture('foo', bundled)).toEqual({
      supported: false,
      reason:
        'This model\'s architecture "foo" is newer than the bundled llama.cpp (node-llama-cpp 3.22.1); update Steward to run it.',
    });
    expect(judgeArchitecture('', bundled)).toEqual({
      supported: false,
      reason: jasmine.stringContaining('does not name its architecture'),
    });
  });

  it('lets a model of a known architecture load', async () => {
    await expectAsync(assertLoadable(await writeTinyModel(join(dir.path, 'tiny.gguf')))).toBeResolved();
  });

  it('refuses a model of an architecture the bundled llama.cpp lacks with Unavailable', async () => {
    const error = await failureOf(
      assertLoadable(await writeTinyModel(join(dir.path, 'future.gguf'), { architecture: 'foo' })),
    );
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toMatch(
      /^This model's architecture "foo" is newer than the bundled llama\.cpp \(node-llama-cpp \d+\.\d+\.\d+\); update Steward/,
    );
  });

  it('refuses a missing file with NotFound and a file that is not GGUF with Unavailable', async () => {
    expect((await failureOf(assertLoadable(join(dir.path, 'gone.gguf')))).errorName).toBe('NotFound');
    await writeFile(join(dir.path, 'fake.gguf'), 'not a model');
    const error = await failureOf(assertLoadable(join(dir.path, 'fake.gguf')));
    expect(error.errorName).toBe('Unavailable');
    expect(error.message).toContain('not a GGUF model');
  });
});
