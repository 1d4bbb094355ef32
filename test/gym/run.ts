// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run gym [-- --day | --idle=SECONDS] [NAME...]`: every scenario (or those named) in a booted system; prints the
// score table and the day's totals and writes them as test-results/gym/score.json. With --day the same boot then stays
// up idle for 30 minutes (--idle: as long as it says) before the totals are made. Exits 1 when a row or the totals fail.
import { join } from 'node:path';

import { runGym, scoreTable } from './gym.js';
import { loadScenarios } from './scenario.js';
import { writeScore } from './score.js';

const SCORE_PATH = join(process.cwd(), 'test-results', 'gym', 'score.json');

/** The idle half hour of `--day`. */
const DAY_IDLE_SECONDS = 30 * 60;

const args = process.argv.slice(2);
const idleArg = args.find((arg) => arg.startsWith('--idle='));
const idleSeconds = args.includes('--day') ? DAY_IDLE_SECONDS : idleArg ? Number(idleArg.slice('--idle='.length)) : 0;
if (!Number.isInteger(idleSeconds) || idleSeconds < 0) throw new Error(`not a number of seconds: ${idleArg}`);
const names = args.filter((arg) => !arg.startsWith('--'));
const all = await loadScenarios();
const unknown = names.filter((name) => !all.some((scenario) => scenario.name === name));
if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);
const scenarios = names.length > 0 ? all.filter((scenario) => names.includes(scenario.name)) : all;

const score = await runGym(
  scenarios,
  (row) => console.log(`${row.pass ? 'PASS' : 'FAIL'} ${row.scenario}${row.reason ? `: ${row.reason}` : ''}`),
  { idleSeconds },
);
console.log(`\n${scoreTable(score)}`);
await writeScore(SCORE_PATH, score);
console.log(`\nwritten to ${SCORE_PATH}`);
if (score.passed < score.total || score.day.failures.length > 0) process.exitCode = 1;
