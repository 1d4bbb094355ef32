// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// @ts-expect-error: a build script in plain JavaScript, without types
import { tidyModules } from '../../build/package/tidyModules.mjs';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The runtime modules as the Debian package takes them: no module's own tests or fixtures ship.
describe('the modules a package ships', () => {
  let dir: TempDir;

  beforeAll(async () => (dir = await makeTempDir()));
  afterAll(() => dir.remove());

  it('leave out each module’s tests, examples and fixtures, and nothing its code needs', async () => {
    const files = [
      'node-gettext/package.json',
      'node-gettext/lib/gettext.js',
      'node-gettext/test/fixtures/latin13.po',
      'node-gettext/test/gettext-test.js',
      'qs/package.json',
      'qs/lib/index.js',
      'qs/test/parse.js',
      'retry/package.json',
      'retry/example/dns.js',
      // Runtime code in a folder named "test" below the module's top stays.
      'matcher/package.json',
      'matcher/lib/test/index.js',
      '@scope/pkg/package.json',
      '@scope/pkg/__tests__/a.js',
      '@scope/pkg/index.js',
      // Tests deeper down: a test folder with specs (zod's src/v4/core/tests), mocks, spec files.
      'zod/package.json',
      'zod/index.js',
      'zod/src/v4/core/tests/Mocker.ts',
      'zod/src/v4/core/tests/locales/en.test.ts',
      '@kwsites/file-exists/package.json',
      '@kwsites/file-exists/dist/index.js',
      '@kwsites/file-exists/dist/test/__mocks__/fs.js',
      '@kwsites/file-exists/dist/test/exists.spec.js',
      '@kwsites/file-exists/dist/test/exists.spec.js.map',
      // Runtime code named for testing stays (hono's helper).
      'hono/package.json',
      'hono/dist/helper/testing/index.js',
    ];
    for (const file of files) {
      await mkdir(join(dir.path, dirname(file)), { recursive: true });
      await writeFile(join(dir.path, file), file.endsWith('.json') ? '{}\n' : 'x\n');
    }
    (tidyModules as (dir: string) => string[])(dir.path);
    const left = (await readdir(dir.path, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.path.length + 1))
      .sort();
    expect(left).toEqual(
      [
        'node-gettext/package.json',
        'node-gettext/lib/gettext.js',
        'qs/package.json',
        'qs/lib/index.js',
        'retry/package.json',
        'matcher/package.json',
        'matcher/lib/test/index.js',
        '@scope/pkg/package.json',
        '@scope/pkg/index.js',
        'zod/package.json',
        'zod/index.js',
        '@kwsites/file-exists/package.json',
        '@kwsites/file-exists/dist/index.js',
        'hono/package.json',
        'hono/dist/helper/testing/index.js',
      ].sort(),
    );
  });
});
