// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How often the documentation search puts the passage that answers a desktop question first, or in the
// first three, among thousands of unrelated pages; and how long a search takes. The pages are Debian's,
// fetched once into a cache (docsCorpus.ts), so that every machine measures the same index.
//   npm run bench:docs                      the table, and test-results/bench/docs-retrieval.json
//   npm run bench:docs -- --write-docs      also writes the table into docs/benchmarks-docs-search.md
//   npm run bench:docs -- --misses          the questions missed, with what came first instead
//   npm run bench:docs -- --keep-index      keeps the index beside the corpus and reuses it (to tune the ranking)
//   npm run bench:docs -- --only system --weight running=0.5   one ranking, with a weight of manRanking.ts changed
//   npm run bench:docs -- --rounds 0        recall alone, no latency rounds (to tune the ranking quickly)
//   npm run bench:docs -- --examples rows=0   without the task examples (docsStore.ts EXAMPLES: rows, pages, optionRows)
//   npm run bench:docs -- --explain 'QUESTION'   the ranking's first passages for one question, with their scores
//   npm run bench:docs -- --candidates      the tuning questions whose answer is not among the passages ranked
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import * as prettier from 'prettier';

import { DocsIndex } from '../../service/src/docs/docsIndex.js';
import {
  type DocHit,
  DocsStore,
  EXAMPLES,
  MEANING,
  queryTerms,
  type Ranking,
  RANKINGS,
  refOf,
} from '../../service/src/docs/docsStore.js';
import { WEIGHTS } from '../../service/src/docs/manRanking.js';
import { createLogger } from '../../service/src/logging.js';
import { makeTempDir } from '../support/tempDir.js';
import { debianManCorpus, NOISE_PACKAGES } from './docsCorpus.js';
import {
  type BenchQuestion,
  GNOME_HELP_QUESTIONS,
  HELD_OUT_QUESTIONS,
  QUESTIONS,
  UNSEEN_2_QUESTIONS,
  UNSEEN_3_QUESTIONS,
  UNSEEN_4_QUESTIONS,
  UNSEEN_5_QUESTIONS,
  UNSEEN_6_QUESTIONS,
  UNSEEN_QUESTIONS,
} from './docsQuestions.js';
import { answers } from './docsRetrievalJudge.js';
import { recordedSystem, recordSystemFixture } from './docsRunningSystem.js';
import { percentile, round } from './stats.js';

const RESULTS = join(process.cwd(), 'test-results', 'bench', 'docs-retrieval.json');
const DOCS_PAGE = join(process.cwd(), 'docs', 'benchmarks-docs-search.md');
const TABLE_START = '<!-- bench:docs-retrieval -->';
const TABLE_END = '<!-- /bench:docs-retrieval -->';
/** What the assistant's search_docs asks for at most, and what latency is measured with. */
const LIMIT = 8;
const LATENCY_ROUNDS = 5;
let latencyRounds = LATENCY_ROUNDS;
const TARGETS = { recallAt3: 0.9, p95Ms: 50 };

// The index's own account of how long learning the word vectors took is printed; the rest is not.
const log = createLogger({
  level: 'info',
  journal: false,
  write: (line) => void (line.includes('word vectors learned') && process.stdout.write(`${line}\n`)),
});

interface Outcome {
  question: string;
  expected: string[];
  /** 1-based rank of the first passage that answers, of the first on an answering page; null when none in LIMIT. */
  passageRank: number | null;
  pageRank: number | null;
  top: string[];
  /** Whether a page of a noise package (docsCorpus.ts), which answers no question, is among the first three. */
  noiseAt3: boolean;
}

function judge(question: BenchQuestion, hits: DocHit[], isNoise: (title: string) => boolean): Outcome {
  const pages = question.answers.map((answer) => answer.split('#')[0]!);
  const passage = hits.findIndex((hit) => question.answers.some((answer) => answers(hit, answer)));
  const page = hits.findIndex((hit) => pages.includes(hit.title));
  return {
    question: question.question,
    expected: question.answers,
    passageRank: passage === -1 ? null : passage + 1,
    pageRank: page === -1 ? null : page + 1,
    top: hits.slice(0, 3).map((hit) => hit.ref),
    noiseAt3: hits.slice(0, 3).some((hit) => isNoise(hit.title)),
  };
}

const recall = (outcomes: Outcome[], rank: (outcome: Outcome) => number | null, k: number) =>
  outcomes.filter((outcome) => (rank(outcome) ?? Infinity) <= k).length / outcomes.length;

/**
 * The questions that chose the ranking's weights; those written before the last changes, whose misses were read
 * while making them; and those written after them and measured once.
 */
