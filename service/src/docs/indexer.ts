// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Brings the index up to date with the documentation on disk: files that are
// new or changed (by mtime and size) are read again, files that are gone (a
// package removed) leave the index. It pauses between files, so that the
// service's main loop stays responsive while it works through thousands.
import { createHash } from 'node:crypto';
import { lstat, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cleanLine, cleanText } from '../untrustedText.js';
import type { DocsStore, FileState, IndexedDocument } from './docsStore.js';
import type { DocKind } from './docTerms.js';
import {
  infoManualName,
  manPageName,
  readHelpPage,
  readInfoManual,
  readManPage,
  readNixosOptions,
  readTextDocument,
} from './documents.js';
import { ownerOf } from './packageOwners.js';
import { UNIT_DIRS } from './runningSystem.js';

export interface DocsSources {
  /** Man page trees such as /usr/share/man: their manN folders, and <language>/manN for the user's languages. */
  manRoots: string[];
  /**
   * Help trees such as /usr/share/help: <language>/<document>/*.page, Mallard's pages (GNOME Help's, an
   * application's), "C" the originals, and the folders of the user's languages.
   */
  helpRoots: string[];
  /** GNU info folders such as /usr/share/info: their manuals' main files (the parts are read with them). */
  infoRoots: string[];
  /** Folders such as /usr/share/doc, a folder per package, whose README and NEWS files are read. */
  docRoots: string[];
  /** NixOS's options.json files. */
  nixosOptions: string[];
  /** The user's languages, most wanted first, as the man trees name their folders ("de", "pt_BR"). */
  languages: string[];
  /** Places the package manager changes when packages come and go (/var/lib/dpkg/info). */
  packageDatabases: string[];
  /** PATH's folders: their commands' packages are the running system's (runningSystem.ts); none when absent. */
  commandDirs?: string[];
  /** Where the loaded units' files are looked for; systemd's own places when absent. */
  unitDirs?: string[];
  /** The bundled task examples (taskExamples.ts); none when absent. */
  taskExamples?: string;
}

interface Candidate {
  path: string;
  kind: DocKind;
  lang: string;
  /** How a README is cited: the package folder and the file's name; a help page's document ("gnome-help"). */
  title: string;
  state: FileState;
  /** The file behind it ("device:inode"): a page reached through several links is read once. */
  identity: string;
  link: boolean;
}

export interface IndexProgress {
  done: number;
  total: number;
}

export interface IndexUpdate {
  read: number;
  removed: number;
  /** Files that could not be read (damaged, unreadable): kept as empty until they change. */
  failed: number;
  /** Files whose text another file indexed already holds (a page in two sections, a copy in a language folder). */
  duplicates: number;
  unchanged: number;
}

const README_OR_NEWS = /^(?:README|NEWS)(?:[._-][\w.-]*)?$/i;
// Formats whose text is not worth reading as such.
const NOT_TEXT = /\.(?:html?|pdf|ps|dvi|png|svg|jpe?g|xz|bz2|zst)$/i;
/** Files written to the store in one transaction. */
const BATCH_FILES = 100;

/** The user's languages from the locale variables, most wanted first: "de_DE.UTF-8" gives "de_DE" then "de". */
export function userLanguages(env: NodeJS.ProcessEnv = process.env): string[] {
  const settings = [...(env.LANGUAGE ?? '').split(':'), env.LC_ALL, env.LC_MESSAGES, env.LANG];
  const languages: string[] = [];
  for (const setting of settings) {
    const locale = setting?.split(/[.@]/)[0] ?? '';
    if (!/^[a-z]{2,3}(?:_[A-Z]{2})?$/.test(locale) || locale.startsWith('en')) continue;
    for (const name of [locale, locale.split('_')[0] ?? '']) if (!languages.includes(name)) languages.push(name);
  }
  return languages;
}

/** Beside the service's code, as the build puts them (build/build.mjs). */
export const BUNDLED_TASK_EXAMPLES = fileURLToPath(new URL('data/task-examples.json.gz', import.meta.url));

