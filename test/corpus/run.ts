// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run corpus`: every case of both parts (test/corpus/cases/, the tuning part, then test/corpus/sealed/, held to
// its SHA256SUMS) through the real service (test/corpus/README.md, replay.ts), scored per class and part against
// test/corpus/baseline.json. The sealed part is shown as totals only: no case of it is named, here or in the details.
//   node dist/corpus/run.js [--update-baseline] [--cases DIR] [--sealed DIR]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { baselineOf, baselineSchema, causesTable, partsTable, shortfalls, table } from './baseline.js';
import { CASES_DIR } from './cases.js';
import { incoherence } from './coherence.js';
import { benignRaisedLine, missesLines, missesOf } from './misses.js';
import { json, replayCorpus } from './replay.js';
import { score } from './score.js';
import { loadParts, SEALED_DIR } from './sealed.js';

const BASELINE = join(process.cwd(), 'test', 'corpus', 'baseline.json');
const RESULTS = join(process.cwd(), 'test-results', 'corpus.json');

const { values } = parseArgs({
  options: { 'update-baseline': { type: 'boolean' }, cases: { type: 'string' }, sealed: { type: 'string' } },
});
const started = Date.now();
const parts = loadParts(values.cases ?? CASES_DIR, values.sealed ?? SEALED_DIR);
const sealedCases = new Set(parts.sealed);
const cases = [...parts.tuning, ...parts.sealed];
const { placed, findings, proposals, proposalsAfter, slowestWaves, quietRestarts } = await replayCorpus(
  cases,
  sealedCases,
);
const inPart = (sealed: boolean) => placed.filter((p) => sealedCases.has(p.corpusCase) === sealed);
const result = score(inPart(false), findings, proposals, proposalsAfter);
const sealed = score(inPart(true), findings, proposals, proposalsAfter);
const { unplaced } = score(placed, findings, proposals, proposalsAfter);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
// Worded unlike a test runner's summary ("N passed, N failed in S s"): CI reads such a line as one that ran no test.
console.log(
  `the tuning part (test/corpus/cases):\n\n${table(result)}\n\n${causesTable(result)}\n\n` +
    `both parts, totals (the sealed part, test/corpus/sealed, is read only so):\n\n${partsTable(result, sealed)}\n\n` +
    `corpus replayed through the service: cases ${cases.length} (sealed ${parts.sealed.length}), ` +
    `findings ${findings.length}, proposals ${proposals.length}; took ${seconds} s`,
);
console.log(
  `slowest waves: ${slowestWaves.map((w) => `${w.wave} (${w.cases.join(', ')}) ${(w.ms / 1000).toFixed(1)} s`).join('; ')}`,
);
console.log(
  `journal followers the service started again because they went quiet: ${
    Object.entries(quietRestarts)
      .map(([source, count]) => `${source} ${count}`)
      .join(', ') || 'none'
  }`,
);
console.log(
  `how the sealed part's cases were missed (totals):\n${missesLines(missesOf(parts.sealed, sealed.outcomes)).join('\n')}\n` +
    benignRaisedLine(sealed.outcomes, parts.sealed),
);
if (unplaced.length > 0) {
  console.log(`findings outside every case: ${unplaced.map((f) => `${f.kind} ${f.subject}`).join(', ')}`);
}
const incoherent = incoherence(placed, findings, proposals);
const sealedIds = new Set(parts.sealed.map((c) => c.id));
const open = incoherent.filter((i) => !sealedIds.has(i.caseId));
const closed = incoherent.length - open.length;
console.log(
  `subjects and proposals: ${incoherent.length === 0 ? 'no bad subject, no contradictory or repeated proposal' : ''}`,
);
for (const { caseId, problem } of open) console.log(`  ${caseId}: ${problem}`);
if (closed > 0) console.log(`  the sealed part: ${closed} bad subjects or contradictory proposals`);
await mkdir(dirname(RESULTS), { recursive: true });
const totals = { classes: sealed.classes, total: sealed.total, benign: sealed.benign };
await writeFile(RESULTS, `${json({ ...result, unplaced, incoherent: open, sealed: totals }, 2)}\n`);
console.log(`details of the tuning part: ${RESULTS}`);

if (incoherent.length > 0) {
  console.error(`${incoherent.length} bad subjects or contradictory proposals (listed above)`);
  process.exitCode = 1;
}
if (values['update-baseline']) {
  await writeFile(
    BASELINE,
    `${JSON.stringify(baselineOf(result, parts.sealed.length > 0 ? sealed : undefined), null, 2)}\n`,
  );
  console.log(`wrote ${BASELINE}`);
} else {
  const baseline = baselineSchema.parse(JSON.parse(await readFile(BASELINE, 'utf8')));
  const below = shortfalls(result, baseline, 1, sealed);
  if (below.length > 0) {
    console.error(`below the baseline (test/corpus/baseline.json):\n${below.join('\n')}`);
    process.exitCode = 1;
  }
}
