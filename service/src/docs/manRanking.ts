// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Orders the passages BM25 found for a question by what a man page says about itself: whether the
// question's words are in the page's name and its NAME line ("journalctl - Query the systemd journal"),
// in the entry's name (an option such as --vacuum-size=, a directive such as SystemMaxUse=), and how
// many of them the passage holds at all; a page of commands, files and concepts before a library call's.
import { alternativesOf } from './desktopWords.js';
import { type DocKind, nameWords } from './docTerms.js';
import { NO_RUNNING_SYSTEM, type RunningSystem } from './runningSystem.js';

export interface Candidate {
  title: string;
  heading: string;
  entry: string | null;
  kind: DocKind;
  body: string;
  /** bm25 as FTS5 gives it: negative, lower is better. */
  bm25: number;
  /** The package that installed the page; null where the package manager does not say. */
  package?: string | null;
}

/** How much of a passage's start counts as what it is about. */
const LEAD_CHARS = 300;

/** The question's words as their stems: "sizes" finds "size", "processes" "process". */
export function stems(words: readonly string[]): string[] {
  return words.map((word) =>
    word.length <= 4 ? word : word.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, '') || word,
  );
}

/** Whether `text` (lower case) holds a word that starts like `stem`. */
function holds(text: string, stem: string): boolean {
  const start = stem.slice(0, Math.max(4, stem.length - 1));
  let at = text.indexOf(start);
  while (at !== -1) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(text.charAt(at - 1))) return true;
    at = text.indexOf(start, at + 1);
  }
  return false;
}

/**
 * How much a page's section is worth to a desktop's question: commands (1, 8), files (5) first; overviews
 * and indexes (7) a little less; calls, devices and kernel interfaces (2, 3, 4, 9) and the sections other
 * systems keep apart ("3perl", "4freebsd") less again. A README, and a page of the desktop's help, rank below
 * a man page that says as much: the help tells how to do it in the desktop's own settings, in many words
 * that match a question by chance ("what happens when I close the laptop lid" is its power-closelid page and
 * logind.conf's HandleLidSwitch=), and most questions the assistant is asked are about commands and settings.
 */
function sectionWeight(title: string, kind: DocKind): number {
  if (kind === 'doc' || kind === 'help') return -0.6;
  const section = /\(([^)]*)\)$/.exec(title)?.[1];
  if (section === undefined) return 0;
  const base = /^[158]$/.test(section) ? 0 : /^[67]$/.test(section) ? -0.3 : -0.6;
  return section.length > 1 && /^\d/.test(section) ? base - 0.3 : base;
}

// Chosen on the retrieval benchmark (test/bench/docsRetrieval.ts): all the words first, then the page's
// name, then the entry's, then BM25's order among the rest.
export const WEIGHTS = {
  lead: 1,
  alternative: 0.5,
  cover: 2,
  name: 2,
  tag: 3,
  bm25: 2,
  page: 2,
  footnote: -2,
  section: 1,
  exact: 2,
  owner: 1.5,
  running: 0.5,
  path: -1.5,
  meaning: 1,
  learned: 0.5,
  example: 2,
  exampleOption: 1,
  variable: -1,
};

/**
 * The man pages that the task examples matching a question are about (docsStore.ts: examplePages), by title:
 * how much (1 the best example's page, another as much as its best example matches) and the options and
 * subcommands the examples use.
 */
export type ExampleEvidence = Map<string, { weight: number; options: Set<string> }>;

/**
 * What is known of a question besides its words: what the word vectors learned from the pages say of it
 * (docsStore.ts: pagesNear, relatedWords), and the task examples that match it.
 */
export interface QuestionContext {
  /** How near each page's NAME line is to the question, by title: 1 the nearest, 0 far. */
  nearness?: ReadonlyMap<string, number>;
  /** For each of the question's words, words of the NAME lines near it in meaning ("processor": "cpu"). */
  related?: ReadonlyMap<string, readonly string[]>;
  examples?: ExampleEvidence;
}

/**
 * The names an entry's tag gives, as a question would spell them: "-u, --unit=UNIT" is "u" and "unit",
 * "SystemMaxUse=, SystemKeepFree=" "systemmaxuse" and "systemkeepfree", "STEWARD_DEMO_COLOR" "stewarddemocolor".
 */