const QUESTION_SETS = {
  tuned: QUESTIONS,
  heldOut: HELD_OUT_QUESTIONS,
  unseen: UNSEEN_QUESTIONS,
  unseen2: UNSEEN_2_QUESTIONS,
  unseen3: UNSEEN_3_QUESTIONS,
  unseen4: UNSEEN_4_QUESTIONS,
  unseen5: UNSEEN_5_QUESTIONS,
  unseen6: UNSEEN_6_QUESTIONS,
  gnomeHelp: GNOME_HELP_QUESTIONS,
} as const;
type QuestionSet = keyof typeof QUESTION_SETS;
const SET_NAMES: Record<QuestionSet, string> = {
  tuned: 'tuning',
  heldOut: 'held out',
  unseen: 'unseen',
  unseen2: 'unseen 2',
  unseen3: 'unseen 3',
  unseen4: 'unseen 4',
  unseen5: 'unseen 5',
  unseen6: 'unseen 6',
  gnomeHelp: 'GNOME help',
};

function measure(store: DocsStore, ranking: Ranking, set: QuestionSet) {
  const questions = QUESTION_SETS[set];
  const search = (query: string) => store.search(query, LIMIT, [''], ranking);
  // One search of each first: the pages the questions read are then in SQLite's cache, as in a service.
  const outcomes = questions.map((question) => judge(question, search(question.question), noisePages(store)));
  const timings: number[] = [];
  // The time on the CPU as well: on a busy machine a search waits for a core, and the wall clock says so.
  const cpuTimings: number[] = [];
  for (let round = 0; round < latencyRounds; round++) {
    for (const { question } of questions) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      search(question);
      const used = process.cpuUsage(cpu);
      timings.push(performance.now() - start);
      cpuTimings.push((used.user + used.system) / 1000);
    }
  }
  return {
    ranking,
    set,
    questions: questions.length,
    passageAt1: recall(outcomes, (outcome) => outcome.passageRank, 1),
    passageAt3: recall(outcomes, (outcome) => outcome.passageRank, 3),
    pageAt1: recall(outcomes, (outcome) => outcome.pageRank, 1),
    pageAt3: recall(outcomes, (outcome) => outcome.pageRank, 3),
    noiseAt3: outcomes.filter((outcome) => outcome.noiseAt3).length / outcomes.length,
    p50Ms: percentile(timings, 50),
    p95Ms: percentile(timings, 95),
    cpuP50Ms: percentile(cpuTimings, 50),
    cpuP95Ms: percentile(cpuTimings, 95),
    outcomes,
  };
}

type Measured = ReturnType<typeof measure>;

const percent = (share: number) => `${round(share * 100, 1)} %`;

function markdownTable(rows: Measured[], pages: number, packages: number): string {
  const lines = [
    `${QUESTIONS.length} questions the ranking was tuned on, ${HELD_OUT_QUESTIONS.length} held out (written before the last changes; their misses were read while making them), ${UNSEEN_QUESTIONS.length} unseen (written after them), ${UNSEEN_2_QUESTIONS.length} unseen 2 (written after the word vectors' settings were chosen), ${UNSEEN_3_QUESTIONS.length} unseen 3 (written after the task examples' weights were tried), ${UNSEEN_4_QUESTIONS.length} unseen 4 (written after they were kept), ${UNSEEN_5_QUESTIONS.length} unseen 5 (written after the fourth was measured), ${UNSEEN_6_QUESTIONS.length} unseen 6 (written after the fifth's round) and ${GNOME_HELP_QUESTIONS.length} about the desktop itself (written from GNOME Help's pages), ${pages} pages (man pages and GNOME Help's) from ${packages} Debian 12 packages; ${latencyRounds} rounds of each question for latency, ${LIMIT} results each.`,
    '',
    '| ranking | questions | passage recall@1 | passage recall@3 | page recall@1 | page recall@3 | noise in first 3 | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${RANKINGS[row.ranking]} | ${SET_NAMES[row.set]} (${row.questions}) | ${percent(row.passageAt1)} | ${percent(row.passageAt3)} | ${percent(row.pageAt1)} | ${percent(row.pageAt3)} | ${percent(row.noiseAt3)} | ${round(row.p50Ms, 1)} | ${round(row.p95Ms, 1)} | ${round(row.cpuP50Ms, 1)} | ${round(row.cpuP95Ms, 1)} |`,
    ),
  ];
  return lines.join('\n');
}

