// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { packExtensionZip, testFilesIn, zipContents } from '../support/packageContents.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The extensions.gnome.org zip, packed from the build the way `npm run package` packs it. The .deb's
// contents are listed by test/e2e/debianPackage.spec.ts, with the same check.
const UUID = 'steward@steward.github.io';
const builtExtension = join('dist', 'extension', UUID);

describe('what a package may hold', () => {
  it('tells test code and test fixtures from what runs', () => {
    const testPaths = [
      '/usr/lib/steward/node_modules/node-gettext/test/fixtures/latin13.po',
      '/usr/lib/steward/node_modules/@scope/pkg/__tests__/a.js',
      '/usr/lib/steward/node_modules/retry/example/dns.js',
      '/usr/lib/steward/node_modules/a/node_modules/b/fixtures/x.json',
      '/usr/lib/steward/node_modules/@kwsites/file-exists/dist/test/exists.spec.js',
      '/usr/lib/steward/node_modules/zod/src/v4/core/tests/Mocker.ts',
      '/usr/lib/steward/node_modules/zod/src/v4/core/tests/string.test.ts',
      '/usr/share/gnome-shell/extensions/steward@steward.github.io/shell/testHook.js',
      'shell/testHook.js',
      'shared/model.spec.js',
      'test/e2e/harness/session.sh',
    ];
    expect(testFilesIn(testPaths)).toEqual(testPaths);
    expect(
      testFilesIn([
        '/usr/lib/steward/node_modules/node-gettext/lib/gettext.js',
        // Runtime code in a folder named "test" below a module's top.
        '/usr/lib/steward/node_modules/matcher/lib/test/index.js',
        '/usr/lib/steward/node_modules/hono/dist/helper/testing/index.js',
        '/usr/lib/steward/service/steward-service.js',
        'shell/stewardState.js',
        'shell/layout.js',
      ]),
    ).toEqual([]);
  });

  describe('the extensions.gnome.org zip', () => {
    let dir: TempDir;

    beforeAll(async () => (dir = await makeTempDir()));
    afterAll(() => dir.remove());

    it('holds the extension and no test code', () => {
      const zip = join(dir.path, `${UUID}.shell-extension.zip`);
      packExtensionZip(builtExtension, zip);
      const contents = zipContents(zip);
      expect(contents).toContain('extension.js');
      expect(contents).toContain('metadata.json');
      expect(testFilesIn(contents)).toEqual([]);
    });
  });
});