/** Where documentation lies on Debian-like systems, Fedora, Arch and NixOS; missing places are passed over. */
export function defaultSources(home: string, env: NodeJS.ProcessEnv = process.env): DocsSources {
  const fromManpath = (env.MANPATH ?? '').split(':').filter((path) => path.startsWith('/'));
  const system = '/run/current-system/sw/share';
  return {
    manRoots: [
      ...new Set([
        ...fromManpath,
        '/usr/share/man',
        '/usr/local/share/man',
        `${system}/man`,
        `${home}/.nix-profile/share/man`,
      ]),
    ],
    helpRoots: ['/usr/share/help', '/usr/local/share/help', `${system}/help`],
    infoRoots: ['/usr/share/info', '/usr/local/share/info', `${system}/info`],
    docRoots: ['/usr/share/doc', `${system}/doc`],
    nixosOptions: [`${system}/doc/nixos/options.json`],
    languages: userLanguages(env),
    packageDatabases: ['/var/lib/dpkg/info', '/var/lib/rpm', '/var/lib/pacman/local', '/nix/var/nix/profiles'],
    commandDirs: [
      ...new Set((env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter((dir) => dir.startsWith('/'))),
    ],
    unitDirs: UNIT_DIRS,
    taskExamples: BUNDLED_TASK_EXAMPLES,
  };
}

async function list(folder: string): Promise<string[]> {
  return readdir(folder).catch(() => []);
}

async function fileState(path: string): Promise<Pick<Candidate, 'state' | 'identity' | 'link'> | null> {
  const [info, own] = await Promise.all([stat(path).catch(() => null), lstat(path).catch(() => null)]);
  if (!info?.isFile()) return null;
  return {
    state: { mtimeMs: info.mtimeMs, size: info.size },
    identity: `${info.dev}:${info.ino}`,
    link: own?.isSymbolicLink() ?? false,
  };
}

/** The man folders of a tree with their language: the user's languages first, then the originals. */
async function manFolders(root: string, languages: readonly string[]): Promise<{ folder: string; lang: string }[]> {
  const entries = await list(root);
  const translated = languages.flatMap((lang) =>
    entries.filter((entry) => entry === lang || entry.startsWith(`${lang}.`)).map((entry) => ({ entry, lang })),
  );
  const folders: { folder: string; lang: string }[] = [];
  for (const { entry, lang } of translated) {
    for (const section of (await list(join(root, entry))).filter((name) => name.startsWith('man')))
      folders.push({ folder: join(root, entry, section), lang });
  }
  // In order, so that of a page's copies in several sections the same one is indexed every time.
  for (const section of entries.filter((name) => /^man\w+$/.test(name)).sort())
    folders.push({ folder: join(root, section), lang: '' });
  return folders;
}

/** The document folders of a help tree with their language: the user's languages first, then the originals ("C"). */
async function helpFolders(
  root: string,
  languages: readonly string[],
): Promise<{ folder: string; document: string; lang: string }[]> {
  const entries = await list(root);
  const folders: { folder: string; document: string; lang: string }[] = [];
  // A language's folder is named by it ("de", "pt_BR"); the originals' is "C", indexed as the language "".
  const places = [...languages.map((lang) => ({ name: lang, lang })), { name: 'C', lang: '' }];
  for (const { name, lang } of places.filter((place) => entries.includes(place.name))) {
    for (const document of (await list(join(root, name))).sort())
      folders.push({ folder: join(root, name, document), document, lang });
  }
  return folders;
}

/** Every file the index should hold now, with its mtime and size. */
export async function listCandidates(sources: DocsSources, stopped: () => boolean = () => false): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const root of sources.manRoots) {
    for (const { folder, lang } of await manFolders(root, sources.languages)) {
      // Tens of thousands of files are looked at one by one: a service that is stopping must not wait for them.
      if (stopped()) return [];
      for (const name of await list(folder)) {
        if (!manPageName(name) || NOT_TEXT.test(name)) continue;
        const path = join(folder, name);
        const state = await fileState(path);
        if (state) candidates.push({ path, kind: 'man', lang, title: name, ...state });
      }
    }
  }
  for (const root of sources.helpRoots) {
    for (const { folder, document, lang } of await helpFolders(root, sources.languages)) {
      if (stopped()) return [];
      for (const name of (await list(folder)).filter((file) => file.endsWith('.page'))) {
        const path = join(folder, name);
        const state = await fileState(path);
        if (state) candidates.push({ path, kind: 'help', lang, title: document, ...state });
      }
    }
  }
  for (const root of sources.infoRoots) {
    for (const name of await list(root)) {
      const manual = infoManualName(name);
      if (!manual) continue;
      const path = join(root, name);
      const state = await fileState(path);
      if (state) candidates.push({ path, kind: 'info', lang: '', title: manual, ...state });
    }
  }
  for (const root of sources.docRoots) {
    for (const pkg of await list(root)) {
      if (stopped()) return [];
      for (const name of await list(join(root, pkg))) {
        const plain = name.replace(/\.gz$/, '');
        if (!README_OR_NEWS.test(plain) || NOT_TEXT.test(plain)) continue;
        const path = join(root, pkg, name);
        const state = await fileState(path);
        if (state) candidates.push({ path, kind: 'doc', lang: '', title: `${pkg}/${plain}`, ...state });
      }
    }
  }
  for (const path of sources.nixosOptions) {
    const state = await fileState(path);
    if (state) candidates.push({ path, kind: 'nixos', lang: '', title: 'NixOS options', ...state });
  }
  // A file and the links to it (gcc.1 → gcc-12.1, alternatives) are one page: the file's own name wins.
  const seen = new Set<string>();
  return [
    ...candidates.filter((candidate) => !candidate.link),
    ...candidates.filter((candidate) => candidate.link),
  ].filter((candidate) => !seen.has(candidate.identity) && seen.add(candidate.identity));
}

