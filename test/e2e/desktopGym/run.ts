// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run gym:desktop [NAME...]`: every desktop scenario (or those named) in one real headless GNOME Shell;
// prints the score table and writes it as test-results/gym-desktop/score.json.
import { join } from 'node:path';

import { writeScore } from '../../gym/score.js';
import { desktopScoreTable, openDesktopGym } from './desktopGym.js';
import { SCENARIOS } from './scenarios.js';

const RESULTS = join(process.cwd(), 'test-results', 'gym-desktop');

const names = process.argv.slice(2);
const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);
const scenarios = names.length > 0 ? SCENARIOS.filter((scenario) => names.includes(scenario.name)) : SCENARIOS;

const gym = await openDesktopGym(join(RESULTS, 'session'), scenarios);
try {
  const score = await gym.run(scenarios, {}, (row) =>
    console.log(`${row.pass ? 'PASS' : 'FAIL'} ${row.scenario}${row.reason ? `: ${row.reason}` : ''}`),
  );
  console.log(`\n${desktopScoreTable(score)}`);
  await writeScore(join(RESULTS, 'score.json'), score);
  console.log(`\nwritten to ${join(RESULTS, 'score.json')}`);
} finally {
  await gym.close();
}