export function entryNames(entry: string | null): string[] {
  if (entry === null) return [];
  return entry
    .split(/,\s*|\s+\|\s+/)
    .map((name) => name.trim().split(/[\s=[]/)[0] ?? '')
    .map((name) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((name) => name !== '');
}

/**
 * An entry's tag as the page writes it: an entry keeps a long tag cut ("HandlePowerKey=, …, HandleSuspen…"),
 * its passage's first line holds all of it ("…, HandleLidSwitch=, HandleLidSwitchDocked=").
 */
export function fullTag(entry: string | null, body: string): string | null {
  if (entry === null || !entry.endsWith('…')) return entry;
  const first = body.slice(0, body.indexOf('\n') === -1 ? undefined : body.indexOf('\n'));
  return first.startsWith(entry.slice(0, -1)) ? first : entry;
}

/** What an option that says no to something names: mount(8)'s "nofail" is "fail", "noatime" "atime". */
const negated = (entry: string) => /^no[a-z]{3,}\b/.exec(entry)?.[0].slice(2) ?? '';

/** A reference to a man page: "logind.conf(5)", "systemd.socket(5)". */
const PAGE_REFERENCE = /^[\w.:@+-]+\(\d\w*\)$/;

/**
 * The pages an index's entry points to, none for an entry that says something itself: systemd.directives(7)'s
 * "HandleLidSwitch=" holds only "logind.conf(5)", where the directive is.
 */
export function pointsTo(candidate: Pick<Candidate, 'entry' | 'body'>): string[] {
  if (candidate.entry === null) return [];
  const rest = candidate.body.slice(candidate.body.indexOf('\n') + 1).trim();
  // Most passages say something from their first word: they are not split into words to find it out.
  if (!PAGE_REFERENCE.test(rest.split(/[,\s]/, 1)[0] ?? '')) return [];
  const references = rest.split(/[,\s]+/).filter((word) => word !== '');
  if (candidate.body.indexOf('\n') === -1 || references.length === 0) return [];
  return references.every((word) => PAGE_REFERENCE.test(word)) ? references : [];
}

/** An entry that is a file's path, as a FILES section lists them: "~/.ssh/id_ed25519", "$XDG_CONFIG_HOME/foo.conf". */
const isPath = (entry: string | null) => entry !== null && /^(?:[/~]|\$\w+\/)/.test(entry);

/**
 * An entry that is an environment variable the program reads ("$SYSTEMD_LOG_LEVEL"): below the options that do
 * what was asked, unless the question asks about the environment (its names hold "log", "color", "pager"…).
 */
const isVariable = (entry: string | null) => entry !== null && /^\$\w+(?:[,\s]|$)/.test(entry);
const asksForAVariable = (words: readonly string[]) =>
  words.some((word) => /^(?:environment|variables?|env)$/.test(word));

/** Whether the question asks about a file or where something is kept, rather than how to do something. */
const asksForAPlace = (words: readonly string[]) =>
  words.some((word) => /^(?:files?|paths?|folders?|director(?:y|ies)|locations?)$/.test(word));

/** DocBook's pages end with their links as numbered notes ("1. Journal Export Format"): a title and an address. */
const isFootnote = (candidate: Candidate) => candidate.heading === 'NOTES' && /^\d+\. /.test(candidate.entry ?? '');

/**
 * The candidates ordered best first. `summaries` holds each page's NAME line, by title; `words` are the
 * question's words as the index's queries use them.
 */
export function rankCandidates<C extends Candidate>(
  candidates: readonly C[],
  words: readonly string[],
  summaries: ReadonlyMap<string, string>,
  system: RunningSystem = NO_RUNNING_SYSTEM,
  context: QuestionContext = {},
): (C & { complete: boolean; score: number })[] {
  if (candidates.length === 0 || words.length === 0)
    return candidates.map((candidate) => ({ ...candidate, complete: false, score: 0 }));
  // Each word as the question spells it, also joined with a neighbour as pages write names ("file systems" is in
  // "filesystems"), and the words a man page says for it ("folder" and "directory").
  const {
    nearness = new Map<string, number>(),
    related = new Map<string, readonly string[]>(),
    examples = new Map() as ExampleEvidence,
  } = context;
  const terms = words.map((word, index) => ({
    own: stems([word, `${words[index - 1] ?? ''}${word}`, `${word}${words[index + 1] ?? ''}`]),
    others: stems([...alternativesOf(word)]),
    learned: stems([...(related.get(word) ?? [])]),
  }));
  // The word itself counts whole, another of its group (a passage that says "directory" for "folder") as much as WEIGHTS.alternative.
  const holdsAny = (text: string, { own, others }: (typeof terms)[number]) =>
    own.some((stem) => holds(text, stem)) ? 1 : others.some((stem) => holds(text, stem)) ? WEIGHTS.alternative : 0;
  const best = Math.min(...candidates.map((candidate) => candidate.bm25));
  const pageTerms = new Map<string, Set<(typeof terms)[number]>>();
  // The question's words as an entry could be named, with how many of them each spelling holds.
  const spellings = new Map<string, number>([
    ...words.flatMap((word) => [word, ...alternativesOf(word)]).map((word): [string, number] => [word, 1]),
    ...words.slice(1).map((word, index): [string, number] => [`${words[index]}${word}`, 2]),
    [words.join(''), words.length],
  ]);
  // The packages of the commands and units the question names ("ssh", "networkmanager", "journald").
  const owners = new Set(
    words.flatMap((word) => (Object.hasOwn(system.names, word) ? (system.names[word] ?? []) : [])),
  );
  // The packages of the running system's commands and units: a page of one is about this machine.
  const running = WEIGHTS.running === 0 ? new Set<string>() : new Set(Object.values(system.names));
  // A question that asks to do something ("generate an ed25519 key") is answered by a command or an option,
  // not by the list of files the page reads (ssh-keygen's ~/.ssh/id_ed25519, which names the same words).
  const pathWeight = asksForAPlace(words) ? 0 : WEIGHTS.path;
  const variableWeight = asksForAVariable(words) ? 0 : WEIGHTS.variable;
  const scored = candidates.map((candidate) => {
    const name =
      `${candidate.title.replace(/[-_.]/g, ' ')} ${candidate.title} ${summaries.get(candidate.title) ?? ''}`.toLowerCase();
    const entry = fullTag(candidate.entry, candidate.body);
    // An entry's own name says what it is, not the heading of its section, which all its entries share
    // ("Environment Variables Set or Propagated by the Service Manager" over $SERVICE_RESULT, $PIDFILE…).
    const tag = (entry === null ? candidate.heading : `${entry} ${nameWords(entry)} ${negated(entry)}`).toLowerCase();
    const body = candidate.body.toLowerCase();
    // An entry's first sentences say what it is for; a long section holds many words by chance, further on.
    const lead = body.slice(0, LEAD_CHARS);
    let led = 0;
    let named = 0;
    let tagged = 0;
    let covered = 0;
    let complete = true;
    for (const term of terms) {
      // A word near in meaning counts where a page says what it is (its NAME line), as much as WEIGHTS.learned:
      // in the text it found more passages of other things than answers.
      const inName = Math.max(
        holdsAny(name, term),
        term.learned.some((stem) => holds(name, stem)) ? WEIGHTS.learned : 0,
      );
      const inTag = holdsAny(tag, term);
      named += inName;
      tagged += inTag;
      const found = Math.max(inName, inTag, holdsAny(body, term));
      covered += found;
      led += holdsAny(lead, term);
      complete &&= found > 0;
      if (found > 0) pageTerms.set(candidate.title, (pageTerms.get(candidate.title) ?? new Set()).add(term));
    }
    const score =
      (WEIGHTS.cover * covered + WEIGHTS.lead * led + WEIGHTS.name * named + WEIGHTS.tag * tagged) / terms.length +
      WEIGHTS.bm25 * (best < 0 ? candidate.bm25 / best : 0) +
      WEIGHTS.section * sectionWeight(candidate.title, candidate.kind) +
      // An entry named as asked, by as many of the question's words as it takes ("install" is one of four).
      (WEIGHTS.exact * Math.max(0, ...entryNames(entry).map((name) => spellings.get(name) ?? 0))) / words.length +
      (isFootnote(candidate) || pointsTo(candidate).length > 0 ? WEIGHTS.footnote : 0) +
      (candidate.package && owners.has(candidate.package) ? WEIGHTS.owner : 0) +
      (candidate.package && running.has(candidate.package) ? WEIGHTS.running : 0) +
      (isPath(entry) ? pathWeight : 0) +
      (isVariable(entry) ? variableWeight : 0) +
      // An option or subcommand that an example of the task uses ("chmod u+x", "journalctl --vacuum-size=").
      (entryNames(entry).some((name) => examples.get(candidate.title)?.options.has(name))
        ? WEIGHTS.exampleOption * (examples.get(candidate.title)?.weight ?? 0)
        : 0);
    return { candidate: { ...candidate, complete }, score };
  });
  // A page whose passages hold the question's words between them is about the question, and its passage
  // that holds most of them the answer.
  const covered = (title: string) => (pageTerms.get(title)?.size ?? 0) / terms.length;
  // How near the page's NAME line is in meaning to the question (docsStore.ts pagesNear), as much as the page
  // lacks the question's words: meaning stands in where the words differ ("CPU" for "processor"), and does not
  // lift a page of other things above one that says what was asked.
  const near = (title: string) => (nearness.get(title) ?? 0) * (1 - covered(title));
  // A page that the task examples matching the question are about (docsStore.ts examplePages) says in its
  // own words what the examples say in a user's: all its passages are lifted, and its best one rises.
  const page = (title: string) =>
    WEIGHTS.page * covered(title) +
    WEIGHTS.meaning * near(title) +
    WEIGHTS.example * (examples.get(title)?.weight ?? 0);
  return scored
    .map(({ candidate, score }) => ({ ...candidate, score: score + page(candidate.title) }))
    .sort((a, b) => b.score - a.score);
}
