// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { cp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { MessageBus } from '@jellybrick/dbus-next';

import { liveMachine } from '../../service/src/assistant/live/liveMachine.js';
import type { Machine } from '../../service/src/assistant/machine.js';
import { runAssistantTurn } from '../../service/src/assistant/toolLoop.js';
import { citation, readDocTool, searchDocsTool } from '../../service/src/assistant/tools/docs.js';
import type { ToolStepEvent } from '../../service/src/assistant/turn.js';
import { docsCommand, docsStatusLines } from '../../service/src/cli/docs.js';
import { DocsIndex } from '../../service/src/docs/docsIndex.js';
import { DocsStore } from '../../service/src/docs/docsStore.js';
import { parseHelpPage } from '../../service/src/docs/helpPage.js';
import { type DocsSources, updateIndex, userLanguages } from '../../service/src/docs/indexer.js';
import { parseManPage } from '../../service/src/docs/manPage.js';
import type { FindingsStore } from '../../service/src/findings/store.js';
import type { FixesStore } from '../../service/src/fixes/store.js';
import { createLogger } from '../../service/src/logging.js';
import { DOCS_FIXTURES, docsFixtureTree } from '../support/docsFixture.js';
import { ScriptedEngine } from '../support/scriptedEngine.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { CONDITION_TIMEOUT_MS } from '../support/timeouts.js';

const quiet = createLogger({ level: 'error', journal: false, write: () => undefined });

const page = async (file: string, name: string) => {
  const parsed = parseManPage(await readFile(join(DOCS_FIXTURES, 'man', file), 'utf8'), name);
  if (parsed.kind !== 'page') throw new Error(`${file} is an alias`);
  return parsed;
};

describe('a man page read into passages', () => {
  it('splits man(7) at its sections and tagged paragraphs, with fonts and glyphs read', async () => {
    const demo = await page('man1/steward-demo.1', 'steward-demo');
    expect(demo.summary).toBe('steward-demo - show a fixture page for the documentation index');
    expect(demo.passages.map((passage) => [passage.heading, passage.entry])).toEqual([
      ['NAME', null],
      ['SYNOPSIS', null],
      ['DESCRIPTION', null],
      ['DESCRIPTION', '-w, --wrap=COLUMNS'],
      ['DESCRIPTION', '-q, --quiet'],
      ['ENVIRONMENT', 'STEWARD_DEMO_COLOR'],
      ['SEE ALSO', null],
    ]);
    const quietEntry = demo.passages[4]!.text;
    expect(quietEntry).toContain('print nothing but errors — not even the “done” line');
    expect(quietEntry).toContain('nested');
    expect(demo.passages[1]!.text).toBe('steward-demo [OPTION]... [FILE]...');
    expect(demo.passages[6]!.text).toBe('cat(1), demo.conf(5)');
  });

  it('reads mdoc(7): keywords of a tagged list are entries, inline macros become words', async () => {
    const conf = await page('man5/demo.conf.5', 'demo.conf');
    expect(conf.summary).toBe('demo.conf — steward-demo configuration file');
    const entries = conf.passages.map((passage) => passage.entry);
    expect(entries).toEqual([null, null, 'GreetingStyle', 'MaxGreetings', '/etc/demo.conf']);
    expect(conf.passages[1]!.text).toContain('steward-demo(1) reads its settings from /etc/demo.conf.');
    const max = conf.passages[3]!.text;
    expect(max).toContain('(the default is 3).');
    expect(max).toContain('Used with -q nothing is printed at all.');
    expect(max).toContain('• a nested list is part of the entry');
  });

  it("reads DocBook's one-line paragraphs before an indented body as entries, and its tables' rows", async () => {
    const daemon = await page('man8/demo-daemon.8', 'demo-daemon');
    expect(daemon.passages.map((passage) => passage.entry)).toEqual([
      null,
      '--listen=ADDRESS',
      '--idle-exit=SECONDS',
      null,
    ]);
    expect(daemon.passages[0]!.text).toBe("demo-daemon - the fixture's background service");
    expect(daemon.passages[1]!.text).toBe('--listen=ADDRESS\nListens on ADDRESS instead of 127.0.0.1.');
    expect(daemon.passages[3]!.text).toContain('SIGHUP  reload');
  });

  it('reads groff’s accented letters, and takes a .so page for an alias', async () => {
    const german = await page('de/man1/steward-demo.1', 'steward-demo');
    expect(german.passages[1]!.text).toContain('bricht Zeilen um, die länger als SPALTEN Zeichen sind');
    expect(parseManPage('.so man1/steward-demo.1\n', 'demo-alias')).toEqual({
      kind: 'alias',
      target: 'man1/steward-demo.1',
    });
  });
});

