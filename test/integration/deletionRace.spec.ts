// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { scriptedReply } from '../support/replayModel.js';
import { quietWatch, waitFor } from '../support/service.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const QUESTION = 'Clear my caches and empty the trash';

const SUBDIRECTORIES = 40;
/** The victim's documents; the attacker's cache files carry the same names, so that a path through a swapped-in symlink names a document. */
const DOCUMENTS = [...Array.from({ length: 20 }, (_, n) => `letter${n}.txt`), join('taxes', '2025.pdf')];
const RUNS = 4;

/** Where the swapper keeps `directory` while a symlink has its name. */
const asideOf = (directory: string) => join(dirname(directory), `.aside-${basename(directory)}`);

/**
 * Another process of the user's, for the whole run: over and over it moves each directory aside and
 * puts a symlink to the victim in its place, waits a millisecond, then puts the directories back.
 */
const SWAPPER = `
const { renameSync, symlinkSync, unlinkSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const [victim, ...directories] = process.argv.slice(1);
const quietly = (step) => { try { step(); } catch {} };
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const pairs = directories.map((directory) => [directory, join(dirname(directory), '.aside-' + basename(directory))]);
process.stdout.write('swapping\\n');
for (;;) {
  for (const [directory, aside] of pairs) {
    quietly(() => renameSync(directory, aside));
    quietly(() => symlinkSync(victim, directory));
  }
  pause(1);
  for (const [directory, aside] of pairs) {
    quietly(() => unlinkSync(directory));
    quietly(() => renameSync(aside, directory));
  }
  pause(1);
}`;

interface Swapper {
  process: ChildProcess;
  directories: string[];
}

async function startSwapper(victim: string, directories: string[]): Promise<Swapper> {
  const swapper = spawn(process.execPath, ['-e', SWAPPER, victim, ...directories], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => swapper.stdout.once('data', resolve));
  return { process: swapper, directories };
}

/** Stops the swapper and undoes a swap it was in the middle of: no symlink to the victim is left. */
async function stopSwapper({ process: swapper, directories }: Swapper): Promise<void> {
  const exited = new Promise((resolve) => swapper.once('exit', resolve));
  swapper.kill('SIGKILL');
  await exited;
  for (const directory of directories) {
    if ((await lstat(directory).catch(() => null))?.isSymbolicLink()) await unlink(directory);
    await rename(asideOf(directory), directory).catch(() => undefined);
  }
}

const subdirectories = (root: string) => Array.from({ length: SUBDIRECTORIES }, (_, n) => join(root, `sub${n}`));

/** Subdirectories full of files named like the documents: many places for a swapped-in symlink to be followed. */
async function fill(root: string): Promise<void> {
  for (let n = 0; n < SUBDIRECTORIES; n++) {
    await mkdir(join(root, `sub${n}`, 'taxes'), { recursive: true });
    for (const name of DOCUMENTS) await writeFile(join(root, `sub${n}`, name), 'cache');
  }
}

