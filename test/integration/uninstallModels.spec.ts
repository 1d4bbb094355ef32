// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, type TempDir } from '../support/tempDir.js';

// build/uninstall.sh and the models Steward downloaded: kept and mentioned by a plain uninstall,
// deleted by --purge. Run on a home with no installation, so nothing else is touched.
describe('build/uninstall.sh and the downloaded models', () => {
  let home: TempDir;
  let env: NodeJS.ProcessEnv;
  const models = () => join(home.path, 'data', 'steward', 'models');
  const uninstall = async (...args: string[]) =>
    (await promisify(execFile)('bash', [join('build', 'uninstall.sh'), ...args], { env })).stdout;

  beforeAll(async () => {
    home = await makeTempDir();
    await mkdir(models(), { recursive: true });
    await mkdir(join(home.path, 'run'), { mode: 0o700 });
    await writeFile(join(models(), 'model.gguf'), Buffer.alloc(2_500_000));
    env = {
      PATH: process.env.PATH,
      HOME: home.path,
      XDG_DATA_HOME: join(home.path, 'data'),
      XDG_CONFIG_HOME: join(home.path, 'config'),
      XDG_STATE_HOME: join(home.path, 'state'),
      // An empty runtime directory: no user manager or bus to talk to.
      XDG_RUNTIME_DIR: join(home.path, 'run'),
    };
  });

  afterAll(() => home.remove());

  it('keeps them without --purge, saying where and how much, and deletes them with it', async () => {
    const kept = await uninstall();
    expect(kept).toContain(`Kept the downloaded models in ${models()} (`);
    // Decimal units as GNOME shows sizes; the directory's own size may round it up.
    expect(kept).toMatch(/ \(2\.[56]MB\); run with --purge to delete them too\.\n/);
    expect(existsSync(join(models(), 'model.gguf'))).toBeTrue();
    expect(await uninstall('--purge')).toContain('configuration, state and downloaded models are deleted');
    expect(existsSync(join(home.path, 'data', 'steward'))).toBeFalse();
    expect(existsSync(join(home.path, 'data'))).toBeTrue();
  });
});
