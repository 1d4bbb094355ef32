// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The documentation index: passages of man pages and documents in SQLite FTS5,
// ranked with bm25, and the files they came from with the mtime and size they
// had, so that a later scan reads again only what changed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

import Database from 'better-sqlite3';

import { openDatabase, type OpenedDatabase } from '../storage/database.js';
import { alternativesOf } from './desktopWords.js';
import { type DocKind, nameWords } from './docTerms.js';
import {
  type Candidate,
  entryNames,
  type ExampleEvidence,
  fullTag,
  pointsTo,
  rankCandidates,
  stems,
  WEIGHTS,
} from './manRanking.js';
import { NO_RUNNING_SYSTEM, type RunningSystem } from './runningSystem.js';
import { namedOptions, pageNames, type TaskExamples, withoutPlaceholders } from './taskExamples.js';
import { dot, learnWordVectors, meaningWords, WordMeaning } from './wordMeaning.js';

/** One document read from one file: a man page, a README, the NixOS options. */
export interface IndexedDocument {
  /**
   * How it is cited: "sshd_config(5)", "help:gnome-help/display-night-light", "coreutils (info)",
   * "openssh-client/README.Debian", "NixOS options".
   */
  title: string;
  /** The language of a translated man page ("de"); "" for the original. */
  lang: string;
  kind: DocKind;
  passages: { heading: string; entry: string | null; text: string }[];
}

export interface DocHit {
  /** What read_doc takes: "sshd_config(5)#AuthenticationMethods". */
  ref: string;
  title: string;
  heading: string;
  entry: string | null;
  lang: string;
  kind: DocKind;
  /** The matching words in their context. */
  snippet: string;
}

export interface DocSection {
  ref: string;
  title: string;
  heading: string;
  entry: string | null;
  lang: string;
  text: string;
  /** The file it was read from. */
  path: string;
}

export interface FileState {
  mtimeMs: number;
  size: number;
}

/** What the index recorded of a file: its state, its content's hash, and whether it was left out as a copy. */
/** What the index records of the running system: the key its meta holds it under. */
const RUNNING_SYSTEM_KEY = 'running-system';

