// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, type TempDir } from '../support/tempDir.js';

// What build/install.sh and the Debian package build: the service's test hooks (testHooks.ts) are left out.
describe('a release build of the service', () => {
  let dist: TempDir;

  beforeAll(async () => {
    dist = await makeTempDir();
    await promisify(execFile)('node', ['build/build.mjs', '--release', 'service'], {
      env: { ...process.env, STEWARD_DIST: dist.path },
    });
  });
  afterAll(() => dist.remove());

  it('holds no test switch (STEWARD_TEST_*) in any script', async () => {
    const scripts = (await readdir(join(dist.path, 'service'))).filter((name) => name.endsWith('.js'));
    expect(scripts).toContain('steward-service.js');
    const withSwitches: string[] = [];
    for (const name of scripts) {
      const found = (await readFile(join(dist.path, 'service', name), 'utf8')).match(/STEWARD_TEST_\w*/g);
      if (found) withSwitches.push(`${name}: ${[...new Set(found)].join(', ')}`);
    }
    expect(withSwitches).toEqual([]);
  });
});
