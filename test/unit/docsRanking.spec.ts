// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A few of the retrieval benchmark's questions (test/bench/docsQuestions.ts), asked of real Debian pages
// kept as fixtures among pages that share their words: a change to the ranking that loses them fails here,
// whatever man pages this machine has installed. `npm run bench:docs` measures all of them.
import { join } from 'node:path';

import { DocsStore, queryTerms } from '../../service/src/docs/docsStore.js';
import { type DocsSources, updateIndex } from '../../service/src/docs/indexer.js';
import { type Candidate, rankCandidates } from '../../service/src/docs/manRanking.js';
import { NO_RUNNING_SYSTEM } from '../../service/src/docs/runningSystem.js';
import { readTaskExamples } from '../../service/src/docs/taskExamples.js';
import { QUESTIONS } from '../bench/docsQuestions.js';
import { answers } from '../bench/docsRetrievalJudge.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'docs-ranking');
const SOURCES: DocsSources = {
  manRoots: [join(FIXTURES, 'man')],
  infoRoots: [],
  docRoots: [],
  nixosOptions: [],
  helpRoots: [],
  languages: [],
  packageDatabases: [],
};
/** The task examples the service bundles (build/task-examples.mjs). */
const TASK_EXAMPLES = join(process.cwd(), 'service', 'data', 'task-examples.json.gz');

const ASKED = [
  'journal disk usage vacuum',
  'how much space do the journal files take',
  'show only error messages in the journal',
  'limit how much disk space the systemd journal may use',
  'keep the journal across reboots (persistent storage)',
  'restart a service automatically when it crashes',
  'list timers and when they run next',
  'flush the DNS cache',
  'forward a local port over ssh',
  'list the failed units',
  'turn on DNS over TLS',
  'list block devices with their file systems',
  'install a package without its recommended packages',
  'list all keys of a gsettings schema',
];

describe('the documentation search, on real man pages among others that share their words', () => {
  let store: DocsStore;

  beforeAll(async () => {
    store = DocsStore.inMemory();
    await updateIndex(store, SOURCES);
    // As the service does once the pages are read (docsIndex.ts): the search uses what it learned, and the
    // bundled task examples.
    await store.learnMeaning();
    store.replaceTaskExamples(await readTaskExamples(TASK_EXAMPLES));
  });

  afterAll(() => store.close());

  for (const asked of ASKED) {
    it(`ranks the answer in the first three: “${asked}”`, () => {
      const question = QUESTIONS.find((candidate) => candidate.question === asked);
      expect(question).withContext('a question of the benchmark').toBeDefined();
      const hits = store.search(asked, 3, ['']);
      expect(hits.some((hit) => question!.answers.some((answer) => answers(hit, answer))))
        .withContext(`${question!.answers.join(' or ')}; got ${hits.map((hit) => hit.ref).join(', ')}`)
        .toBeTrue();
    });
  }

  it("finds the pages whose NAME line says the question's words in other words", () => {
    const nearest = (words: string[]) => [...store.pagesNear(words)].sort((a, b) => b[1] - a[1])[0]?.[0];
    // resolvectl(1): "Resolve domain names, IPV4 and IPv6 addresses, DNS resource records, and services".
    expect(nearest(['hostname', 'lookup'])).toMatch(/^resolve/);
    // timedatectl(1): "Control the system time and date".
    expect(nearest(['clock'])).toBe('timedatectl(1)');
    expect(store.pagesNear(['xyzzy']).size).toBe(0);
  });

  it('finds the command that a task example in other words names, and the option the example uses', () => {
    // sftp(1) says "OpenSSH secure file transfer"; the words "browse" and "server" are tldr-pages' examples'.
    const asked = 'browse and transfer files on a server over ssh';
    const hits = store.search(asked, 3, ['']);
    expect(hits.map((hit) => hit.title))
      .withContext(hits.map((hit) => hit.ref).join(', '))
      .toContain('sftp(1)');
    // Only pages this index holds: tldr's own examples name hundreds of commands that are not installed.
    const named = store.examplePages(['shrink', 'journal']);
    expect([...named.keys()].every((title) => store.contents(title).length > 0)).toBeTrue();
    expect(named.get('journalctl(1)')?.options).toContain('vacuumtime');
  });

  it('finds the commands that a desktop names in its own words', () => {
    // ln(1) "make links between files", shred(1) "overwrite a file to hide its contents".
    for (const [asked, title] of [
      ['create a shortcut to a file in another folder', 'ln(1)'],
      ['wipe a file so that nobody can get it back', 'shred(1)'],
    ] as const)
      expect(store.search(asked, 3, ['']).map((hit) => hit.title))
        .withContext(asked)
        .toContain(title);
  });

  it("shows each hit's own text, where the question's words are, or its start where none is", () => {
    for (const asked of [
      'journal disk usage vacuum',
      'list the failed units',
      'browse and transfer files on a server over ssh',
    ]) {
      for (const hit of store.search(asked, 8, [''])) {
        const text = store.read(hit.ref)?.text.replace(/\s+/g, ' ') ?? '';
        const shown = hit.snippet.replace(/\s+/g, ' ').replace(/^…|…$/g, '');
        expect(shown.length).withContext(hit.ref).toBeGreaterThan(0);
        expect(text).withContext(`${asked}: ${hit.ref}`).toContain(shown);
      }
    }
  });

  it("puts journalctl's --vacuum-size first for the journal's vacuum, not PostgreSQL's VACUUM", () => {
    const [first] = store.search('journal disk usage vacuum', 3, ['']);
    expect(first?.title).toBe('journalctl(1)');
  });

  it('reads the entries of pages made with Asciidoctor, and an entry whose tag lists many names', () => {
    expect(store.contents('lsblk(8)')).toContain('-f, --fs');
    expect(store.read('journald.conf(5)#SystemMaxUse=')?.text).toContain('control how much disk space the journal');
  });

  it("reads a DocBook entry whose tag ends with an ellipsis as an entry, and not a table's format lines", () => {
    expect(store.contents('systemctl(1)')).toEqual(
      jasmine.arrayContaining(['start PATTERN...', 'enable UNIT..., enable PATH...', 'mask UNIT...', 'cat PATTERN...']),
    );
    expect(store.read('systemctl(1)#mask')?.text).toContain('Mask one or more units');
    const isEnabled = store.read('systemctl(1)#is-enabled')?.text ?? '';
    expect(isEnabled).toContain('"masked"');
    expect(isEnabled).not.toMatch(/^l [l^] [l^]/m);
  });
});