const helpPage = async (file: string) => parseHelpPage(await readFile(join(DOCS_FIXTURES, 'help', file), 'utf8'));

describe('a GNOME help page read into passages', () => {
  it('leads with its title and description, its steps numbered, and leaves out what Yelp does not show', async () => {
    const page = await helpPage('C/gnome-help/display-night-light.page');
    expect(page?.id).toBe('display-night-light');
    expect(page?.title).toBe('Adjust the color temperature of your screen');
    expect(page?.passages.map((passage) => passage.heading)).toEqual(['Adjust the color temperature of your screen']);
    const text = page?.passages[0]?.text ?? '';
    expect(text).toMatch(
      /^Adjust the color temperature of your screen: Night Light changes the color of your displays according to the time of day\.\n\nA computer monitor emits blue light/,
    );
    expect(text).toContain(
      '\n1. Open the Activities overview and start typing Displays.\n2. Click Displays to open the panel.',
    );
    expect(text).toContain('\n6. Use the slider to adjust the Color Temperature to be more warm or less warm.');
    expect(text).toContain('It can be temporarily disabled from the system menu.');
    // Credits, revisions and the license they include are the page's, not what it says.
    expect(text).not.toMatch(/Michael Hill|mdhillca|2021-06-09|Creative Commons/);
  });

  it('gives each section a passage under its title, and a list its bullets', async () => {
    const page = await helpPage('C/gnome-help/disk-capacity.page');
    expect(page?.passages.map((passage) => [passage.heading, passage.entry])).toEqual([
      ['Check how much disk space is left', null],
      ['Check with Disk Usage Analyzer', null],
      ['Check with System Monitor', null],
      ['Check with Usage', null],
      ['What if the disk is too full?', null],
    ]);
    expect(page?.passages[2]?.text).toBe(
      'To check the free disk space and disk capacity with System Monitor:\n' +
        '1. Open the System Monitor application from the Activities overview.\n' +
        '2. Select the File Systems tab to view the system’s partitions and disk space usage. The information is displayed according to Total, Free, Available and Used.',
    );
    expect(page?.passages[4]?.text).toContain('\n• Delete files that aren’t important');
  });

  it("shows GNOME's variant of a page, not GNOME Classic's, and no empty place where a figure was", async () => {
    const wireless = (await helpPage('C/gnome-help/net-wireless-connect.page'))?.passages[0]?.text ?? '';
    expect(wireless.match(/If the connection is successful/g)?.length).toBe(1);
    expect(wireless).toContain('will change to a dot with several curved bars above it. More bars indicate');
    const favorites = (await helpPage('C/gnome-help/shell-apps-favorites.page'))?.passages[0]?.text ?? '';
    expect(favorites).toContain('Open the Activities overview by clicking Activities at the top left of the screen');
    expect(favorites).toContain('Add to Favorites');
    expect(favorites).not.toContain('choose the Activities Overview item');
    // A tip only for GNOME Classic (if:test="platform:gnome-classic" on the note itself).
    expect(favorites).not.toContain('Favorite applications also appear in the Applications');
  });

  it('reads no page from XML that is not one', async () => {
    expect(await helpPage('C/gnome-help/legal.xml')).toBeNull();
  });
});

