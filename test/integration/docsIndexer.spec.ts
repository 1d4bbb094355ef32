// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's documentation index updated by the built indexer process
// (dist/service/steward-docs-indexer.js), as the service runs it.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DocsIndex } from '../../service/src/docs/docsIndex.js';
import { DocsStore } from '../../service/src/docs/docsStore.js';
import { UPDATED_KEY } from '../../service/src/docs/docsUpdate.js';
import type { DocsSources } from '../../service/src/docs/indexer.js';
import { updateInChildProcess } from '../../service/src/docs/indexerChild.js';
import { createLogger } from '../../service/src/logging.js';
import { docsFixtureTree } from '../support/docsFixture.js';
import { childrenOf, commandLineOf, isAlive } from '../support/processes.js';
import { DOCS_INDEXER_SCRIPT, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

/** This process's indexer child, while one runs. */
function indexerChild(): number | undefined {
  return childrenOf(process.pid).find(({ pid }) => commandLineOf(pid)?.includes('steward-docs-indexer.js'))?.pid;
}

/** The niceness of `pid`: the 19th field of /proc/PID/stat (proc(5)). */
const niceness = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);

describe('the documentation index updated by its indexer process', () => {
  let dir: TempDir;
  let file: string;
  let sources: DocsSources;
  let logged: string[];
  let index: DocsIndex;
  const log = createLogger({ level: 'info', journal: false, write: (line) => logged.push(line) });

  /** The index as the service has it, its updates slowed down to `dutyCycle` of a core where given. */
  const indexOf = (of: DocsSources, dutyCycle?: number) =>
    new DocsIndex({
      store: DocsStore.open(file),
      sources: of,
      log,
      updater: updateInChildProcess({ script: DOCS_INDEXER_SCRIPT, file }),
      ...(dutyCycle && { dutyCycle }),
    });

  /** The fixtures with `count` more man pages: an update that takes a while. */
  async function withPages(count: number): Promise<DocsSources> {
    const page = await readFile(join(dir.path, 'man', 'man5', 'demo.conf.5'), 'utf8');
    const folder = join(dir.path, 'more', 'man1');
    await mkdir(folder, { recursive: true });
    for (let at = 0; at < count; at++) {
      await writeFile(join(folder, `demo-${at}.1`), page.replace(/demo\.conf/g, `demo-${at}`));
    }
    return { ...sources, manRoots: [...sources.manRoots, join(dir.path, 'more')] };
  }

  /** Starts an update and resolves with it once the indexer has reported files read. */
  async function underWay(): Promise<{ update: Promise<void>; child: number }> {
    const update = index.refresh();
    await waitFor(() => index.status().done > 0, 'the indexer reporting files read');
    const child = indexerChild();
    if (child === undefined) throw new Error('no indexer process while the index was updated');
    return { update, child };
  }

  beforeEach(async () => {
    dir = await makeTempDir();
    sources = await docsFixtureTree(dir);
    file = join(dir.path, 'docs.db');
    logged = [];
  });

  afterEach(async () => {
    await index.stop();
    await dir.remove();
  });

  it('builds the index in a child process below the desktop’s priority, which the service then searches', async () => {
    index = indexOf(await withPages(1000), 0.2);
    const { update, child } = await underWay();
    expect(niceness(child)).toBe(10);
    await update;
    expect(index.status()).toEqual(
      jasmine.objectContaining({ state: 'ready', done: 0, total: 0, files: 1008, updatedAt: jasmine.any(Date) }),
    );
    // The service's own connection reads what the child wrote, the word vectors included.
    expect(index.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    expect(index.search('demo-717', 1)[0]?.ref).toMatch(/^demo-717\(1\)#/);
    expect(logged.join('\n')).toMatch(
      /word vectors learned from the documentation .*\n.*documentation index updated read=1008 /,
    );
    expect(isAlive(child)).withContext('the indexer ended with its update').toBeFalse();

    // Nothing changed: no process is started at all.
    logged = [];
    await index.refresh();
    expect(logged).toEqual([]);
  });

  it('ends the indexer at its next file when the service stops; the index is not marked up to date', async () => {
    index = indexOf(await withPages(2000), 0.1);
    const { child } = await underWay();
    await index.stop();
    expect(isAlive(child)).toBeFalse();
    expect(logged.join('\n')).not.toContain('cannot index');
    const store = DocsStore.open(file);
    expect(store.meta(UPDATED_KEY)).toBeNull();
    expect(store.fileStates().size).toBeLessThan(2008);
    store.close();
  });

  it('says why when the indexer is killed, and the next update finishes', async () => {
    index = indexOf(await withPages(1000), 0.1);
    const { update, child } = await underWay();
    process.kill(child, 'SIGKILL');
    await update;
    expect(index.status().state).toBe('failed');
    expect(logged.join('\n')).toContain(
      'cannot index the documentation reason="the indexer stopped with signal SIGKILL"',
    );

    await index.refresh();
    expect(index.status()).toEqual(jasmine.objectContaining({ state: 'ready', files: 1008 }));
  });

  it('says why when the indexer cannot open the index', async () => {
    index = indexOf(sources);
    await rm(file);
    await index.refresh();
    expect(index.status().state).toBe('failed');
    expect(logged.join('\n')).toContain('cannot index the documentation reason="unable to open database file"');
  });
});