async function writeDocsTable(table: string, machine: string): Promise<void> {
  const page = await readFile(DOCS_PAGE, 'utf8');
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`${DOCS_PAGE} has no ${TABLE_START} … ${TABLE_END}`);
  const block = `${TABLE_START}\n\n${machine}\n\n${table}\n\n`;
  // As `npx prettier --check .` wants the page: it aligns a table's columns.
  const options = (await prettier.resolveConfig(DOCS_PAGE)) ?? {};
  const text = await prettier.format(`${page.slice(0, start)}${block}${page.slice(end)}`, {
    ...options,
    filepath: DOCS_PAGE,
  });
  await writeFile(DOCS_PAGE, text);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rootfs = args[args.indexOf('--record-system') + 1];
  if (args.includes('--record-system') && rootfs) return recordSystemFixture(rootfs);
  const corpus = await debianManCorpus((line) => process.stdout.write(line));
  const dir = await makeTempDir('steward-bench-docs-retrieval-');
  try {
    process.stdout.write(`indexing ${corpus.packages.length} packages' man pages and help…\n`);
    const kept = args.includes('--keep-index');
    const store = DocsStore.open(join(kept ? join(corpus.root, '..') : dir.path, 'docs.db'));
    const index = new DocsIndex({ store, sources: corpus.sources, log, dutyCycle: 1 });
    const indexing = performance.now();
    await index.refresh(!kept);
    for (const [name, value] of args.flatMap((arg, at) => (args[at - 1] === '--meaning' ? [arg.split('=')] : [])))
      if (name !== undefined && name in MEANING) MEANING[name as keyof typeof MEANING] = Number(value);
    for (const [name, value] of args.flatMap((arg, at) => (args[at - 1] === '--examples' ? [arg.split('=')] : [])))
      if (name !== undefined && name in EXAMPLES) EXAMPLES[name as keyof typeof EXAMPLES] = Number(value);
    if (args.includes('--relearn')) {
      const learning = performance.now();
      await store.learnMeaning();
      process.stdout.write(`word vectors learned again in ${round((performance.now() - learning) / 1000, 1)} s\n`);
    }
    const { bytes } = store.counts();
    process.stdout.write(
      `index brought up to date in ${round((performance.now() - indexing) / 1000, 1)} s; ${round(bytes / 2 ** 20, 1)} MiB\n`,
    );
    // The running system is a real machine's, recorded (docsRunningSystem.ts), not this host's.
    store.setRunningSystem(await recordedSystem());
    const pages = (store.db.prepare('SELECT count(DISTINCT title) AS n FROM passages').get() as { n: number }).n;
    const missing = Object.values(QUESTION_SETS)
      .flat()
      .flatMap((question) => question.answers.filter((answer) => !hasPassage(store, answer)));
    if (missing.length > 0) throw new Error(`answers not in the index: ${missing.join('; ')}`);
    for (const [name, value] of args.flatMap((arg, at) => (args[at - 1] === '--weight' ? [arg.split('=')] : [])))
      if (name !== undefined && name in WEIGHTS) WEIGHTS[name as keyof typeof WEIGHTS] = Number(value);
    if (args.includes('--candidates')) {
      candidates(store);
      return await index.stop();
    }
    if (args.includes('--near')) {
      near(store);
      return await index.stop();
    }
    if (args.includes('--explain')) {
      explain(store, args[args.indexOf('--explain') + 1] ?? '');
      return await index.stop();
    }
    if (args.includes('--rounds')) latencyRounds = Number(args[args.indexOf('--rounds') + 1]);
    const only = args[args.indexOf('--only') + 1];
    const rankings = (Object.keys(RANKINGS) as Ranking[]).filter(
      (ranking) => !args.includes('--only') || ranking === only,
    );
    const rows = rankings.flatMap((ranking) =>
      (Object.keys(QUESTION_SETS) as QuestionSet[]).map((set) => measure(store, ranking, set)),
    );
    const load = loadavg()[0]?.toFixed(1) ?? '?';
    const machine = `${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, load average ${load} when measured`;
    const table = markdownTable(rows, pages, corpus.packages.length);
    process.stdout.write(`\nSteward documentation search — ${machine}\n\n${table}\n`);
    const best = rows.findLast((row) => row.set === 'tuned')!;
    process.stdout.write(
      `\ntargets: passage recall@3 ≥ ${percent(TARGETS.recallAt3)}: ${best.passageAt3 >= TARGETS.recallAt3 ? 'ok' : 'MISSED'}; p95 < ${TARGETS.p95Ms} ms: ${best.p95Ms < TARGETS.p95Ms ? 'ok' : 'MISSED'}\n`,
    );
    if (args.includes('--misses')) {
      for (const row of rows) {
        process.stdout.write(`\nmissed at 3 with ${RANKINGS[row.ranking]}, ${SET_NAMES[row.set]}:\n`);
        for (const outcome of row.outcomes.filter((outcome) => (outcome.passageRank ?? Infinity) > 3))
          process.stdout.write(
            `  ${outcome.question}   [wanted ${outcome.expected.join(' or ')}; page at ${outcome.pageRank ?? '-'}, passage at ${outcome.passageRank ?? '-'}]\n    → ${outcome.top.join('  |  ')}\n`,
          );
      }
    }
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(
      RESULTS,
      `${JSON.stringify({ date: new Date().toISOString(), machine, pages, packages: corpus.packages, rows }, null, 2)}\n`,
    );
    if (args.includes('--write-docs')) await writeDocsTable(table, machine);
    process.stdout.write(`\nresults in ${RESULTS}\n`);
    await index.stop();
  } finally {
    await dir.remove();
  }
}

