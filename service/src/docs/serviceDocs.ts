// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's documentation index, opened where the state is kept. It is a
// cache of what is on disk: a state directory that cannot hold it leaves the
// assistant without it, never the service without a start.
import { join } from 'node:path';

import type { Logger } from '../logging.js';
import { DocsIndex } from './docsIndex.js';
import { DocsStore } from './docsStore.js';
import { defaultSources, type DocsSources } from './indexer.js';
import { updateInChildProcess } from './indexerChild.js';
import { UNIT_DIRS } from './runningSystem.js';

/** The sources with every place moved under `root` (a test's stand-in for the machine's `/`). */
function under(root: string, sources: DocsSources): DocsSources {
  const move = (paths: string[]) => paths.map((path) => join(root, path));
  return {
    ...sources,
    manRoots: move(sources.manRoots),
    helpRoots: move(sources.helpRoots),
    infoRoots: move(sources.infoRoots),
    docRoots: move(sources.docRoots),
    nixosOptions: move(sources.nixosOptions),
    packageDatabases: move(sources.packageDatabases),
    commandDirs: move(sources.commandDirs ?? []),
    unitDirs: move(sources.unitDirs ?? UNIT_DIRS),
  };
}

export function openDocsIndex(options: {
  file: string;
  home: string;
  log: Logger;
  /** The test hook STEWARD_TEST_DOCS_ROOT. */
  root?: string;
  loadedUnits?: () => Promise<string[]>;
  /** The indexer process's script (steward-docs-indexer.js), which runs each update. */
  indexerScript: string;
}): DocsIndex | undefined {
  let store: DocsStore;
  try {
    store = DocsStore.open(options.file);
  } catch (error) {
    options.log.warning('no documentation index: its file cannot be opened', {
      file: options.file,
      reason: (error as Error).message,
    });
    return undefined;
  }
  if (store.setAside) options.log.warning('the damaged documentation index was set aside', { kept: store.setAside });
  const sources = defaultSources(options.home);
  return new DocsIndex({
    store,
    sources: options.root ? under(options.root, sources) : sources,
    log: options.log,
    ...(options.loadedUnits && { loadedUnits: options.loadedUnits }),
    updater: updateInChildProcess({ script: options.indexerScript, file: options.file }),
  });
}