/** The files below `directory`, relative to it. */
async function filesBelow(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

// The user's documents must survive a clean-up that another process races by swapping the
// directories being emptied for symlinks to them: through the real service, on a private bus.
describe('deleting caches and the trash while another process swaps directories for symlinks', () => {
  let scenario: UnitScenario;
  let server: OpenAIServer;
  let victim: string;
  let documents: string[];

  const cache = () => join(scenario.home.path, '.cache', 'race');
  const trashFiles = () => join(scenario.home.path, 'data', 'Trash', 'files');

  /** Asks the scripted model, which proposes both clean-ups; their proposal ids. */
  async function propose(): Promise<Record<string, string>> {
    const [session] = (await scenario.call(CHAT, 'Send', 'ssa{sv}', ['', QUESTION, {}])) as [string];
    await waitFor(async () => {
      const [sessions] = (await scenario.call(CHAT, 'ListSessions')) as [Record<string, Variant>[]];
      const info = sessions.map(plain).find((s) => s.id === session);
      return info?.answering === false && info.messages === 2;
    }, 'the answer to end');
    const open = await scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'open') });
    const idOf = (action: string) =>
      String(
        open.find((proposal) => (proposal.actions as Record<string, Variant>[]).some((a) => plain(a).name === action))
          ?.id,
      );
    return { 'files.clear_cache': idOf('files.clear_cache'), 'files.empty_trash': idOf('files.empty_trash') };
  }

  /** Applies `action` and waits for its job: "state: summary". */
  async function apply(proposal: string, action: string): Promise<string> {
    const [job] = (await scenario.call(PROPOSALS, 'Apply', 'ss', [proposal, action])) as [string];
    let outcome = '';
    await waitFor(async () => {
      const found = (await scenario.list(PROPOSALS, 'ListJobs')).find((j) => j.id === job);
      outcome = `${String(found?.state)}: ${String(found?.summary)}`;
      return found !== undefined && !['queued', 'running'].includes(String(found.state));
    }, `the ${action} job to end`);
    return outcome;
  }

  /** Applies `action` while a swapper swaps `directories` for symlinks to the victim. */
  async function applyDuringSwaps(proposal: string, action: string, directories: string[]): Promise<string> {
    const swapper = await startSwapper(victim, directories);
    try {
      return await apply(proposal, action);
    } finally {
      await stopSwapper(swapper);
    }
  }

  const cleanUps = () =>
    [
      ['files.clear_cache', cache()],
      ['files.empty_trash', trashFiles()],
    ] as const;

  beforeAll(async () => {
    server = await startOpenAIServer({
      reply: scriptedReply([
        {
          question: QUESTION,
          turns: [
            {
              toolCalls: [
                {
                  name: 'propose_action',
                  arguments: { action: 'files.clear_cache', params: { directories: ['race'] }, reason: 'asked' },
                },
                { name: 'propose_action', arguments: { action: 'files.empty_trash', params: {}, reason: 'asked' } },
              ],
            },
            { text: 'I proposed both; apply them if you agree.' },
          ],
        },
      ]),
    });
    scenario = await startUnitScenario([], async (home) => {
      victim = join(home, 'Documents');
      await mkdir(join(victim, 'taxes'), { recursive: true });
      for (const name of DOCUMENTS) await writeFile(join(victim, name), 'keep me');
      return {
        watch: quietWatch(),
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } },
      };
    });
    documents = (await filesBelow(victim)).sort();
    expect(documents.length).toBe(21);
  });

  afterAll(async () => {
    await scenario?.stop();
    await server?.close();
  });

  it(`leaves every document alone over ${RUNS} raced runs of each clean-up`, async () => {
    const filled = SUBDIRECTORIES * DOCUMENTS.length;
    for (let run = 0; run < RUNS; run++) {
      await fill(cache());
      await fill(trashFiles());
      const proposals = await propose();
      for (const [action, root] of cleanUps()) {
        const outcome = await applyDuringSwaps(proposals[action]!, action, subdirectories(root));
        const context = `run ${run}, ${action} (${outcome})`;
        expect((await filesBelow(victim)).sort())
          .withContext(context)
          .toEqual(documents);
        expect(await readFile(join(victim, 'taxes', '2025.pdf'), 'utf8')).toBe('keep me');
        // Against a process that keeps moving directories, a run may end before all is gone: it then
        // says so (not fixed, or failed naming what kept changing), but it did delete what it could.
        expect(outcome)
          .withContext(context)
          .toMatch(/^(fixed|not-fixed): |^failed: \S+ kept changing while Steward deleted it/);
        expect((await filesBelow(root)).length)
          .withContext(context)
          .toBeLessThan(filled);
      }
    }
    expect(scenario.service.process.exitCode).toBeNull();
  });

  it(`leaves every document alone over ${RUNS} runs of each where the directory being emptied is swapped itself`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await fill(cache());
      await fill(trashFiles());
      const proposals = await propose();
      for (const [action, root] of cleanUps()) {
        const outcome = await applyDuringSwaps(proposals[action]!, action, [root]);
        const context = `run ${run}, ${action} (${outcome})`;
        expect((await filesBelow(victim)).sort())
          .withContext(context)
          .toEqual(documents);
        expect(await readFile(join(victim, 'taxes', '2025.pdf'), 'utf8')).toBe('keep me');
        // Found as a symlink when opened, it is refused; found as the directory, that directory is emptied.
        expect(outcome)
          .withContext(context)
          .toMatch(/^(fixed|not-fixed): |^failed: \S+ (is a symbolic link|is not a directory|kept changing)/);
      }
    }
    expect(scenario.service.process.exitCode).toBeNull();
  });

  it('empties both completely once nothing races it', async () => {
    await fill(cache());
    await fill(trashFiles());
    const proposals = await propose();
    for (const [action, root] of cleanUps()) {
      expect(await apply(proposals[action]!, action)).toMatch(/^fixed: /);
      expect(await filesBelow(root))
        .withContext(action)
        .toEqual([]);
    }
    expect((await filesBelow(victim)).sort()).toEqual(documents);
  });
});
