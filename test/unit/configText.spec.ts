import { execFile } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MAX_CONFIG_BYTES, readConfigText } from '../../service/src/settings/configText.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('readConfigText', () => {
  let dir: TempDir;
  let file: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'config.json');
  });
  afterEach(() => dir.remove());

  it('reads a regular file, also through a link', async () => {
    await writeFile(file, '{"logLevel":"debug"}');
    await symlink(file, join(dir.path, 'link.json'));
    expect(await readConfigText(join(dir.path, 'link.json'))).toBe('{"logLevel":"debug"}');
  });

  it('fails with ENOENT for a missing file', async () => {
    await expectAsync(readConfigText(file)).toBeRejectedWith(jasmine.objectContaining({ code: 'ENOENT' }));
  });

  it('refuses at once what is not a regular file: a link to /dev/zero, a FIFO with no writer, a directory', async () => {
    await symlink('/dev/zero', file);
    await promisify(execFile)('mkfifo', [join(dir.path, 'fifo')]);
    for (const path of [file, join(dir.path, 'fifo'), dir.path]) {
      await expectAsync(readConfigText(path)).withContext(path).toBeRejectedWithError('it is not a regular file');
    }
  });

  it('refuses a file larger than any configuration', async () => {
    await writeFile(file, ' '.repeat(MAX_CONFIG_BYTES + 1));
    await expectAsync(readConfigText(file)).toBeRejectedWithError(`it is larger than ${MAX_CONFIG_BYTES} bytes`);
  });
});
