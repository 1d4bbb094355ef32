// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The documentation fixtures (test/fixtures/docs) as sources for an index.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { DocsSources } from '../../service/src/docs/indexer.js';
import type { TempDir } from './tempDir.js';

export const DOCS_FIXTURES = join(process.cwd(), 'test', 'fixtures', 'docs');

/** The fixture tree copied where the test may change it, NEWS compressed as packages ship it. */
export async function docsFixtureTree(dir: TempDir): Promise<DocsSources> {
  await cp(DOCS_FIXTURES, dir.path, { recursive: true });
  const news = join(dir.path, 'doc', 'demo-pkg', 'NEWS');
  await writeFile(`${news}.gz`, gzipSync(await readFile(news)));
  await rm(news);
  return {
    manRoots: [join(dir.path, 'man')],
    infoRoots: [join(dir.path, 'info')],
    docRoots: [join(dir.path, 'doc')],
    nixosOptions: [join(dir.path, 'nixos-options-stand-in.json')],
    // The help pages have their own specs: the counts of the others stay as they are.
    helpRoots: [],
    languages: ['de'],
    packageDatabases: [],
  };
}