describe("a question's words", () => {
  it("leave out the common ones and a possessive's s, spell out a negation, and keep a letter that names an option", () => {
    expect(queryTerms("Get a server's host key without logging in")).toEqual([
      'get',
      'server',
      'host',
      'key',
      'without',
      'logging',
    ]);
    expect(queryTerms('the timer’s next run')).toEqual(['timer', 'next', 'run']);
    expect(queryTerms('what does ls -s print')).toEqual(['ls', 's', 'print']);
    expect(queryTerms("my laptop doesn't suspend and I can't see why")).toEqual([
      'laptop',
      'not',
      'suspend',
      'cannot',
      'see',
    ]);
    expect(queryTerms("the disk won't mount")).toEqual(['disk', 'not', 'mount']);
  });
});

describe("the ranking of a question's candidates", () => {
  const candidate = (title: string, entry: string, body: string): Candidate => ({
    title,
    heading: 'OPTIONS',
    entry,
    kind: 'man',
    body: `${entry}\n${body}`,
    bm25: -1,
  });

  it("finds a desktop's word in the word the page uses for it, below a passage that uses the word itself", () => {
    const words = ['copy', 'folder'];
    const directory = candidate('cp(1)', '-r, --recursive', 'copy directories recursively');
    const folder = candidate('demo(1)', '--tree', 'copy a folder and all it holds');
    const neither = candidate('demo(1)', '--force', 'copy over files that exist');
    const order = (list: Candidate[]) => rankCandidates(list, words, new Map()).map((hit) => hit.entry);
    expect(order([neither, directory])).toEqual(['-r, --recursive', '--force']);
    expect(order([directory, folder])).toEqual(['--tree', '-r, --recursive']);
  });

  it('ranks first the passage whose first sentences hold the words, over one that holds them further on', () => {
    const words = ['trash', 'file'];
    const later = candidate('demo(1)', 'move', `Moves files. ${'Other words. '.repeat(40)}Can use the trash.`);
    const lead = candidate('demo(1)', 'remove', 'Moves a file to the trash.');
    expect(rankCandidates([later, lead], words, new Map()).map((hit) => hit.entry)).toEqual(['remove', 'move']);
  });

  it("ranks an entry by its own name, not by its section's heading, which all the section's entries share", () => {
    const words = ['set', 'environment', 'variables', 'service'];
    const shared = {
      ...candidate('demo.exec(5)', '$PIDFILE', 'The path to the PID file of the service, set by the manager.'),
      heading: 'Environment Variables Set or Propagated by the Service Manager',
    };
    const own = candidate('demo.exec(5)', 'Environment=', 'Sets environment variables for executed processes.');
    expect(rankCandidates([shared, own], words, new Map()).map((hit) => hit.entry)).toEqual([
      'Environment=',
      '$PIDFILE',
    ]);
  });

  it('reads an option that says no to something as naming it: "nofail" names "fail"', () => {
    const words = ['not', 'fail', 'disk', 'missing'];
    const nofail = candidate('fstab(5)', 'nofail', 'do not report errors for this device if it does not exist.');
    const noauto = candidate('fstab(5)', 'noauto', 'do not mount the disk when mount -a is given.');
    expect(rankCandidates([noauto, nofail], words, new Map()).map((hit) => hit.entry)).toEqual(['nofail', 'noauto']);
  });

  it('answers a question of what to do with an option, not with a file the page lists, unless it asks for a file', () => {
    const key = candidate('ssh-keygen(1)', '~/.ssh/id_ed25519', 'Contains the ed25519 key of the user.');
    const option = candidate('ssh-keygen(1)', '-t dsa | ed25519 | rsa', 'Specifies the type of key to create.');
    const order = (words: string[]) => rankCandidates([key, option], words, new Map()).map((hit) => hit.entry);
    expect(order(['generate', 'ed25519', 'ssh', 'key'])).toEqual(['-t dsa | ed25519 | rsa', '~/.ssh/id_ed25519']);
    expect(order(['file', 'ed25519', 'ssh', 'key'])).toEqual(['~/.ssh/id_ed25519', '-t dsa | ed25519 | rsa']);
  });

  it('lifts a page near the question in meaning as much as it lacks the words, never above a page that has them', () => {
    const words = ['processor', 'details'];
    const lscpu = candidate('lscpu(1)', '-e', 'Display CPU information in a readable format.');
    const other = candidate('demo(1)', '-s', 'Print the size of a file.');
    const asked = candidate('cpuinfo(1)', '-a', 'Print details about the processor.');
    const nearness = new Map([
      ['lscpu(1)', 1],
      ['cpuinfo(1)', 0.8],
    ]);
    const order = (list: Candidate[], near: Map<string, number>) =>
      rankCandidates(list, words, new Map(), NO_RUNNING_SYSTEM, { nearness: near }).map((hit) => hit.title);
    expect(order([other, lscpu], new Map())).toEqual(['demo(1)', 'lscpu(1)']);
    expect(order([other, lscpu], nearness)).toEqual(['lscpu(1)', 'demo(1)']);
    expect(order([lscpu, asked], nearness)).toEqual(['cpuinfo(1)', 'lscpu(1)']);
  });

  it("counts a word near the question's in meaning where a page's NAME line says it, below the word itself", () => {
    const words = ['processor', 'details'];
    const summaries = new Map([
      ['lscpu(1)', 'lscpu - display information about the CPU architecture'],
      ['stat(1)', 'stat - display file or file system status'],
      ['cpuinfo(1)', 'cpuinfo - print details about the processor'],
    ]);
    const lscpu = candidate('lscpu(1)', '-e', 'Show the information in a readable format.');
    const stat = candidate('stat(1)', '-t', 'Print the information in terse form.');
    const asked = candidate('cpuinfo(1)', '-a', 'Show all of it.');
    const related = new Map([['processor', ['cpu']]]);
    const order = (list: Candidate[], meaning = {}) =>
      rankCandidates(list, words, summaries, NO_RUNNING_SYSTEM, meaning).map((hit) => hit.title);
    expect(order([stat, lscpu])).toEqual(['stat(1)', 'lscpu(1)']);
    expect(order([stat, lscpu], { related })).toEqual(['lscpu(1)', 'stat(1)']);
    expect(order([lscpu, asked], { related })).toEqual(['cpuinfo(1)', 'lscpu(1)']);
  });

  it("ranks a page of the desktop's help below a man page that says as much", () => {
    const body = 'What to do when the laptop lid is closed: suspend, hibernate or nothing.';
    const help: Candidate = {
      title: 'help:gnome-help/lid',
      heading: 'Close the lid',
      entry: null,
      kind: 'help',
      body,
      bm25: -1,
    };
    const man: Candidate = { title: 'lid(5)', heading: 'Close the lid', entry: null, kind: 'man', body, bm25: -1 };
    expect(rankCandidates([help, man], ['close', 'laptop', 'lid'], new Map()).map((hit) => hit.title)).toEqual([
      'lid(5)',
      'help:gnome-help/lid',
    ]);
  });

  it("finds journalctl's vacuum for a desktop's shrink", () => {
    const vacuum = candidate('journalctl(1)', '--vacuum-size=', 'Removes the oldest archived journal files.');
    const other = candidate('journalctl(1)', '--rotate', 'Asks the journal daemon to rotate journal files.');
    expect(rankCandidates([other, vacuum], ['shrink', 'journal'], new Map()).map((hit) => hit.entry)).toEqual([
      '--vacuum-size=',
      '--rotate',
    ]);
  });
});
