// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run gym:desktop [--idle=SECONDS] [NAME...]`: every desktop scenario (or those named) in one real headless
// GNOME Shell; prints the score table and writes it as test-results/gym-desktop/score.json. With --idle, the idle
// service's cost is then measured over that many seconds, every desktop watcher on (idle.json).
import { join } from 'node:path';

import { writeScore } from '../../gym/score.js';
import { waitFor } from '../../support/service.js';
import { desktopScoreTable, openDesktopGym } from './desktopGym.js';
import { idleCost } from './idleCost.js';
import { SCENARIOS } from './scenarios.js';

const RESULTS = join(process.cwd(), 'test-results', 'gym-desktop');

const IDLE = /^--idle=(\d+)$/;
const DOCS_INDEX_TIMEOUT_MS = 10 * 60_000;
const idleSeconds = Number(process.argv.map((arg) => IDLE.exec(arg)?.[1]).find(Boolean) ?? 0);
const names = process.argv.slice(2).filter((arg) => !IDLE.test(arg));
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
  const pid = gym.service.process.pid;
  if (idleSeconds > 0 && pid !== undefined) {
    // The service indexes the documentation when it is first idle: that is work, not rest.
    await waitFor(
      () => /documentation index updated|cannot index the documentation/.test(gym.service.log()),
      'the documentation index',
      DOCS_INDEX_TIMEOUT_MS,
    );
    console.log(`\nmeasuring the idle service for ${idleSeconds} s…`);
    const cost = await idleCost(pid, idleSeconds);
    console.log(
      `idle ${cost.seconds} s: ${cost.cpuSeconds} CPU-s (${cost.cpuSecondsPerHour} CPU-s/h); ` +
        `RSS ${cost.serviceRssMb} MB (the service), ${cost.treeRssMb} MB (with its children)`,
    );
    for (const { comm, cpuSeconds, rssMb } of cost.processes)
      console.log(`  ${comm}: ${cpuSeconds} CPU-s, ${rssMb} MB`);
    const { anonymousMb, fileMb, largest } = cost.serviceMemory;
    console.log(`the service's memory: ${anonymousMb} MB anonymous, ${fileMb} MB of mapped files`);
    for (const { mapping, rssMb } of largest) console.log(`  ${mapping}: ${rssMb} MB`);
    await writeScore(join(RESULTS, 'idle.json'), cost);
  }
} finally {
  await gym.close();
}