/**
 * The folders whose entries change when documentation is installed or removed: the roots, their language and
 * section folders, and the package databases.
 */
export async function sourceFolders(sources: DocsSources): Promise<string[]> {
  const folders = [
    ...sources.infoRoots,
    ...sources.docRoots,
    ...sources.packageDatabases,
    ...sources.nixosOptions,
    ...(sources.taskExamples ? [sources.taskExamples] : []),
  ];
  for (const root of sources.manRoots) {
    folders.push(root, ...(await manFolders(root, sources.languages)).map(({ folder }) => folder));
  }
  for (const root of sources.helpRoots) {
    const documents = await helpFolders(root, sources.languages);
    folders.push(
      root,
      ...new Set(documents.map(({ folder }) => dirname(folder))),
      ...documents.map(({ folder }) => folder),
    );
  }
  return folders;
}

/**
 * What changes when documentation is installed or removed: the source folders' mtimes (a file added or
 * removed changes its folder's).
 */
export async function sourcesSignature(sources: DocsSources): Promise<string> {
  const folders = await sourceFolders(sources);
  const times = await Promise.all(
    folders.map(async (folder) => `${folder}:${(await stat(folder).catch(() => null))?.mtimeMs ?? '-'}`),
  );
  return times.join('\n');
}

/**
 * What identifies a file's text, whatever its name, section or language folder: the passages it gave. Null
 * for a file that gave none (an alias, an empty file), which is never a copy of anything.
 */
export function contentHash(documents: readonly IndexedDocument[]): string | null {
  const passages = documents.flatMap((document) => [
    document.kind,
    ...document.passages.flatMap((passage): unknown[] => Object.values(passage)),
  ]);
  if (passages.length === documents.length) return null;
  return createHash('sha256').update(JSON.stringify(passages)).digest('base64url');
}

/**
 * Pages are untrusted text, shown in terminals and read by the model: escape sequences, controls and bidi
 * overrides go (a help page's XML writes any of them as "&#x1b;"), as from logs (untrustedText.ts).
 */
function shown(documents: IndexedDocument[]): IndexedDocument[] {
  return documents.map((document) => ({
    ...document,
    passages: document.passages.map(({ heading, entry, text }) => ({
      heading: cleanLine(heading),
      entry: entry === null ? null : cleanLine(entry),
      text: cleanText(text),
    })),
  }));
}