export interface KnownFile extends FileState {
  hash: string | null;
  duplicate: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  mtime_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  content_hash TEXT,
  duplicate INTEGER NOT NULL DEFAULT 0,
  -- The package that installed the file (dpkg's or pacman's lists), null where none says.
  package TEXT
);
-- A passage's text is kept once however many pages hold it (gcloud's pages repeat the same flags, GNU's
-- the same closing sections): texts are keyed by their hash and counted by the passages that hold them.
CREATE TABLE IF NOT EXISTS texts (
  id INTEGER PRIMARY KEY,
  refs INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  title TEXT NOT NULL COLLATE NOCASE,
  heading TEXT NOT NULL,
  entry TEXT,
  words TEXT NOT NULL,
  lang TEXT NOT NULL,
  kind TEXT NOT NULL,
  text_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_file ON passages(file_id);
CREATE INDEX IF NOT EXISTS passages_title ON passages(title);
CREATE VIEW IF NOT EXISTS passage_texts AS
  SELECT p.id, p.title, p.heading, p.entry, p.words, t.body FROM passages p JOIN texts t ON t.id = p.text_id;
-- With full detail and column sizes: detail='column' halves this index (51 → 27 MB for 235,000 passages) and
-- columnsize=0 saves 3 MB, but bm25 then reads each match's text to count its words: a question of common
-- words took 1.5 s instead of 0.13 to 0.2 s with either.
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
  title, heading, entry, words, body, content='passage_texts', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS passages_added AFTER INSERT ON passages BEGIN
  INSERT INTO passages_fts(rowid, title, heading, entry, words, body)
    VALUES (new.id, new.title, new.heading, new.entry, new.words, (SELECT body FROM texts WHERE id = new.text_id));
END;
CREATE TRIGGER IF NOT EXISTS passages_removed AFTER DELETE ON passages BEGIN
  INSERT INTO passages_fts(passages_fts, rowid, title, heading, entry, words, body)
    VALUES ('delete', old.id, old.title, old.heading, old.entry, old.words,
            (SELECT body FROM texts WHERE id = old.text_id));
  UPDATE texts SET refs = refs - 1 WHERE id = old.text_id;
  DELETE FROM texts WHERE id = old.text_id AND refs = 0;
END;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * The word vectors learned from the pages (wordMeaning.ts), and the man pages' NAME lines as vectors with each
 * word's rarity among them (made with the vectors: a search would take a fifth of a second to make them): one
 * row, rewritten when the pages change. Vectors are float32, a word's or a page's after another's.
 */
const MEANING_SCHEMA = `
CREATE TABLE IF NOT EXISTS word_meaning (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  words TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vectors BLOB NOT NULL,
  -- Each word's rarity among the NAME lines (NaN for a word none of them holds), in the order of words.
  rarity BLOB NOT NULL,
  pages TEXT NOT NULL,
  page_vectors BLOB NOT NULL
);
`;

/** The learned meaning as a search uses it. */
interface Learned {
  meaning: WordMeaning;
  /** The man pages by title, their NAME lines' vectors, in the same order. */
  titles: string[];
  pageVectors: Float32Array;
  rarity: Map<string, number>;
  /** The vectors of the NAME lines' words alone: where a question's word's neighbours are looked for. */
  nameWords: WordMeaning;
}

const floats = (blob: Buffer) =>
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

/**
 * The task examples (taskExamples.ts), searched by what they do and by the page's summary; the command line's
 * words count too ("ssh", ".deb"). Filled from the bundled file, again when a new one is installed.
 */
const EXAMPLES_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS examples_fts USING fts5(
  command UNINDEXED, code UNINDEXED, summary, task, words, tokenize='porter unicode61'
);
`;
const EXAMPLES_RANK = 'bm25(examples_fts, 0, 0, 1.0, 3.0, 1.0)';
const EXAMPLES_VERSION_KEY = 'task-examples';

/** Raised when the schema or the reading of pages changes: the index is a cache of the disk, so an older one is dropped and rebuilt. */
const SCHEMA_VERSION = 7;

function prepare(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true });
  if (version !== SCHEMA_VERSION) {
    db.exec(
      'DROP TABLE IF EXISTS passages_fts; DROP VIEW IF EXISTS passage_texts; DROP TABLE IF EXISTS passages; DROP TABLE IF EXISTS texts; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS meta;',
    );
    // An older index's pages stay in the file as free pages (hundreds of MB) until the file is rewritten.
    if (version !== 0) db.exec('VACUUM');
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
  // Added to indexes of this version as it is: their pages need not be read again for it.
  db.exec(MEANING_SCHEMA);
  db.exec(EXAMPLES_SCHEMA);
}

/** A name in the title weighs most, then an entry's tag (an option's name) and its words, the heading, the text. */
const RANK = 'bm25(passages_fts, 10.0, 2.0, 6.0, 4.0, 1.0)';
const BODY_COLUMN = 4;
/**
 * READMEs and NEWS rank below reference pages that match alike (bm25 is negative, lower is better): a NEWS
 * file mentions every option once, when it changed, and the page says what it does now.
 */
const DOC_WEIGHT = 0.5;
/** Library calls (2, 3) rank below commands, files and concepts: a desktop's questions are seldom about them. */
const LIBRARY_WEIGHT = 0.6;
const WEIGHT = `(CASE WHEN p.kind = 'doc' THEN ${DOC_WEIGHT} WHEN p.title GLOB '*([23]*)' THEN ${LIBRARY_WEIGHT} ELSE 1 END)`;
const SNIPPET_WORDS = 40;
/** The first `count` words of `text`, with an ellipsis where it goes on. */
function leadingWords(text: string, count: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.length > count ? `${words.slice(0, count).join(' ')}…` : words.join(' ');
}

/** Words of a query past this many are ignored: a question, not a document, is expected. */
const MAX_QUERY_WORDS = 12;

/** Of a man page's NAME line, what goes with each of its passages: "journalctl - Print log entries from the systemd journal". */
const SUMMARY_CHARS = 200;

/** A text's key: the first 64 bits of its SHA-256, which two of a million passages share once in 10^7 indexes. */
function textKey(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigInt64BE(0);
}

export const refOf = (title: string, entry: string | null, heading: string): string => `${title}#${entry ?? heading}`;

// Words of a question that every page has: they slow a search down and rank nothing.
export const STOPWORDS = new Set(
  'a am an and are as at be been by can could do does for from has have how i in is it its me my of on or our own should so that the their them there they this to us want was we were what when where which who why will with would you your'.split(
    ' ',
  ),
);

/**
 * A question's possessives and negations as the pages write them: "a server's host key" without an "s" that
 * matched one passage in eight, "doesn't" as "does not" rather than "doesn" and a "t" in one of fourteen.
 */
const spelledOut = (query: string) =>
  query
    .replace(/\bcan['’]t\b/g, 'cannot')
    .replace(/\bwon['’]t\b/g, 'will not')
    .replace(/n['’]t\b/g, ' not')
    .replace(/['’]s\b/g, '');

/** The query's words, lower case, common words dropped (unless that leaves none), at most MAX_QUERY_WORDS. */
export function queryTerms(query: string): string[] {
  const words = [...new Set(spelledOut(query.toLowerCase()).match(/[\p{L}\p{N}]+/gu) ?? [])];
  const meaningful = words.filter((word) => !STOPWORDS.has(word));
  return (meaningful.length > 0 ? meaningful : words).slice(0, MAX_QUERY_WORDS);
}

/** Words as FTS5 strings, each quoted so that no word is read as FTS5 syntax. */
const quoted = (words: readonly string[]) => words.map((word) => `"${word}"`);

/**
 * FTS5 for all of `words`, or for two neighbours written as one name ("identity file" as IdentityFile),
 * which then also ranks higher.
 */
function allOrJoined(words: readonly string[]): string {
  const names = quoted(words.slice(1).map((word, index) => `${words[index]}${word}`));
  const all = quoted(words).join(' AND ');
  return names.length > 0 ? `(${all}) OR ${names.join(' OR ')}` : all;
}

/** Two neighbours written as one name ("time zone" as timezone, "identity file" as IdentityFile), quoted. */
const joinedNames = (words: readonly string[]) => quoted(words.slice(1).map((word, index) => `${words[index]}${word}`));

/**
 * A word in more than this share of the passages ("option", "file", "set") is left out of the query for the
 * passages whose names hold the question's words: BM25 scored every passage that held any, most of them for
 * a common word that names nothing. Left out of the first query too, it cost a fifth of passage recall@3.
 */
const COMMON_SHARE = 0.02;
/**
 * The first query scores only the passages that hold a word in at most this share of them, where the question
 * has one, and keeps every word's part of their scores: 2 and 3 % moved the benchmark's sets both ways, 5 %
 * none, and halves the query's time on questions of common words.
 */
const FIRST_QUERY_SHARE = 0.05;

/**
 * The word vectors (wordMeaning.ts): how wide, learned from how much of each passage's start (its first
 * sentences, what it is about); how many of the pages nearest a question in meaning count (the nearest 1, the
 * last 0); and how many words of the NAME lines, how near at least, a question's word brings along. Chosen on
 * the retrieval benchmark; mutable for its --meaning.
 */
export const MEANING = { dims: 100, lead: 300, span: 50, neighbours: 8, least: 0.5 };

/** Passages read at once to learn from. */
const LEARN_BATCH = 5000;

/** Passages BM25 ranks best that are ordered again by what knows man pages. */
const CANDIDATES = 150;
const NAME_CANDIDATES = 100;

/**
 * Of the task examples that match a question best, how many are read; how many of the man pages they name
 * count; of a page's examples, how many name its options. Chosen on the retrieval benchmark (--examples).
 */
export const EXAMPLES = { rows: 100, pages: 5, optionRows: 3 };

/** Of the candidates that point to other pages' entries, how many are followed. */
const POINTERS_FOLLOWED = 12;
const POINTER_TARGETS = 8;

/** Rows asked for when searching the page a question names, before the other pages' rows are left out. */
const PAGE_ROWS = 200;

// How page names join words: git-config, ssh_config, systemd.service, dpkg-query.
const NAME_JOINS = ['-', '_', '.', ''];

/**
 * The rankings the benchmark compares: BM25 alone as it was, with what knows man pages, and with those
 * preferring the packages of the running system's commands and units that the question names (the search's own).
 */
export const RANKINGS = {
  bm25: 'BM25',
  man: 'BM25 + man-page signals',
  system: '+ running system',
} as const;
export type Ranking = keyof typeof RANKINGS;

interface HitRow {
  title: string;
  heading: string;
  entry: string | null;
  lang: string;
  kind: DocKind;
  snippet: string;
}

/**
 * Collects hits in order, each passage once. A page translated into the user's language is read in it:
 * among the passages that match alike, the other languages' passages of that page go.
 */
function collector<H extends { title: string; heading: string; entry: string | null; lang: string }>(
  languages: readonly string[],
) {
  const rank = (lang: string) => (languages.includes(lang) ? languages.indexOf(lang) : languages.length);
  const seen = new Set<string>();
  const hits: (H & { ref: string })[] = [];
  const take = (rows: H[]) => {
    const best = new Map<string, number>();
    for (const row of rows) best.set(row.title, Math.min(best.get(row.title) ?? Infinity, rank(row.lang)));
    for (const row of rows) {
      const ref = refOf(row.title, row.entry, row.heading);
      if (seen.has(ref) || rank(row.lang) > (best.get(row.title) ?? 0)) continue;
      seen.add(ref);
      hits.push({ ref, ...row });
    }
  };
  return { hits, take };
}

export class DocsStore {
  readonly setAside: string | null;
  /** Read from the meta table once: every search uses it. */
  private running: RunningSystem | null = null;
  /** A search's statements, prepared once: preparing them took a tenth of a search's time. */
  private readonly statements = new Map<string, Database.Statement>();
  /** How many passages hold each word asked for, and how many there are: forgotten when a file changes. */
  private readonly frequencies = new Map<string, number>();
  private passageCount: number | null = null;
  /** The learned word vectors, read once; null where none were learned, undefined before they are read. */
  private learned: Learned | null | undefined = undefined;

  private constructor(
    readonly db: Database.Database,
    opened?: OpenedDatabase,
  ) {
    this.setAside = opened?.setAside ?? null;
  }

  /** The index in `file` (made private to the user, set aside and started afresh when damaged). */
  static open(file: string): DocsStore {
    const opened = openDatabase(file, prepare);
    return new DocsStore(opened.db, opened);
  }

  /** The index in `file` for reading alone (the command line), or null when there is none yet. */
  static openReadOnly(file: string): DocsStore | null {
    // better-sqlite3 says "the directory does not exist" with a TypeError of its own.
    if (!existsSync(file)) return null;
    try {
      return new DocsStore(new Database(file, { readonly: true, fileMustExist: true }));
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CANTOPEN') return null;
      throw error;
    }
  }

  /**
   * The index in `file`, which the service opened (and so checked and set up) already, for the update that
   * writes it in a child process (indexerProcess.ts).
   */
  static openForUpdate(file: string): DocsStore {
    const db = new Database(file, { fileMustExist: true });
    db.pragma('synchronous = NORMAL');
    return new DocsStore(db);
  }

  /** An index in memory: for a scenario's recorded documents and for tests. */
  static inMemory(): DocsStore {
    const db = new Database(':memory:');
    prepare(db);
    return new DocsStore(db);
  }

  fileStates(): Map<string, KnownFile> {
    const rows = this.db
      .prepare('SELECT path, mtime_ms AS mtimeMs, size, content_hash AS hash, duplicate FROM files')
      .all() as ({ path: string; duplicate: number } & Omit<KnownFile, 'duplicate'>)[];
    return new Map(rows.map(({ path, duplicate, ...state }) => [path, { ...state, duplicate: duplicate === 1 }]));
  }

  /**
   * Replaces what `path` said with `documents` (none for a file that holds nothing to index, or that is a
   * `duplicate` of a file indexed already: then only its content's `hash` is kept, to index it when that goes).
   */
  replaceFile(
    path: string,
    state: FileState,
    documents: readonly IndexedDocument[],
    content: { hash: string | null; duplicate: boolean; package?: string | null } = { hash: null, duplicate: false },
  ): void {
    this.removeFile(path);
    const { lastInsertRowid: fileId } = this.db
      .prepare('INSERT INTO files (path, mtime_ms, size, content_hash, duplicate, package) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        path,
        Math.round(state.mtimeMs),
        state.size,
        content.hash,
        content.duplicate ? 1 : 0,
        content.package ?? null,
      );
    if (content.duplicate) return;
    const keepText = this.db.prepare(
      'INSERT INTO texts (id, refs, body) VALUES (?, 1, ?) ON CONFLICT(id) DO UPDATE SET refs = refs + 1',
    );
    const insert = this.db.prepare(
      'INSERT INTO passages (file_id, title, heading, entry, words, lang, kind, text_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const { title, lang, kind, passages } of documents) {
      // A man page's NAME line, a help page's title and description, say what the page is about, for each of its passages.
      const summary = kind === 'man' || kind === 'help' ? (passages[0]?.text.slice(0, SUMMARY_CHARS) ?? '') : '';
      for (const { heading, entry, text } of passages) {
        const textId = textKey(text);
        keepText.run(textId, text);
        const words = `${nameWords(fullTag(entry, text))} ${summary}`.trim();
        insert.run(fileId, title, heading, entry, words, lang, kind, textId);
      }
    }
  }

  removeFile(path: string): void {
    this.frequencies.clear();
    this.passageCount = null;
    const file = this.db.prepare('SELECT id FROM files WHERE path = ?').get(path) as { id: number } | undefined;
    if (!file) return;
    this.db.prepare('DELETE FROM passages WHERE file_id = ?').run(file.id);
    this.db.prepare('DELETE FROM files WHERE id = ?').run(file.id);
  }

  /** Runs `work` in one transaction: a batch of files is written at once, far faster than file by file. */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }

  /**
   * The best passages for `query`. Of a page in several languages, only the first of `languages` that has it
   * is searched ("" is the original). `ranking` is for the benchmark, which compares them.
   */
  search(query: string, limit: number, languages: readonly string[] = [], ranking: Ranking = 'system'): DocHit[] {
    const words = queryTerms(query);
    if (words.length === 0) return [];
    if (ranking === 'bm25') return this.searchBm25(words, limit, languages);
    return this.searchRanked(words, limit, languages, ranking === 'system' ? this.runningSystem() : NO_RUNNING_SYSTEM);
  }

  /** The best of rankedCandidates, each passage once, a page in the first of `languages` that has it. */
  private searchRanked(words: string[], limit: number, languages: readonly string[], system: RunningSystem): DocHit[] {
    const { ordered, expression } = this.rankedCandidates(words, system);
    if (ordered === null) return this.searchBm25(words, limit, languages);
    // Passages that hold all the words match alike, and so do those that hold some: a page's other languages
    // go among each, as in searchBm25.
    const rank = (lang: string) => (languages.includes(lang) ? languages.indexOf(lang) : languages.length);
    const best = new Map<string, number>();
    const alike = (row: (typeof ordered)[number]) => `${row.complete}\n${row.title}`;
    for (const row of ordered) best.set(alike(row), Math.min(best.get(alike(row)) ?? Infinity, rank(row.lang)));
    const { hits, take } = collector<Omit<HitRow, 'snippet'> & { id: number; body: string }>([]);
    take(
      ordered
        .filter((row) => rank(row.lang) <= (best.get(alike(row)) ?? 0))
        .map(({ id, title, heading, entry, lang, kind, body }) => ({ id, title, heading, entry, lang, kind, body })),
    );
    // The rowid as an integer: SQLite 3.53's FTS5 answered `rowid = 146202.0` (a JavaScript number is bound as
    // a real) with the first matching row, whatever its rowid, so that every hit showed another page's text.
    const snippet = this.statement(
      `SELECT snippet(passages_fts, ${BODY_COLUMN}, '', '', '…', ${SNIPPET_WORDS}) AS snippet
         FROM passages_fts WHERE passages_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
    );
    return hits.slice(0, limit).map(({ id, body, ...hit }) => ({
      ...hit,
      // A passage that none of the words matches (an entry a task example names) shows how it starts.
      snippet:
        (snippet.get(expression, id) as { snippet: string } | undefined)?.snippet ?? leadingWords(body, SNIPPET_WORDS),
    }));
  }

  /**
   * The passages with any of the words, as many as BM25 ranks best, and those of the page the question
   * names, ordered by what the page says about itself (manRanking.ts); null for a question that only names a page.
   */
  rankedCandidates(words: string[], system: RunningSystem = this.runningSystem()) {
    const alternatives = words.flatMap((word) => alternativesOf(word)).filter((word) => !words.includes(word));
    const terms = [...quoted([...words, ...alternatives]), ...joinedNames(words)];
    const expression = terms.join(' OR ');
    const rows = this.candidates(expression, CANDIDATES, this.rarerTerms(terms));
    // Passages whose entry or heading names the question's words (--vacuum-size=, PasswordAuthentication),
    // which a long passage of common words can push out of BM25's first rows. Its common words are left out:
    // a page's summary in `words` holds them, and this query scored a quarter of the index for "file".
    const known = new Set(rows.map((row) => row.id));
    const nameTerms = [...quoted(this.withoutCommon([...words, ...alternatives])), ...joinedNames(words)].join(' OR ');
    for (const row of this.candidates(`{title heading entry words} : (${nameTerms})`, NAME_CANDIDATES))
      if (!known.has(row.id) && known.add(row.id)) rows.push(row);
    const named = this.pageNamed(words);
    if (named) {
      const rest = words.filter((word) => !named.words.includes(word));
      const onPage = `title : (${quoted(named.words).join(' AND ')})`;
      // A page's name alone asks for the page: its passages in its order, NAME first.
      if (rest.length === 0) return { ordered: null, expression };
      const found = this.candidates(`${onPage} AND (${quoted(rest).join(' OR ')})`, CANDIDATES);
      rows.push(...found.filter((row) => named.titles.includes(row.title) && !known.has(row.id) && known.add(row.id)));
    }
    // An index page's entry names the pages that say what it is (systemd.directives(7): "HandleLidSwitch=" is
    // in logind.conf(5)): the entry of that name on those pages is a candidate as the index's entry was.
    for (const row of this.followPointers(rows)) if (!known.has(row.id) && known.add(row.id)) rows.push(row);
    const examples = this.examplePages(words);
    for (const row of this.exampleCandidates(examples)) if (!known.has(row.id) && known.add(row.id)) rows.push(row);
    const summaries = this.summaries(rows.map((row) => row.title));
    const ordered = rankCandidates(rows, words, summaries, system, {
      nearness: this.pagesNear(words),
      related: this.relatedWords(words),
      examples,
    });
    return { ordered, expression };
  }

  /**
   * Learns the words' vectors (wordMeaning.ts) from the first sentences of every man page's passages in the
   * pages' own language, and keeps them: what a passage is about stands at its start, the rest holds words by
   * chance. They are compared with man pages' NAME lines; GNOME Help's pages, learned with them, moved three of
   * the benchmark's tuning questions out of the first three.
   */
  async learnMeaning(pause?: () => Promise<void>): Promise<void> {
    // Read a batch at a time, each by its own query: a search may come between two batches, which a query left
    // open across them would refuse ("connection is busy").
    const batch = this.db.prepare(
      `SELECT p.id, substr(t.body, 1, ${MEANING.lead}) AS text FROM passages p JOIN texts t ON t.id = p.text_id
        WHERE p.lang = '' AND p.kind = 'man' AND p.id > ? ORDER BY p.id LIMIT ${LEARN_BATCH}`,
    );
    const texts = function* () {
      let after = 0;
      for (;;) {
        const rows = batch.all(after) as { id: number; text: string }[];
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.id ?? after;
        for (const row of rows) yield row.text;
      }
    };
    const learned = await learnWordVectors(texts, {
      stopwords: STOPWORDS,
      dims: MEANING.dims,
      ...(pause && { pause }),
    });
    const { titles, pageVectors, rarity } = this.namesMeaning(new WordMeaning(learned));
    const rarities = Float32Array.from(learned.words, (word) => rarity.get(word) ?? Number.NaN);
    this.db
      .prepare(
        `INSERT OR REPLACE INTO word_meaning (id, words, dims, vectors, rarity, pages, page_vectors)
         VALUES (1, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        learned.words.join('\n'),
        learned.dims,
        Buffer.from(learned.vectors.buffer),
        Buffer.from(rarities.buffer),
        titles.join('\n'),
        Buffer.from(pageVectors.buffer),
      );
    this.learned = undefined;
  }

  /** Which snapshot of the task examples the index holds; null before any. */
  taskExamplesVersion(): string | null {
    return this.meta(EXAMPLES_VERSION_KEY);
  }

  /** Replaces the task examples with `examples`. */
  replaceTaskExamples({ version, examples }: TaskExamples): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM examples_fts').run();
      const insert = this.db.prepare(
        'INSERT INTO examples_fts (command, code, summary, task, words) VALUES (?, ?, ?, ?, ?)',
      );
      for (const { command, summary, task, code } of examples)
        insert.run(command, code, summary, task, withoutPlaceholders(code));
      this.setMeta(EXAMPLES_VERSION_KEY, version);
    });
  }

  /**
   * The man pages that the task examples best matching the question are about, by title, the first weighing
   * most, with the options and subcommands those examples use: "make a script executable" finds chmod's "give
   * the user who owns a file the right to execute it" (`chmod u+x`), so chmod(1). Only pages this index holds.
   */
  examplePages(words: readonly string[]): ExampleEvidence {
    const evidence: ExampleEvidence = new Map();
    const rows = this.statement(
      `SELECT command, code, ${EXAMPLES_RANK} AS bm25 FROM examples_fts WHERE examples_fts MATCH ? ORDER BY bm25 LIMIT ?`,
    ).all(quoted(words).join(' OR '), EXAMPLES.rows) as { command: string; code: string; bm25: number }[];
    const best = rows[0]?.bm25 ?? 0;
    const titles = new Map<string, string | null>();
    const titleOf = (name: string) => {
      if (!titles.has(name)) titles.set(name, this.commandPage(name));
      return titles.get(name) ?? null;
    };
    const uses = new Map<string, number>();
    for (const { command, code, bm25 } of rows) {
      const title = pageNames(command, code)
        .map(titleOf)
        .find((found) => found !== null);
      if (!title) continue;
      let page = evidence.get(title);
      if (!page) {
        // Each page the examples name, and its options, come from its best examples, which come first.
        if (evidence.size === EXAMPLES.pages) {
          if ([...uses.values()].every((used) => used >= EXAMPLES.optionRows)) break;
          continue;
        }
        // bm25 is negative: the best example's page counts 1, another as much as its best example matches.
        evidence.set(title, (page = { weight: bm25 / best, options: new Set() }));
      }
      const used = uses.get(title) ?? 0;
      if (used >= EXAMPLES.optionRows) continue;
      uses.set(title, used + 1);
      for (const option of namedOptions(code)) page.options.add(option);
    }
    return evidence;
  }

  /**
   * The man page of a command: section 1 or 8, a suite's own (1ssl) after the system's; none where the name is
   * only another thing's (make(3erl), Erlang's module, is not the command make).
   */
  private commandPage(command: string): string | null {
    const rows = this.statement(
      `SELECT DISTINCT title FROM passages WHERE title >= ? AND title < ? AND kind = 'man' AND lang = '' LIMIT 8`,
    ).all(`${command}(`, `${command}(\uffff`) as { title: string }[];
    const titles = rows.map((row) => row.title);
    return titles.find((title) => /\([18]\)$/.test(title)) ?? titles.find((title) => /\([18]/.test(title)) ?? null;
  }

  /** The NAME passage of each page the examples name, and its entries for the options they use. */
  private exampleCandidates(examples: ExampleEvidence): (Candidate & { id: number; lang: string })[] {
    // The entries' names first, the texts only of those kept: systemctl(1) has 200 entries.
    const entries = this.statement(`SELECT id, entry FROM passages WHERE title = ? AND lang = '' ORDER BY id`);
    const passage = this.statement(
      `SELECT p.id, p.title, p.heading, p.entry, p.lang, p.kind, t.body, 0 AS bm25, f.package
         FROM passages p JOIN texts t ON t.id = p.text_id JOIN files f ON f.id = p.file_id WHERE p.id = ?`,
    );
    return [...examples].flatMap(([title, { options }]) =>
      (entries.all(title) as { id: number; entry: string | null }[])
        .filter((row, at) => at === 0 || entryNames(row.entry).some((name) => options.has(name)))
        .map((row) => passage.get(row.id) as Candidate & { id: number; lang: string }),
    );
  }

  /** Forgets what was read of the index once and kept: another connection wrote it since. */
  forgetCached(): void {
    this.learned = undefined;
    this.running = null;
    this.frequencies.clear();
    this.passageCount = null;
  }

  /** Drops the learned meaning: the search goes on without it until it is learned again. */
  forgetMeaning(): void {
    if (this.hasMeaning()) this.db.prepare('DELETE FROM word_meaning').run();
    this.learned = undefined;
  }

  /** Whether the index holds word vectors learned since its pages last changed. */
  hasMeaning(): boolean {
    return this.meaningRow() !== undefined;
  }

  /** The learned meaning's row; none in an index made before there was any (opened to read alone, it has no table). */
  private meaningRow() {
    const table = this.statement(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'word_meaning'`).get();
    if (table === undefined) return undefined;
    return this.statement(
      'SELECT words, dims, vectors, rarity, pages, page_vectors FROM word_meaning WHERE id = 1',
    ).get() as
      { words: string; dims: number; vectors: Buffer; rarity: Buffer; pages: string; page_vectors: Buffer } | undefined;
  }

  /** The learned meaning; null where the index has none (being built, or too few pages to learn from). */
  meaning(): Learned | null {
    if (this.learned === undefined) {
      const row = this.meaningRow();
      if (row === undefined || row.dims === 0) this.learned = null;
      else {
        const words = row.words.split('\n');
        const meaning = new WordMeaning({ words, dims: row.dims, vectors: floats(row.vectors) });
        const rarities = floats(row.rarity);
        const rarity = new Map(
          words.flatMap((word, at): [string, number][] =>
            Number.isNaN(rarities[at]) ? [] : [[word, rarities[at] ?? 0]],
          ),
        );
        this.learned = {
          meaning,
          titles: row.pages === '' ? [] : row.pages.split('\n'),
          pageVectors: floats(row.page_vectors),
          rarity,
          nameWords: meaning.subset(rarity.keys()),
        };
      }
    }
    return this.learned;
  }

  /**
   * For each of the question's words, the words of the man pages' NAME lines nearest it in meaning, other than
   * the question's own: "processor" finds "cpu" (lscpu(1): "display information about the CPU architecture").
   */
  private relatedWords(words: readonly string[]): Map<string, string[]> {
    const related = new Map<string, string[]>();
    const learned = MEANING.neighbours > 0 ? this.meaning() : null;
    if (learned === null) return related;
    const own = new Set(stems(words));
    for (const word of words) {
      const near = learned.meaning
        .nearest(word, MEANING.neighbours + 4, MEANING.least, learned.nameWords)
        .map((found) => found.word)
        .filter((found) => !words.includes(found) && !own.has(stems([found])[0] ?? ''))
        .slice(0, MEANING.neighbours);
      if (near.length > 0) related.set(word, near);
    }
    return related;
  }

  /** The man pages' NAME lines as vectors of `meaning`, each word weighted by its rarity among them. */
  private namesMeaning(meaning: WordMeaning) {
    const rows = this.statement(
      `SELECT p.title, t.body FROM passages p JOIN texts t ON t.id = p.text_id
        WHERE p.id IN (SELECT min(id) FROM passages WHERE kind = 'man' AND lang = '' GROUP BY title)`,
    ).all() as { title: string; body: string }[];
    const lines = rows.map((row) => meaningWords(row.body.slice(0, SUMMARY_CHARS), STOPWORDS));
    const counts = new Map<string, number>();
    for (const words of lines) for (const word of new Set(words)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const rarity = new Map([...counts].map(([word, count]) => [word, Math.log((rows.length + 1) / count)]));
    const weight = (word: string) => rarity.get(word) ?? Math.log(rows.length + 1);
    const titles: string[] = [];
    const vectors: Float32Array[] = [];
    rows.forEach((row, at) => {
      const vector = meaning.textVector(lines[at] ?? [], weight);
      if (vector === null) return;
      titles.push(row.title);
      vectors.push(vector);
    });
    const pageVectors = new Float32Array(vectors.length * meaning.learned.dims);
    vectors.forEach((vector, at) => pageVectors.set(vector, at * meaning.learned.dims));
    return { titles, pageVectors, rarity };
  }

  /** How near each man page's NAME line is to the question's words, by title (cosine of their vectors). */
  pagesNear(words: readonly string[]): Map<string, number> {
    const learned = WEIGHTS.meaning !== 0 ? this.meaning() : null;
    if (learned === null) return new Map();
    const { meaning, titles, pageVectors: vectors, rarity } = learned;
    const question = meaning.textVector(words, (word) => rarity.get(word) ?? Math.log(titles.length + 1));
    if (question === null) return new Map();
    const dims = meaning.learned.dims;
    const cosines = Float64Array.from(titles, (_title, at) => dot(question, 0, vectors, at * dims, dims));
    // Cosines are near one another for most questions: the nearest page counts 1, the MEANING.span-th 0. A
    // typed array sorts numbers in a third of the time a comparator takes.
    const sorted = cosines.slice().sort();
    const top = sorted[sorted.length - 1] ?? 0;
    const floor = sorted[sorted.length - Math.min(MEANING.span, sorted.length)] ?? 0;
    const near = new Map<string, number>();
    if (top <= floor) return near;
    titles.forEach((title, at) => {
      if ((cosines[at] ?? 0) > floor) near.set(title, ((cosines[at] ?? 0) - floor) / (top - floor));
    });
    return near;
  }

  /** How many passages hold `term` (an FTS5 string), counted once per index. */
  private frequency(term: string): number {
    let count = this.frequencies.get(term);
    if (count === undefined) {
      const holding = this.statement('SELECT count(*) AS n FROM passages_fts WHERE passages_fts MATCH ?');
      this.frequencies.set(term, (count = (holding.get(term) as { n: number }).n));
    }
    return count;
  }

  private isCommon(term: string, share = COMMON_SHARE): boolean {
    this.passageCount ??= (this.statement('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
    return this.frequency(term) > share * this.passageCount;
  }

  /** `words` without those in more than COMMON_SHARE of the passages; the rarest of them always stays. */
  private withoutCommon(words: readonly string[]): string[] {
    const rarest = Math.min(...words.map((word) => this.frequency(`"${word}"`)));
    return words.filter((word) => !this.isCommon(`"${word}"`) || this.frequency(`"${word}"`) <= rarest);
  }

  /**
   * FTS5 for the passages that hold one of `terms` in at most FIRST_QUERY_SHARE of the passages; null where
   * all or none are. bm25 is reckoned per row, and most of a first query's rows hold only words like "file"
   * (a quarter of the passages) or "not", which rank them low.
   */
  private rarerTerms(terms: readonly string[]): string | null {
    const rarer = terms.filter((term) => !this.isCommon(term, FIRST_QUERY_SHARE));
    return rarer.length === 0 || rarer.length === terms.length ? null : rarer.join(' OR ');
  }

  /**
   * The passages that match `expression` (and `within`, where given), BM25's best first, with their text and
   * their file's package. `within` only narrows the rows: their scores are those `expression` gives.
   */
  private candidates(
    expression: string,
    limit: number,
    within: string | null = null,
  ): (Candidate & { id: number; lang: string })[] {
    // The unary + keeps SQLite from handing the rowids to FTS5 one query each: they only filter its rows.
    const narrowed = within === null ? '' : 'AND +rowid IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?)';
    const found = this.statement(
      `SELECT p.id, p.title, p.heading, p.entry, p.lang, p.kind, t.body, m.score AS bm25, f.package
           FROM (SELECT rowid, ${RANK} AS score FROM passages_fts WHERE passages_fts MATCH ? ${narrowed}
                  ORDER BY score LIMIT ?) m
           JOIN passages p ON p.id = m.rowid JOIN texts t ON t.id = p.text_id JOIN files f ON f.id = p.file_id`,
    ).all(...[expression, within, limit].filter((value) => value !== null)) as (Candidate & {
      id: number;
      lang: string;
    })[];
    // Fewer than asked for: the rest are passages that hold common words only.
    return within !== null && found.length < limit ? this.candidates(expression, limit) : found;
  }

  /** The entries that the best of `rows` that point elsewhere (pointsTo) name, each with its pointer's bm25. */
  private followPointers(rows: readonly (Candidate & { id: number; lang: string })[]) {
    const entry = this.statement(
      `SELECT p.id, p.title, p.heading, p.entry, p.lang, p.kind, t.body, f.package
         FROM passages p JOIN texts t ON t.id = p.text_id JOIN files f ON f.id = p.file_id
        WHERE p.title = ? AND p.entry IS NOT NULL
          AND instr(substr(t.body, 1, instr(t.body || char(10), char(10))), ?) > 0
        ORDER BY p.id LIMIT 2`,
    );
    const pointers = rows
      .map((row) => ({ row, targets: pointsTo(row) }))
      .filter(({ targets }) => targets.length > 0)
      .sort((a, b) => a.row.bm25 - b.row.bm25)
      .slice(0, POINTERS_FOLLOWED);
    return pointers.flatMap(({ row, targets }) =>
      // libsystemd's entry names 150 pages: the first few are followed.
      targets.slice(0, POINTER_TARGETS).flatMap((title) =>
        (entry.all(title, row.entry) as Omit<Candidate & { id: number; lang: string }, 'bm25'>[]).map((found) => ({
          ...found,
          bm25: row.bm25,
        })),
      ),
    );
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  /** Each page's first passage (its NAME line), by title. */
  private summaries(titles: readonly string[]): Map<string, string> {
    const distinct = [...new Set(titles)];
    if (distinct.length === 0) return new Map();
    const rows = this.statement(
      `SELECT p.title, t.body FROM passages p JOIN texts t ON t.id = p.text_id
          WHERE p.id IN (SELECT min(id) FROM passages WHERE title IN (${distinct.map(() => '?').join(', ')}) GROUP BY title)`,
    ).all(...distinct) as { title: string; body: string }[];
    return new Map(rows.map((row) => [row.title, row.body]));
  }

  /** BM25 alone, as the search was before it knew man pages: kept for the benchmark's comparison. */
  private searchBm25(words: string[], limit: number, languages: readonly string[]): DocHit[] {
    const { hits, take } = collector<HitRow>(languages);
    // A question that names a page ("grep recursive", "git config email") is about that page first.
    const named = this.pageNamed(words);
    if (named) {
      const rest = words.filter((word) => !named.words.includes(word));
      const onPage = `title : (${quoted(named.words).join(' AND ')})`;
      const inPage = (rows: HitRow[]) => rows.filter((row) => named.titles.includes(row.title));
      // Other pages share the name's words ("man" is in man-pages(7)): more rows are asked for, then filtered.
      const rows = PAGE_ROWS;
      if (rest.length > 0) {
        take(inPage(this.matches(`${onPage} AND (${allOrJoined(rest)})`, rows)));
        if (hits.length < limit) take(inPage(this.matches(`${onPage} AND (${quoted(rest).join(' OR ')})`, rows)));
      } else take(inPage(this.matches(onPage, rows, 'p.id')));
      hits.splice(limit);
    }
    if (hits.length < limit) take(this.matches(allOrJoined(words), limit * 2));
    if (hits.length < limit && words.length > 1) take(this.matches(quoted(words).join(' OR '), limit * 2));
    return hits.slice(0, limit);
  }

  private matches(expression: string, limit: number, order = `${RANK} * ${WEIGHT}`): HitRow[] {
    return this.db
      .prepare(
        `SELECT p.title, p.heading, p.entry, p.lang, p.kind,
                snippet(passages_fts, ${BODY_COLUMN}, '', '', '…', ${SNIPPET_WORDS}) AS snippet
           FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
          WHERE passages_fts MATCH ? ORDER BY ${order} LIMIT ?`,
      )
      .all(expression, limit) as HitRow[];
  }

  /**
   * The installed page that the most neighbouring words of the query name, joined as page names join them
   * ("git config" is git-config(1)), with those words; null when the query names none.
   */
  private pageNamed(words: readonly string[]): { titles: string[]; words: string[] } | null {
    const titles = this.statement('SELECT DISTINCT title FROM passages WHERE title >= ? AND title < ? LIMIT 20');
    for (let span = Math.min(3, words.length); span >= 1; span--) {
      for (let start = 0; start + span <= words.length; start++) {
        const part = words.slice(start, start + span);
        for (const join of span === 1 ? [''] : NAME_JOINS) {
          const name = part.join(join);
          // Man pages are "name(section)", info manuals "name (info)".
          const found = [
            ...(titles.all(`${name}(`, `${name})`) as { title: string }[]),
            ...(titles.all(`${name} (`, `${name} )`) as { title: string }[]),
          ].map((row) => row.title);
          // The name's words as the index splits them: "ssh_config" is "ssh" and "config".
          if (found.length > 0) return { titles: found, words: name.match(/[\p{L}\p{N}]+/gu) ?? [] };
        }
      }
    }
    return null;
  }

  /**
   * The section `ref` names ("ls(1)#--all", "sshd_config(5)#AuthenticationMethods", "ls(1)#DESCRIPTION"),
   * matched without regard to case, an entry's tag also by its start ("ProtectHome" finds "ProtectHome=");
   * null when there is none.
   */
  read(ref: string, languages: readonly string[] = []): DocSection | null {
    const cut = ref.indexOf('#');
    const title = (cut === -1 ? ref : ref.slice(0, cut)).trim();
    const section = cut === -1 ? '' : ref.slice(cut + 1).trim();
    const rows = this.db
      .prepare(
        `SELECT p.title, p.heading, p.entry, p.lang, t.body AS text, f.path
           FROM passages p JOIN files f ON f.id = p.file_id JOIN texts t ON t.id = p.text_id
          WHERE p.title = ? COLLATE NOCASE ORDER BY p.id`,
      )
      .all(title) as Omit<DocSection, 'ref'>[];
    if (rows.length === 0) return null;
    const wanted = section.toLowerCase();
    const exact = (row: Omit<DocSection, 'ref'>) =>
      wanted === '' ? row.entry === null : (row.entry ?? row.heading).toLowerCase() === wanted;
    const loose = (row: Omit<DocSection, 'ref'>) =>
      row.entry?.toLowerCase().startsWith(wanted) === true || row.entry?.toLowerCase().includes(`${wanted},`) === true;
    const order = (row: Omit<DocSection, 'ref'>) => {
      const index = languages.indexOf(row.lang);
      return index === -1 ? languages.length : index;
    };
    const candidates = rows.filter(exact).length > 0 ? rows.filter(exact) : wanted ? rows.filter(loose) : [];
    const found = [...candidates].sort((a, b) => order(a) - order(b))[0];
    return found ? { ref: refOf(found.title, found.entry, found.heading), ...found } : null;
  }

  /** The sections and entries of a page, in order: what read_doc can be asked for. */
  contents(title: string): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT heading, entry FROM passages WHERE title = ? COLLATE NOCASE ORDER BY id')
      .all(title) as { heading: string; entry: string | null }[];
    return rows.map((row) => row.entry ?? row.heading);
  }

  counts(): { files: number; passages: number; bytes: number } {
    const files = (this.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    const passages = (this.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return { files, passages, bytes: pages * pageSize };
  }

  /** The running system as the index last recorded it (runningSystem.ts); none before the first update. */
  runningSystem(): RunningSystem {
    if (this.running === null) {
      const recorded = this.meta(RUNNING_SYSTEM_KEY);
      this.running = recorded === null ? NO_RUNNING_SYSTEM : (JSON.parse(recorded) as RunningSystem);
    }
    return this.running;
  }

  setRunningSystem(system: RunningSystem): void {
    this.setMeta(RUNNING_SYSTEM_KEY, JSON.stringify(system));
    this.running = system;
  }

  meta(key: string): string | null {
    return (
      (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null
    );
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
