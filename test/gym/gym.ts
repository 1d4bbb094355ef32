// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One gym session: the cached root filesystem, booted once, with Steward installed from this checkout;
// the scenarios one after another on that system; the score.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { dirname } from 'node:path';

import { ensureRootfs } from '../e2e/harness/rootfs.js';
import { Agent } from './agentClient.js';
import { checkDoctor, type DoctorVerdict } from './doctor.js';
import { GYM_RECIPE, GYM_SUITE } from './rootfs.js';
import { type Row, Runner, waitForSteward } from './runner.js';
import type { Scenario } from './scenario.js';
import { bootSystem, type GymSystem } from './system.js';

export interface Score {
  machine: Record<string, string | number>;
  /** `steward doctor`'s verdicts in the system, each beside what the system's own tools say. */
  doctor: DoctorVerdict[];
  seconds: { rootfs: number; boot: number; scenarios: number };
  rows: Row[];
  passed: number;
  total: number;
}

/** Boots the gym's system, runs `scenarios` in it in order, and ends it, also when a scenario fails. */
export async function runGym(scenarios: Scenario[], onRow: (row: Row) => void = () => undefined): Promise<Score> {
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
    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const row = await runner.run(scenario);
      rows.push(row);
      onRow(row);
    }
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

function hostDescription(): Record<string, string | number> {
  const osRelease = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    host: osRelease.trim(),
    node: process.version,
  };
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

const yesNo = (value: boolean | null) => (value === null ? '–' : value ? 'yes' : 'NO');

/** The score as a table, one row per scenario and the total, with each failed row's reason below it. */
export function scoreTable(score: Score): string {
  const header = ['scenario', 'detected', 'time', 'first step', 'applied', 'healthy', 'resolved', 'undone', 'pass'];
  const lines = score.rows.map((row) => [
    row.scenario,
    yesNo(row.detected),
    row.detectSeconds === null ? '–' : `${row.detectSeconds} s`,
    row.firstStep ? `${row.firstStep.right ? '' : 'NO '}${row.firstStep.got ?? 'none'}` : '–',
    row.applied ? `${row.applied.right ? '' : 'NO '}${row.applied.state}` : '–',
    yesNo(row.healthy),
    yesNo(row.resolved),
    yesNo(row.undone),
    row.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  const out = [format(header), widths.map((width) => '-'.repeat(width)).join('  ')];
  for (const [index, line] of lines.entries()) {
    out.push(format(line));
    const reason = score.rows[index]?.reason;
    if (reason) out.push(`    ↳ ${reason}`);
  }
  out.push('', `${score.passed}/${score.total} scenarios passed`);
  const wrong = score.doctor.filter((verdict) => !verdict.right);
  out.push(
    `steward doctor: ${score.doctor.length - wrong.length}/${score.doctor.length} verdicts true` +
      wrong
        .map((v) => `; ${v.capability} said ${v.said ? 'present' : 'missing'}, is ${v.truth ? 'present' : 'missing'}`)
        .join(''),
  );
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

export async function writeScore(path: string, score: Score): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(score, null, 2)}\n`);
}