function read(candidate: Candidate): Promise<IndexedDocument[]> {
  if (candidate.kind === 'man') return readManPage(candidate.path, candidate.lang);
  if (candidate.kind === 'help') return readHelpPage(candidate.path, candidate.title, candidate.lang);
  if (candidate.kind === 'info') return readInfoManual(candidate.path);
  if (candidate.kind === 'nixos') return readNixosOptions(candidate.path);
  return readTextDocument(candidate.path, candidate.title);
}

export interface UpdateOptions {
  onProgress?(progress: IndexProgress): void;
  /** Awaited between files: yields to the main loop and keeps the work to a share of one core. */
  pause?(): Promise<void>;
  /** Asked between files: true stops the update (the service is stopping); what was written stays. */
  stopped?(): boolean;
  /** Each file's package (packageOwners.ts), recorded with the pages read from it. */
  owners?: ReadonlyMap<string, string>;
}

/** Reads what is new or changed into `store` and removes what is gone. */
export async function updateIndex(
  store: DocsStore,
  sources: DocsSources,
  options: UpdateOptions = {},
): Promise<IndexUpdate> {
  const candidates = await listCandidates(sources, options.stopped);
  // A list cut short by stopping is not what is installed: nothing may be removed for it.
  if (options.stopped?.()) return { read: 0, removed: 0, failed: 0, duplicates: 0, unchanged: 0 };
  const known = store.fileStates();
  const present = new Set(candidates.map((candidate) => candidate.path));
  const gone = [...known.keys()].filter((path) => !present.has(path));
  store.transaction(() => gone.forEach((path) => store.removeFile(path)));
  const changed = new Set(
    candidates
      .filter((candidate) => {
        const before = known.get(candidate.path);
        return (
          !before || before.size !== candidate.state.size || before.mtimeMs !== Math.round(candidate.state.mtimeMs)
        );
      })
      .map((candidate) => candidate.path),
  );
  // The indexed copy of a text that is gone or changed leaves its other copies to be indexed in its place.
  const freed = new Set(
    [...gone, ...changed].flatMap((path) => (known.get(path)?.duplicate === false ? [known.get(path)?.hash] : [])),
  );
  const due = candidates.filter((candidate) => {
    const before = known.get(candidate.path);
    return changed.has(candidate.path) || (before?.duplicate === true && freed.has(before.hash));
  });
  const dueSet = new Set(due.map((candidate) => candidate.path));
  /** The texts indexed already, by their hash: a due file with one of them is a copy. */
  const indexed = new Map<string, string>();
  for (const [path, file] of known) {
    if (file.hash && !file.duplicate && present.has(path) && !dueSet.has(path)) indexed.set(file.hash, path);
  }
  const result: IndexUpdate = {
    read: 0,
    removed: gone.length,
    failed: 0,
    duplicates: 0,
    unchanged: candidates.length - due.length,
  };
  let batch: { candidate: Candidate; documents: IndexedDocument[]; hash: string | null; duplicate: boolean }[] = [];
  const write = () => {
    const written = batch;
    batch = [];
    store.transaction(() =>
      written.forEach(({ candidate, documents, hash, duplicate }) =>
        store.replaceFile(candidate.path, candidate.state, documents, {
          hash,
          duplicate,
          package: options.owners ? ownerOf(options.owners, candidate.path) : null,
        }),
      ),
    );
  };
  for (const [index, candidate] of due.entries()) {
    if (options.stopped?.()) break;
    let documents: IndexedDocument[] = [];
    try {
      documents = shown(await read(candidate));
      result.read++;
    } catch {
      result.failed++;
    }
    const hash = contentHash(documents);
    const duplicate = hash !== null && indexed.has(hash);
    if (duplicate) result.duplicates++;
    else if (hash !== null) indexed.set(hash, candidate.path);
    batch.push({ candidate, documents, hash, duplicate });
    if (batch.length >= BATCH_FILES) write();
    options.onProgress?.({ done: index + 1, total: due.length });
    await options.pause?.();
  }
  write();
  return result;
}
