// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run corpus`: every case of test/corpus/cases/ through the real service
// (test/corpus/README.md, replay.ts), scored per class against test/corpus/baseline.json.
//   node dist/corpus/run.js [--update-baseline] [--cases DIR]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { baselineOf, baselineSchema, causesTable, shortfalls, table } from './baseline.js';
import { CASES_DIR, loadCases } from './cases.js';
import { incoherence } from './coherence.js';
import { json, replayCorpus } from './replay.js';
import { score } from './score.js';

const BASELINE = join(process.cwd(), 'test', 'corpus', 'baseline.json');
const RESULTS = join(process.cwd(), 'test-results', 'corpus.json');

const { values } = parseArgs({ options: { 'update-baseline': { type: 'boolean' }, cases: { type: 'string' } } });
const started = Date.now();
const cases = loadCases(values.cases ?? CASES_DIR);
const { placed, findings, proposals, proposalsAfter, slowestWaves } = await replayCorpus(cases);
const result = score(placed, findings, proposals, proposalsAfter);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
// Worded unlike a test runner's summary ("N passed, N failed in S s"): CI reads such a line as one that ran no test.
console.log(
  `${table(result)}\n\n${causesTable(result)}\n\ncorpus replayed through the service: cases ${cases.length}, findings ${findings.length}, ` +
    `proposals ${proposals.length}; took ${seconds} s`,
);
console.log(
  `slowest waves: ${slowestWaves.map((w) => `${w.wave} (${w.cases.join(', ')}) ${(w.ms / 1000).toFixed(1)} s`).join('; ')}`,
);
if (result.unplaced.length > 0) {
  console.log(`findings outside every case: ${result.unplaced.map((f) => `${f.kind} ${f.subject}`).join(', ')}`);
}
const incoherent = incoherence(placed, findings, proposals);
console.log(
  `subjects and proposals: ${incoherent.length === 0 ? 'no bad subject, no contradictory or repeated proposal' : ''}`,
);
for (const { caseId, problem } of incoherent) console.log(`  ${caseId}: ${problem}`);
await mkdir(dirname(RESULTS), { recursive: true });
await writeFile(RESULTS, `${json({ ...result, incoherent }, 2)}\n`);
console.log(`details: ${RESULTS}`);

if (incoherent.length > 0) {
  console.error(`${incoherent.length} bad subjects or contradictory proposals (listed above)`);
  process.exitCode = 1;
}
if (values['update-baseline']) {
  await writeFile(BASELINE, `${JSON.stringify(baselineOf(result), null, 2)}\n`);
  console.log(`wrote ${BASELINE}`);
} else {
  const below = shortfalls(result, baselineSchema.parse(JSON.parse(await readFile(BASELINE, 'utf8'))));
  if (below.length > 0) {
    console.error(`below the baseline (test/corpus/baseline.json):\n${below.join('\n')}`);
    process.exitCode = 1;
  }
}
