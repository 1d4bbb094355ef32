// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run gym [NAME...]`: every scenario (or those named) in a booted system; prints the score table
// and writes it as test-results/gym/score.json.
import { join } from 'node:path';

import { runGym, scoreTable } from './gym.js';
import { loadScenarios } from './scenario.js';
import { writeScore } from './score.js';

const SCORE_PATH = join(process.cwd(), 'test-results', 'gym', 'score.json');

const names = process.argv.slice(2);
const all = await loadScenarios();
const unknown = names.filter((name) => !all.some((scenario) => scenario.name === name));
if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);
const scenarios = names.length > 0 ? all.filter((scenario) => names.includes(scenario.name)) : all;

const score = await runGym(scenarios, (row) =>
  console.log(`${row.pass ? 'PASS' : 'FAIL'} ${row.scenario}${row.reason ? `: ${row.reason}` : ''}`),
);
console.log(`\n${scoreTable(score)}`);
await writeScore(SCORE_PATH, score);
console.log(`\nwritten to ${SCORE_PATH}`);
