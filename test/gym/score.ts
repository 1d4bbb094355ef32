// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A gym's score, shared by the gym in a booted system (`npm run gym`) and the desktop gym in GNOME Shell
// (`npm run gym:desktop`): one row per scenario, the table both print, the JSON both write.
import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface Row {
  scenario: string;
  title: string;
  /** The right kind and subject, or for a quiet scenario: nothing raised that must not be. */
  detected: boolean;
  detectSeconds: number | null;
  finding: { kind: string; subject: string; title: string; severity: string } | null;
  firstStep: { expected: string; got: string | null; right: boolean } | null;
  /** The applied job's end state, and whether it is the expected one. */
  applied: { state: string; right: boolean } | null;
  /** What the last applied job said: a read-only step's output, a change's outcome and its check. */
  shown: string | null;
  /** What the first applied job said, where more steps followed it. */
  firstShown: string | null;
  healthy: boolean | null;
  /**
   * Steward resolved its finding once the machine was healthy (FindingResolved within 20 s). Shown, not
   * counted in `pass`: the score is detected, first step, applied, healthy, undone.
   */
  resolved: boolean | null;
  undone: boolean | null;
  pass: boolean;
  /** Why the row failed. */
  reason: string | null;
}

/** A row for `scenario` before anything of it ran: nothing detected, nothing passed. */
export const emptyRow = (scenario: string, title: string): Row => ({
  scenario,
  title,
  detected: false,
  detectSeconds: null,
  finding: null,
  firstStep: null,
  applied: null,
  shown: null,
  firstShown: null,
  healthy: null,
  resolved: null,
  undone: null,
  pass: false,
  reason: null,
});

const yesNo = (value: boolean | null) => (value === null ? '–' : value ? 'yes' : 'NO');

/** The rows as a table, one line per scenario, each failed row's reason below it, and the total. */
export function rowsTable(rows: Row[]): string[] {
  const header = ['scenario', 'detected', 'time', 'first step', 'applied', 'healthy', 'resolved', 'undone', 'pass'];
  const lines = rows.map((row) => [
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
    const reason = rows[index]?.reason;
    if (reason) out.push(`    ↳ ${reason}`);
  }
  out.push('', `${rows.filter((row) => row.pass).length}/${rows.length} scenarios passed`);
  return out;
}

export async function writeScore(path: string, score: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(score, null, 2)}\n`);
}

/** Space left to an unprivileged writer on `path`'s file system, in GB to one decimal. */
function freeGB(path: string): number {
  const { bavail, bsize } = statfsSync(path);
  return Math.round((bavail * bsize) / 1e8) / 10;
}

/** The machine the score was made on: the host's processor, memory, kernel, system and Node.js. */
export function hostDescription(): Record<string, string | number> {
  const osRelease = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    // Free space where the gyms keep their systems and journals: journald and the disk detector both read it.
    tmpFreeGB: freeGB(tmpdir()),
    host: osRelease.trim(),
    node: process.version,
  };
}
