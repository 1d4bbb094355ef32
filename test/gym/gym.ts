// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One gym session: the cached root filesystem, booted once, with Steward installed from this checkout;
// the scenarios one after another on that system; the score.
import { ensureRootfs } from '../e2e/harness/rootfs.js';
import { Agent } from './agentClient.js';
import { checkDoctor, type DoctorVerdict } from './doctor.js';
import { GYM_RECIPE, GYM_SUITE } from './rootfs.js';
import { Runner, waitForSteward } from './runner.js';
import type { Scenario } from './scenario.js';
import { hostDescription, type Row, rowsTable } from './score.js';
import { bootSystem, type GymSystem } from './system.js';
import { dayTotals, idleFor, type Totals, totalsLines } from './totals.js';

export interface Score {
  machine: Record<string, string | number>;
  /** `steward doctor`'s verdicts in the system, each beside what the system's own tools say. */
  doctor: DoctorVerdict[];
  seconds: { rootfs: number; boot: number; scenarios: number };
  rows: Row[];
  passed: number;
  total: number;
  /** What the rules every scenario is held to saw (runner.ts, proposalChecks.ts). */
  rules: Runner['checked'];
  /** Everything Steward raised against what the scenarios injected, and the idle tail's (totals.ts). */
  day: Totals;
}

export interface GymOptions {
  /** After the scenarios, the same boot is left alone this long before the totals are made (0: not at all). */
  idleSeconds?: number;
}

/** Boots the gym's system, runs `scenarios` in it in order, and ends it, also when a scenario fails. */
export async function runGym(
  scenarios: Scenario[],
  onRow: (row: Row) => void = () => undefined,
  { idleSeconds = 0 }: GymOptions = {},
): Promise<Score> {
  const started = Date.now();
  const { path: rootfs } = await ensureRootfs(GYM_SUITE, GYM_RECIPE);
  const booting = Date.now();
  const system = await bootSystem(rootfs, process.cwd());
  let agent: Agent | undefined;
  try {
    agent = await Agent.start(system);
    await waitForSteward(agent);
    const ready = Date.now();
    const guest = {
      systemd: (await system.check(['systemctl', '--version'])).split('\n')[0] ?? '',
      node: (await system.check(['node', '--version'])).trim(),
    };
    const runner = new Runner(system, agent);
    await runner.ready();
    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const row = await runner.run(scenario);
      rows.push(row);
      onRow(row);
    }
    const idle = idleSeconds > 0 ? await idleFor(agent, system, idleSeconds) : null;
    const day = await dayTotals(agent, system, runner.windows, idle);
    const doctor = await checkDoctor(system);
    const score = {
      doctor,
      machine: { ...hostDescription(), 'guest.systemd': guest.systemd, 'guest.node': guest.node, rootfs },
      seconds: {
        rootfs: seconds(booting - started),
        boot: seconds(ready - booting),
        scenarios: seconds(Date.now() - ready),
      },
      rows,
      passed: rows.filter((row) => row.pass).length,
      total: rows.length,
      rules: runner.checked,
      day,
    };
    if (process.env.STEWARD_GYM_KEEP === '1') await keepForInspection(system);
    return score;
  } finally {
    await agent?.stop();
    await system.stop();
  }
}

/** STEWARD_GYM_KEEP=1: the system stays up, to look around in, until Ctrl-C. */
async function keepForInspection(system: GymSystem): Promise<void> {
  console.log(
    `The system runs on; enter it with:\n  ${system.commandLine(['bash'], 'root').join(' ')}\nCtrl-C ends it.`,
  );
  await new Promise((resolve) => process.once('SIGINT', resolve));
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The score as a table, one row per scenario and the total, with each failed row's reason below it. */
export function scoreTable(score: Score): string {
  const out = rowsTable(score.rows);
  const wrong = score.doctor.filter((verdict) => !verdict.right);
  out.push(
    `steward doctor: ${score.doctor.length - wrong.length}/${score.doctor.length} verdicts true` +
      wrong
        .map((v) => `; ${v.capability} said ${v.said ? 'present' : 'missing'}, is ${v.truth ? 'present' : 'missing'}`)
        .join(''),
  );
  const { checksMade, checksFailed, restartsWhileFailing, duplicates } = score.rules;
  out.push(
    `held over every scenario: ${duplicates} findings with more than one open proposal; ` +
      `${restartsWhileFailing} restarts offered while a check failed (the gym made ${checksMade} of the proposals' ` +
      `checks on the machine while the fault stood, ${checksFailed} failing)`,
  );
  out.push(...totalsLines(score.day));
  out.push(
    `rootfs ${score.seconds.rootfs} s, boot and Steward ready ${score.seconds.boot} s, scenarios ${score.seconds.scenarios} s`,
  );
  out.push(
    Object.entries(score.machine)
      .map(([key, value]) => `${key}: ${value}`)
      .join('; '),
  );
  return out.join('\n');
}
