// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// build/npm.sh's lock_npm, as test/run.sh, .ci/run and build/install.sh call it, on a machine whose npm is
// Debian 13's 9.2 (an npm on PATH that says so), which cannot read the lock file: the npm that package.json
// names must run instead, through npx (one on PATH that writes down how it was called).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, type TempDir } from '../support/tempDir.js';

const exec = promisify(execFile);
const NPM_SH = join(process.cwd(), 'build', 'npm.sh');

describe('lock_npm with Debian 13’s npm 9', () => {
  let dir: TempDir;
  let packageManager: string;

  beforeEach(async () => {
    dir = await makeTempDir('steward-lock-npm-');
    ({ packageManager } = JSON.parse(await readFile('package.json', 'utf8')) as { packageManager: string });
    await writeFile(join(dir.path, 'package.json'), JSON.stringify({ name: 'x', packageManager }));
    await writeFile(join(dir.path, 'npm'), '#!/bin/sh\n[ "$1" = --version ] && echo 9.2.0 && exit 0\nexit 9\n');
    await writeFile(join(dir.path, 'npx'), '#!/bin/sh\nprintf "%s\\n" "$@" >"$NPX_CALLED"\n');
    await chmod(join(dir.path, 'npm'), 0o755);
    await chmod(join(dir.path, 'npx'), 0o755);
  });

  afterEach(() => dir.remove());

  // npx runs the wanted npm without the two settings of Debian's npmrc it does not know, and with Debian's
  // Node.js headers for node-gyp where they are installed.
  const throughNpx = (...args: string[]) => [
    '--yes',
    `--package=${packageManager}`,
    '--',
    'env',
    '-u',
    'npm_config_metrics_registry',
    '-u',
    'npm_config_globalignorefile',
    ...(existsSync('/usr/include/nodejs/common.gypi') ? ['npm_config_nodedir=/usr/include/nodejs'] : []),
    'npm',
    ...args,
  ];

  async function lockNpm(packageJson: string): Promise<{ args: string[]; stderr: string }> {
    const called = join(dir.path, 'npx-called');
    const { stderr } = await exec('bash', ['-c', `source ${NPM_SH} && lock_npm "$@"`, 'lock_npm', packageJson, 'ci'], {
      cwd: dir.path,
      env: { PATH: `${dir.path}:${process.env.PATH}`, NPX_CALLED: called, HOME: dir.path },
    });
    return { args: (await readFile(called, 'utf8')).trim().split('\n'), stderr };
  }

  it('runs package.json’s npm through npx for a package.json named as test/run.sh and .ci/run name it', async () => {
    const { args, stderr } = await lockNpm('package.json');
    expect(args).toEqual(throughNpx('ci'));
    expect(stderr).toContain(
      `npm 9.2.0 cannot read this lock file (npm 10 or later wrote it): running ${packageManager}`,
    );
  });

  it('and for one named by its full path, as build/install.sh names it', async () => {
    const { args } = await lockNpm(join(dir.path, 'package.json'));
    expect(args).toEqual(throughNpx('ci'));
  });
});