describe('the documentation index', () => {
  let dir: TempDir;
  let store: DocsStore;
  let sources: DocsSources;

  beforeEach(async () => {
    dir = await makeTempDir();
    sources = await docsFixtureTree(dir);
    store = DocsStore.open(join(dir.path, 'docs.db'));
  });

  afterEach(async () => {
    store.close();
    await dir.remove();
  });

  it('indexes man pages, READMEs, NEWS and NixOS options, and finds the section that answers', async () => {
    const result = await updateIndex(store, sources);
    // 5 man pages (the alias holds nothing), README.md, NEWS.gz, the options.
    expect(result).toEqual({ read: 8, removed: 0, failed: 0, duplicates: 0, unchanged: 0 });
    const top = (query: string) => store.search(query, 3, ['de', ''])[0]?.ref;
    expect(top('demo.conf GreetingStyle')).toBe('demo.conf(5)#GreetingStyle');
    expect(top('maximum greetings per run')).toBe('demo.conf(5)#MaxGreetings');
    expect(top('demo-daemon idle exit')).toBe('demo-daemon(8)#--idle-exit=SECONDS');
    expect(top('replaces columns option')).toBe('demo-pkg/NEWS#demo-pkg 1.0');
    expect(top('services.demo greetingStyle')).toBe('NixOS options#services.demo.greetingStyle');
    expect(top('STEWARD_DEMO_COLOR')).toBe('steward-demo(1)#STEWARD_DEMO_COLOR');
    // A question naming a page, its words joined as page names join them, is about that page first.
    expect(top('demo daemon listen')).toBe('demo-daemon(8)#--listen=ADDRESS');
    expect(top('demo.conf')).toBe('demo.conf(5)#NAME');
    const hit = store.search('quiet errors', 1)[0]!;
    expect(hit).toEqual(
      jasmine.objectContaining({ title: 'steward-demo(1)', heading: 'DESCRIPTION', entry: '-q, --quiet', kind: 'man' }),
    );
    expect(hit.snippet).toContain('print nothing but errors');
    // Words that read as FTS5 syntax are only words.
    expect(() => store.search('NEAR("x" OR) * -- " AND', 3)).not.toThrow();
    expect(store.search('', 3)).toEqual([]);
  });

  it("indexes GNOME's help pages beside the man pages, cited as Yelp opens them, the user's language first", async () => {
    const withHelp = { ...sources, helpRoots: [join(dir.path, 'help')] };
    // The 8 of the first spec, 4 help pages and one's German translation; legal.xml is no page.
    expect(await updateIndex(store, withHelp)).toEqual({
      read: 13,
      removed: 0,
      failed: 0,
      duplicates: 0,
      unchanged: 0,
    });
    const top = (query: string, languages = ['']) => store.search(query, 3, languages)[0];
    expect(top('make the screen warmer in the evening')?.ref).toBe(
      'help:gnome-help/display-night-light#Adjust the color temperature of your screen',
    );
    expect(top('check free disk space with System Monitor')?.ref).toBe(
      'help:gnome-help/disk-capacity#Check with System Monitor',
    );
    expect(top('connect to a wireless network')?.ref).toBe(
      'help:gnome-help/net-wireless-connect#Connect to a wireless network',
    );
    expect(top('demo.conf GreetingStyle')?.ref).toBe('demo.conf(5)#GreetingStyle');
    const night = top('Night Light', ['de', '']);
    expect(night).toEqual(jasmine.objectContaining({ title: 'help:gnome-help/display-night-light', lang: 'de' }));
    expect(night && citation(night)).toMatch(/^help:gnome-help\/display-night-light \[de\], section \S/);
    expect(top('Night Light')?.lang).toBe('');

    const section = store.read('help:gnome-help/disk-capacity#check with system monitor');
    expect(section?.ref).toBe('help:gnome-help/disk-capacity#Check with System Monitor');
    expect(section?.path).toBe(join(dir.path, 'help', 'C', 'gnome-help', 'disk-capacity.page'));
    expect(section?.text).toContain('\n2. Select the File Systems tab');
    expect(store.contents('help:gnome-help/disk-capacity')).toEqual([
      'Check how much disk space is left',
      'Check with Disk Usage Analyzer',
      'Check with System Monitor',
      'Check with Usage',
      'What if the disk is too full?',
    ]);

    await rm(join(dir.path, 'help', 'de'), { recursive: true });
    expect(await updateIndex(store, withHelp)).toEqual(jasmine.objectContaining({ read: 0, removed: 1 }));
    expect(top('Night Light', ['de', ''])?.lang).toBe('');
  });

  it('keeps no terminal codes or bidi overrides from a help page, expands no entity bomb, and passes over a broken page', async () => {
    const folder = join(dir.path, 'help', 'C', 'gnome-help');
    // A colour and an OSC 8 link as bytes, a right-to-left override by its number, as XML writes any character.
    await writeFile(
      join(folder, 'hostile.page'),
      `<page xmlns="http://projectmallard.org/1.0/" id="hostile"><title>Tidy\u001b[31m the dock</title>
        <p>Open\u001b]8;;https://evil.example/\u0007 the dock settings\u001b]8;;\u0007 and press&#x202e;evas&#x202c; Apply.</p></page>`,
    );
    // Each entity ten of the one before: a billion "lol"s if they were expanded.
    const entities = Array.from(
      { length: 10 },
      (_, n) => `<!ENTITY lol${n} "${n === 0 ? 'lol' : `&lol${n - 1};`.repeat(10)}">`,
    ).join('');
    await writeFile(
      join(folder, 'laughs.page'),
      `<?xml version="1.0"?><!DOCTYPE page [${entities}]><page id="laughs"><title>Laughs</title><p>&lol9;</p></page>`,
    );
    await writeFile(join(folder, 'broken.page'), 'not a page <<< at all');
    const result = await updateIndex(store, { ...sources, helpRoots: [join(dir.path, 'help')] });
    expect(result).toEqual(jasmine.objectContaining({ failed: 1 }));

    const hostile = store.read('help:gnome-help/hostile');
    expect(hostile?.heading).toBe('Tidy the dock');
    expect(hostile?.text).toContain('Open the dock settings and press');
    const hit = store.search('tidy the dock settings', 3).find((found) => found.title === 'help:gnome-help/hostile');
    for (const text of [hostile?.heading, hostile?.text, hit?.snippet, hit?.heading])
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u001b\u0007\u202a-\u202e]/);
    expect(store.read('help:gnome-help/laughs')?.text.length).toBeLessThan(1000);
    // The other pages are read as before.
    expect(store.read('help:gnome-help/disk-capacity#Check with System Monitor')).not.toBeNull();
  });

  it("gives the user's language first, and reads a section by its ref, loosely or as the page's contents", async () => {
    await updateIndex(store, sources);
    const wrap = store.search('steward-demo wrap', 5, ['de', '']).filter((hit) => hit.title === 'steward-demo(1)');
    expect(wrap[0]?.entry).toBe('-w, --wrap=SPALTEN');
    expect(new Set(wrap.map((hit) => hit.lang))).toEqual(new Set(['de']));
    expect(store.search('steward-demo wrap', 5, [''])[0]?.lang).toBe('');
    const section = store.read('demo.conf(5)#greetingstyle');
    expect(section?.ref).toBe('demo.conf(5)#GreetingStyle');
    expect(section?.path).toBe(join(dir.path, 'man', 'man5', 'demo.conf.5'));
    expect(section?.text).toContain('The default is casual.');
    expect(store.read('demo-daemon(8)#--listen')?.entry).toBe('--listen=ADDRESS');
    expect(store.read('demo-daemon(8)#nothing-like-it')).toBeNull();
    expect(store.read('no-such(1)#NAME')).toBeNull();
    expect(store.contents('demo-daemon(8)')).toEqual(['NAME', '--listen=ADDRESS', '--idle-exit=SECONDS', 'TABLE']);
  });

  it('reads again only what changed, and the pages of a removed package leave the index', async () => {
    await updateIndex(store, sources);
    const conf = join(dir.path, 'man', 'man5', 'demo.conf.5');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace('MaxGreetings', 'GreetingLimit'));
    await utimes(conf, new Date(), new Date(Date.now() + 5000));
    expect(await updateIndex(store, sources)).toEqual({ read: 1, removed: 0, failed: 0, duplicates: 0, unchanged: 7 });
    expect(store.read('demo.conf(5)#GreetingLimit')).not.toBeNull();
    expect(store.read('demo.conf(5)#MaxGreetings')).toBeNull();

    // What dpkg does when the package goes: its files go.
    await rm(join(dir.path, 'doc', 'demo-pkg'), { recursive: true });
    await rm(join(dir.path, 'man', 'man8', 'demo-daemon.8'));
    expect(await updateIndex(store, sources)).toEqual({ read: 0, removed: 3, failed: 0, duplicates: 0, unchanged: 5 });
    expect(store.search('demo-daemon listen', 5).filter((hit) => hit.title === 'demo-daemon(8)')).toEqual([]);
    expect(store.search('troubleshooting quiet mode', 5).filter((hit) => hit.kind === 'doc')).toEqual([]);
    expect(store.contents('demo-daemon(8)')).toEqual([]);
  });

  it('indexes a text found under several names once, and a copy in its place when the indexed one goes', async () => {
    // The same page shipped in two sections, and once more compressed (its bytes differ, its text does not).
    const conf = join(dir.path, 'man', 'man5', 'demo.conf.5');
    const copy = join(dir.path, 'man', 'man8', 'demo.conf.8');
    await cp(conf, copy);
    await writeFile(join(dir.path, 'man', 'man1', 'demo.conf.1.gz'), gzipSync(await readFile(conf)));
    expect(await updateIndex(store, sources)).toEqual(
      jasmine.objectContaining({ read: 10, duplicates: 2, unchanged: 0 }),
    );
    const titles = (query: string) =>
      new Set(store.search(query, 10).flatMap((hit) => (hit.title.startsWith('demo.conf(') ? [hit.title] : [])));
    expect(titles('GreetingStyle')).toEqual(new Set(['demo.conf(1)']));

    await rm(join(dir.path, 'man', 'man1', 'demo.conf.1.gz'));
    // The copy that was left out is read again, now as the one indexed; the other copy stays left out.
    expect(await updateIndex(store, sources)).toEqual(jasmine.objectContaining({ read: 2, removed: 1, duplicates: 1 }));
    expect(titles('GreetingStyle')).toEqual(new Set(['demo.conf(5)']));
    expect(store.read('demo.conf(5)#GreetingStyle')?.path).toBe(conf);
  });

  it('drops an index of an older layout and gives its space back to the disk', async () => {
    await updateIndex(store, sources);
    // 4 MB more of an older index.
    store.setMeta('ballast', 'x'.repeat(4_000_000));
    store.db.pragma('user_version = 1');
    store.close();
    const file = join(dir.path, 'docs.db');
    expect((await stat(file)).size + (await stat(`${file}-wal`).catch(() => ({ size: 0 }))).size).toBeGreaterThan(
      4_000_000,
    );
    store = DocsStore.open(file);
    expect(store.counts()).toEqual(jasmine.objectContaining({ files: 0, passages: 0 }));
    expect(store.counts().bytes).toBeLessThan(1_000_000);
  });

  it('searches an index without word vectors, one made before them and opened to read alone too', async () => {
    await updateIndex(store, sources);
    expect(store.hasMeaning()).toBeFalse();
    expect(store.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    store.db.exec('DROP TABLE word_meaning');
    store.close();
    const reader = DocsStore.openReadOnly(join(dir.path, 'docs.db'));
    expect(reader?.hasMeaning()).toBeFalse();
    expect(reader?.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    reader?.close();
    store = DocsStore.open(join(dir.path, 'docs.db'));
    await store.learnMeaning();
    expect(store.hasMeaning()).toBeTrue();
    expect(store.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    // Learning ended between two slices (the index stopped) writes nothing; forgotten, the meaning is learned again.
    const ended = new Error('stopped');
    await expectAsync(store.learnMeaning(() => Promise.reject(ended))).toBeRejectedWith(ended);
    expect(store.hasMeaning()).toBeTrue();
    store.forgetMeaning();
    expect(store.hasMeaning()).toBeFalse();
    expect(store.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
  });

  it("learns the word vectors from the man pages, whose NAME lines they are compared with, not from the help's", async () => {
    const memory = DocsStore.inMemory();
    const passages = (words: string) =>
      Array.from({ length: 6 }, (_, n) => ({ heading: `PART ${n}`, entry: null, text: `${words} number${n}` }));
    memory.replaceFile('/man/journalctl.1', { mtimeMs: 1, size: 1 }, [
      { title: 'journalctl(1)', lang: '', kind: 'man', passages: passages('journal vacuum archived files') },
    ]);
    memory.replaceFile('/help/night-light.page', { mtimeMs: 1, size: 1 }, [
      { title: 'help:gnome-help/night-light', lang: '', kind: 'help', passages: passages('nightlight warmer evening') },
    ]);
    await memory.learnMeaning();
    const learned = memory.meaning()?.meaning;
    expect(learned?.has('vacuum')).toBeTrue();
    expect(learned?.has('nightlight')).toBeFalse();
    memory.close();
  });

  it('keeps a damaged file as read (with nothing from it) until it changes', async () => {
    await writeFile(join(dir.path, 'man', 'man1', 'broken.1.gz'), 'not gzip at all');
    const result = await updateIndex(store, sources);
    expect(result.failed).toBe(1);
    expect((await updateIndex(store, sources)).unchanged).toBe(9);
  });

  it('builds in the background without being asked, reports its progress, and looks again when folders change', async () => {
    const states: string[] = [];
    const index = new DocsIndex({
      store,
      sources,
      log: quiet,
      startDelayMs: 10,
      settleMs: 10,
      onStatus: (status) => states.push(status.state),
    });
    expect(index.status().state).toBe('waiting');
    index.start();
    await waitFor(() => index.status().state === 'ready');
    expect(states).toEqual(['indexing', 'ready']);
    expect(index.status()).toEqual(
      jasmine.objectContaining({ state: 'ready', done: 0, total: 0, files: 8, updatedAt: jasmine.any(Date) }),
    );
    expect(index.status().passages).toBeGreaterThan(15);
    expect(index.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    expect(store.hasMeaning()).withContext('word vectors learned once the pages were read').toBeTrue();

    // Nothing changed: nothing is read.
    await index.refresh();
    expect(states.length).toBe(2);
    // A page removed: inotify tells, and the index reads the folders again by itself.
    await waitFor(() => index.watching);
    await rm(join(dir.path, 'man', 'man8', 'demo-daemon.8'));
    await waitFor(() => states.length === 4);
    expect(states.slice(2)).toEqual(['indexing', 'ready']);
    expect(index.read('demo-daemon(8)#--listen')).toBeNull();
    await index.stop();
    store = DocsStore.open(join(dir.path, 'docs.db'));
  });

  it('reads the task examples into the index, again only when another snapshot is installed', async () => {
    const file = join(dir.path, 'task-examples.json.gz');
    const snapshot = (commit: string, task: string) =>
      writeFile(
        file,
        gzipSync(
          JSON.stringify({
            commit,
            pages: [['steward-demo', 'Show a fixture page.', [[task, 'steward-demo --wrap={{80}} {{path/to/file}}']]]],
          }),
        ),
      );
    await snapshot('first', 'Fold long lines at a width');
    const index = new DocsIndex({ store, sources: { ...sources, taskExamples: file }, log: quiet });
    await index.refresh();
    expect(store.taskExamplesVersion()).toMatch(/^first /);
    const named = store.examplePages(['fold', 'lines']);
    expect([...named.keys()]).toEqual(['steward-demo(1)']);
    expect(named.get('steward-demo(1)')?.options).toEqual(new Set(['wrap']));
    expect(index.search('fold lines', 3).map((hit) => hit.ref)).toContain('steward-demo(1)#-w, --wrap=COLUMNS');

    await snapshot('second', 'Break paragraphs at a column');
    await index.refresh();
    expect(store.taskExamplesVersion()).toMatch(/^second /);
    expect(store.examplePages(['fold']).size).toBe(0);
    expect(store.examplePages(['paragraphs']).has('steward-demo(1)')).toBeTrue();
    await index.stop();
    store = DocsStore.open(join(dir.path, 'docs.db'));
  });

  it('goes on without task examples that cannot be read, and says why', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', journal: false, write: (line) => lines.push(line) });
    for (const content of [Buffer.from('not gzip at all'), gzipSync('{"commit": 1, "pages": "none"}')]) {
      const file = join(dir.path, 'broken.json.gz');
      await writeFile(file, content);
      const index = new DocsIndex({ store, sources: { ...sources, taskExamples: file }, log });
      await index.refresh(true);
      expect(index.status().state).toBe('ready');
      expect(store.taskExamplesVersion()).toBeNull();
      expect(index.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
      await index.stop();
      store = DocsStore.open(join(dir.path, 'docs.db'));
    }
    expect(lines.filter((line) => line.includes('cannot read the task examples')).length).toBe(2);
  });

  it('goes on without task examples where none are installed, and says nothing of it', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', journal: false, write: (line) => lines.push(line) });
    const index = new DocsIndex({ store, sources: { ...sources, taskExamples: join(dir.path, 'none.gz') }, log });
    await index.refresh();
    expect(index.status().state).toBe('ready');
    expect(store.taskExamplesVersion()).toBeNull();
    expect(index.search('GreetingStyle', 1)[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    expect(lines.join('\n')).not.toMatch(/task examples/);
    await index.stop();
    store = DocsStore.open(join(dir.path, 'docs.db'));
  });

  it('ends learning the word vectors when stopped, and forgets them so that the next update learns them again', async () => {
    const states: string[] = [];
    const index = new DocsIndex({ store, sources, log: quiet, onStatus: (status) => states.push(status.state) });
    await index.refresh();
    expect(store.hasMeaning()).toBeTrue();
    await writeFile(join(dir.path, 'man', 'man1', 'added.1'), '.TH ADDED 1\n.SH NAME\nadded \\- a page added later\n');
    const learn = store.learnMeaning.bind(store);
    const stopping: Promise<void>[] = [];
    spyOn(store, 'learnMeaning').and.callFake((pause) => {
      stopping.push(index.stop());
      return learn(pause);
    });
    await index.refresh();
    await Promise.all(stopping);
    expect(stopping.length).toBe(1);
    expect(states).toEqual(['indexing', 'ready', 'indexing']);
    store = DocsStore.open(join(dir.path, 'docs.db'));
    expect(store.hasMeaning()).withContext('the vectors of the pages before are forgotten').toBeFalse();
    const again = new DocsIndex({ store, sources, log: quiet });
    await again.refresh();
    expect(store.hasMeaning()).toBeTrue();
  });

  it("tells the assistant while the index is being built, and when there is nothing in it, what it can't answer", async () => {
    const live = (docs?: DocsIndex) =>
      liveMachine({
        sessionBus: {} as MessageBus,
        systemBus: () => null,
        journal: () => ({ directories: [] }) as never,
        findings: {} as FindingsStore,
        fixes: {} as FixesStore,
        docs,
      });
    await expectAsync(live().searchDocs('x', 1)).toBeRejectedWithError(/there is no documentation index/);
    const index = new DocsIndex({ store, sources, log: quiet });
    await expectAsync(live(index).searchDocs('x', 1)).toBeRejectedWithError(/still being built/);
    await index.refresh();
    expect((await live(index).searchDocs('GreetingStyle', 1))[0]?.ref).toBe('demo.conf(5)#GreetingStyle');
    expect((await live(index).readDoc('demo.conf(5)#GreetingStyle'))?.entry).toBe('GreetingStyle');
    const empty = DocsStore.open(join(dir.path, 'empty.db'));
    const nothing = new DocsIndex({
      store: empty,
      sources: { ...sources, manRoots: [], helpRoots: [], infoRoots: [], docRoots: [], nixosOptions: [] },
      log: quiet,
    });
    await nothing.refresh();
    await expectAsync(live(nothing).searchDocs('x', 1)).toBeRejectedWithError(/no documentation is installed/);
    empty.close();
  });

  it('names the languages to index from the locale, the originals left to the end', () => {
    expect(userLanguages({ LANGUAGE: 'pt_BR:en', LANG: 'de_DE.UTF-8' })).toEqual(['pt_BR', 'pt', 'de_DE', 'de']);
    expect(userLanguages({ LANG: 'C.UTF-8' })).toEqual([]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + CONDITION_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the documentation tools', () => {
  let dir: TempDir;
  let store: DocsStore;
  let machine: Machine;

  beforeEach(async () => {
    dir = await makeTempDir();
    store = DocsStore.open(join(dir.path, 'docs.db'));
    await updateIndex(store, await docsFixtureTree(dir));
    machine = {
      searchDocs: async (query: string, limit: number) => store.search(query, limit),
      readDoc: async (ref: string) => store.read(ref),
      docContents: async (title: string) => store.contents(title),
    } as Partial<Machine> as Machine;
  });

  afterEach(async () => {
    store.close();
    await dir.remove();
  });

  const context = () => ({
    machine,
    proposals: { catalog: () => [], propose: () => Promise.reject(new Error('no')) },
    signal: new AbortController().signal,
    readableRoots: [],
  });

  it('lets a scripted model check an option and answer citing the page and section it read', async () => {
    const engine = new ScriptedEngine([
      { calls: [{ name: 'search_docs', arguments: { query: 'demo.conf greeting style' } }] },
      { calls: [{ name: 'read_doc', arguments: { ref: 'demo.conf(5)#GreetingStyle' } }] },
      { text: 'Set GreetingStyle formal in /etc/demo.conf (demo.conf(5), section GreetingStyle).' },
    ]);
    const steps: ToolStepEvent[] = [];
    const outcome = await runAssistantTurn({
      engine,
      tools: [searchDocsTool, readDocTool],
      context: context(),
      history: [],
      prompt: 'How do I make the demo greet formally?',
      maxTokens: 200,
      maxToolCalls: 4,
      callbacks: { onToolStep: (step) => steps.push(step) },
    }).result;
    const [search, read] = outcome.toolCalls;
    expect(search?.result).toMatch(/^<<<DATA from search_docs\nSource: demo\.conf\(5\), section GreetingStyle/);
    expect(search?.result).toContain('(ref "demo.conf(5)#GreetingStyle")');
    expect(read?.result).toContain('The default is casual.');
    expect(outcome.text).toContain('(demo.conf(5), section GreetingStyle)');
    // The model was given the passage it cites.
    const lastRequest = engine.requests.at(-1)!;
    expect(JSON.stringify(lastRequest.turnToolCalls)).toContain('The argument must be formal, casual or none.');
    // What the user sees: the sources the answer rests on.
    const finished = steps.filter((step) => step.status === 'done').map((step) => step.description);
    expect(finished[0]).toMatch(/^read demo\.conf\(5\), section GreetingStyle; /);
    expect(finished[1]).toBe('read demo.conf(5), section GreetingStyle');
  });

  it('answers a page alone with its contents, and says when nothing matches', async () => {
    const run = (tool: typeof searchDocsTool, params: unknown) => tool.run(tool.params.parse(params), context());
    expect(await run(readDocTool, { ref: 'demo-daemon(8)' })).toBe(
      'The sections and entries of demo-daemon(8):\ndemo-daemon(8)#NAME\ndemo-daemon(8)#--listen=ADDRESS\ndemo-daemon(8)#--idle-exit=SECONDS\ndemo-daemon(8)#TABLE',
    );
    expect(await run(readDocTool, { ref: 'demo-daemon(8)#--port' })).toMatch(
      /^There is no section "--port" in demo-daemon\(8\)\. /,
    );
    expect(await run(readDocTool, { ref: 'nope(1)#NAME' })).toMatch(/^No page "nope\(1\)" is installed/);
    expect(await run(searchDocsTool, { query: 'xylophone zeppelin' })).toMatch(/^No installed documentation mentions/);
  });

  it('answer `steward docs search` and `read` from the index file, and the status line', async () => {
    let stdout = '';
    const output = { stdout: (text: string) => (stdout += text), stderr: () => undefined };
    const file = join(dir.path, 'docs.db');
    expect(await docsCommand(['search', 'greeting', 'style'], { json: false, limit: 1, file }, output)).toBe(0);
    expect(stdout).toMatch(
      /^demo\.conf\(5\), section GreetingStyle\n {2}.*casual.*\n {2}ref: demo\.conf\(5\)#GreetingStyle\n/,
    );
    stdout = '';
    expect(
      await docsCommand(['read', 'demo.conf(5)#MaxGreetings'], { json: false, limit: undefined, file }, output),
    ).toBe(0);
    expect(stdout).toContain('demo.conf(5), section MaxGreetings (');
    expect(await docsCommand(['search'], { json: false, limit: undefined, file }, output)).toBe(2);
    const missing = join(dir.path, 'none.db');
    expect(await docsCommand(['search', 'x'], { json: false, limit: undefined, file: missing }, output)).toBe(1);
    // Before the files are counted, there is nothing to count from.
    expect(docsStatusLines({ 'docs-state': 'indexing', 'docs-done': 0, 'docs-total': 0 })).toEqual([
      'Documentation: indexing, looking for the files to read',
    ]);
    expect(docsStatusLines({ 'docs-state': 'indexing', 'docs-done': 50, 'docs-total': 200 })).toEqual([
      'Documentation: indexing, 50 of 200 files read (25%)',
    ]);
    expect(docsStatusLines({ 'docs-state': 'ready', 'docs-passages': 1200, 'docs-bytes': 3 * 2 ** 20 })).toEqual([
      'Documentation: ready, 1200 passages, 3 MiB',
    ]);
    expect(docsStatusLines({})).toEqual([]);
  });

  it('say before the index exists whether it is being built and how far along, and build it when asked', async () => {
    let stdout = '';
    let stderr = '';
    const output = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text) };
    // Where the service keeps it, before the service ever ran: not even the folder is there.
    const file = join(dir.path, 'state', 'steward', 'docs.db');
    const plain = { json: false, limit: 1, file, sources: await docsFixtureTree(dir) };
    expect(await docsCommand(['search', 'greeting', 'style'], plain, output)).toBe(1);
    expect(stderr).toBe(
      'There is no documentation index yet: the service builds it in the background while it runs.\n' +
        'Build it now with “steward docs build”.\n',
    );

    stderr = '';
    const indexing = async () => ({ 'docs-state': 'indexing', 'docs-done': 120, 'docs-total': 480 });
    expect(await docsCommand(['read', 'demo.conf(5)'], { ...plain, serviceStatus: indexing }, output)).toBe(1);
    expect(stderr).toContain('The documentation index is being built by the service: 120 of 480 files read (25%).');
    // Building it beside the service would only read every file twice.
    expect(await docsCommand(['build'], { ...plain, serviceStatus: indexing }, output)).toBe(1);

    stderr = '';
    const asked: string[] = [];
    const yes = async (question: string) => asked.push(question) > 0;
    const notRunning = async () => null;
    expect(
      await docsCommand(['search', 'greeting', 'style'], { ...plain, serviceStatus: notRunning, confirm: yes }, output),
    ).toBe(0);
    expect(asked).toEqual(['Build it now? It takes a minute or two. [y/N] ']);
    expect(stderr).toContain('The documentation index is ready: ');
    expect(stdout).toMatch(/^demo\.conf\(5\), section GreetingStyle\n/);

    // Built: asked again, it answers at once.
    stdout = '';
    stderr = '';
    expect(await docsCommand(['search', 'greeting', 'style'], { ...plain, confirm: yes }, output)).toBe(0);
    expect(asked.length).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain('ref: demo.conf(5)#GreetingStyle');
  });
});