/** The ranking's first passages for `question`, with their scores, and where the passages that answer it are. */
function explain(store: DocsStore, question: string): void {
  const asked = [
    ...QUESTIONS,
    ...HELD_OUT_QUESTIONS,
    ...UNSEEN_QUESTIONS,
    ...UNSEEN_2_QUESTIONS,
    ...UNSEEN_3_QUESTIONS,
  ].find((known) => known.question === question);
  const { ordered } = store.rankedCandidates(queryTerms(question));
  if (ordered === null) return void process.stdout.write('the question names a page alone: BM25 orders it\n');
  ordered.forEach((row, at) => {
    const ref = refOf(row.title, row.entry, row.heading);
    const answering = asked?.answers.some((answer) => answers(row, answer)) === true;
    if (at < 12 || answering)
      process.stdout.write(`${answering ? '*' : ' '} ${at + 1}. ${row.score.toFixed(2)} ${ref.slice(0, 100)}\n`);
  });
}

/**
 * The tuning questions whose answering passage is not among the candidates the ranking orders (no weight of
 * manRanking.ts can lift it), and the rank of the others' answer where it is below the third.
 */
function candidates(store: DocsStore): void {
  const below: number[] = [];
  for (const question of QUESTIONS) {
    const { ordered } = store.rankedCandidates(queryTerms(question.question));
    if (ordered === null) continue;
    const at = ordered.findIndex((row) => question.answers.some((answer) => answers(row, answer)));
    if (at === -1) process.stdout.write(`not a candidate (of ${ordered.length}): ${question.question}\n`);
    else if (at >= 3) below.push(at + 1);
  }
  process.stdout.write(`candidates ranked below 3rd, at: ${below.sort((a, b) => a - b).join(' ')}\n`);
}

/**
 * Where the answering page stands among all pages by how near its NAME line is in meaning to the question
 * (docsStore.ts pagesNear): each tuning question's, and the share of each set's within the first 10 and 50.
 */
function near(store: DocsStore): void {
  for (const set of Object.keys(QUESTION_SETS) as QuestionSet[]) {
    const ranks = QUESTION_SETS[set].map((question) => {
      const order = [...store.pagesNear(queryTerms(question.question))].sort((a, b) => b[1] - a[1]);
      const pages = question.answers.map((answer) => answer.split('#')[0]!);
      const at = order.findIndex(([title]) => pages.includes(title)) + 1 || Infinity;
      if (set === 'tuned')
        process.stdout.write(
          `${at}\t${question.question}  →  ${order
            .slice(0, 3)
            .map(([t]) => t)
            .join(', ')}\n`,
        );
      return at;
    });
    const within = (k: number) => percent(ranks.filter((rank) => rank <= k).length / ranks.length);
    process.stdout.write(`${SET_NAMES[set]}: answering page among the nearest 10: ${within(10)}, 50: ${within(50)}\n`);
  }
}

/** Whether a page is a noise package's (NOISE_PACKAGES), by the package the index read for it. */
let noiseTitles: Set<string> | null = null;
function noisePages(store: DocsStore): (title: string) => boolean {
  if (noiseTitles === null) {
    const rows = store.db
      .prepare(
        `SELECT DISTINCT p.title FROM passages p JOIN files f ON f.id = p.file_id
          WHERE f.package IN (${NOISE_PACKAGES.map(() => '?').join(', ')})`,
      )
      .all(...NOISE_PACKAGES) as { title: string }[];
    noiseTitles = new Set(rows.map((row) => row.title));
  }
  const titles = noiseTitles;
  return (title) => titles.has(title);
}

/** Whether the index holds a passage that `answer` names: a question must not ask for what no page says. */
function hasPassage(store: DocsStore, answer: string): boolean {
  const [page = '', part] = answer.split('#');
  return store.contents(page).some((name) => part === undefined || name.toLowerCase().startsWith(part.toLowerCase()));
}

await main();
