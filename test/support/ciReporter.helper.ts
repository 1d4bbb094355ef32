// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Replaces jasmine's console reporter. Its closing lines ("Finished in N
// seconds", "N specs, N failures", "Randomized with seed N") read as another
// runner's summary with no test counted, so CI took whole runs for runs of no
// test. This one prints the plain "N passed, N failed, N skipped" line CI reads
// in every language, and the failures in full.
import { writeFileSync } from 'node:fs';

const write = (text: string) => process.stdout.write(text);

function describeFailures(name: string, expectations: { message: string; stack?: string }[]): string {
  const details = expectations.map((failure) => `  ${failure.message}\n${indent(failure.stack ?? '')}`);
  return `${name}\n${details.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => `    ${line}`)
    .join('\n');
}

// The slowest specs and top-level suites (a suite's time includes its beforeAll and afterAll), printed before
// the closing line so that a slow spec shows in every run; STEWARD_SPEC_TIMES=FILE writes all of them as JSON.
const SLOWEST_SHOWN = 10;
const specTimes: { name: string; ms: number }[] = [];
const suiteTimes: { name: string; ms: number }[] = [];
// Seconds per folder of dist/test (unit, integration, e2e, gym), each the sum of its top-level suites.
const folderTimes = new Map<string, number>();

function folderOf(filename: string | undefined): string {
  return /\/dist\/test\/([^/]+)\//.exec(filename ?? '')?.[1] ?? 'other';
}

function slowest(times: { name: string; ms: number }[]): string {
  return [...times]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST_SHOWN)
    .map(({ name, ms }) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}\n`)
    .join('');
}

let suiteDepth = 0;
let passed = 0;
const failures: string[] = [];
const skipped: string[] = [];

jasmine.getEnv().clearReporters();
jasmine.getEnv().addReporter({
  jasmineStarted() {
    write('Started\n');
  },
  specDone(result) {
    specTimes.push({ name: result.fullName, ms: result.duration ?? 0 });
    if (result.status === 'passed') {
      passed += 1;
      write('.');
    } else if (result.status === 'failed') {
      failures.push(describeFailures(result.fullName, result.failedExpectations));
      write('F');
    } else if (result.status === 'pending') {
      skipped.push(`${result.fullName}${result.pendingReason ? `: ${result.pendingReason}` : ''}`);
      write('*');
    }
  },
  suiteStarted() {
    suiteDepth += 1;
  },
  suiteDone(result) {
    suiteDepth -= 1;
    if (suiteDepth === 0) {
      suiteTimes.push({ name: result.fullName, ms: result.duration ?? 0 });
      const folder = folderOf(result.filename);
      folderTimes.set(folder, (folderTimes.get(folder) ?? 0) + (result.duration ?? 0));
    }
    if (result.failedExpectations.length > 0)
      failures.push(describeFailures(`suite ${result.fullName}`, result.failedExpectations));
  },
  jasmineDone(result) {
    if (result.failedExpectations.length > 0) failures.push(describeFailures('top level', result.failedExpectations));
    write('\n\n');
    failures.forEach((failure, index) => write(`${index + 1}) ${failure}\n`));
    if (skipped.length > 0) write(`Skipped:\n${skipped.map((name) => `  ${name}\n`).join('')}\n`);
    if (result.incompleteReason) write(`Incomplete: ${result.incompleteReason}\n`);
    write(
      `Spec order shuffled; to repeat it: --seed=${result.order.seed}. Took ${(result.totalTime / 1000).toFixed(1)} s.\n`,
    );
    write(`Slowest specs:\n${slowest(specTimes)}Slowest suites:\n${slowest(suiteTimes)}`);
    const perFolder = [...folderTimes].map(([folder, ms]) => `${folder} ${(ms / 1000).toFixed(0)} s`);
    write(`Time per folder: ${perFolder.join(', ')}\n`);
    const timesFile = process.env.STEWARD_SPEC_TIMES;
    if (timesFile)
      writeFileSync(
        timesFile,
        JSON.stringify({ specs: specTimes, suites: suiteTimes, folders: Object.fromEntries(folderTimes) }, null, 2),
      );
    // A failure outside any spec (afterAll, top level) counts too.
    const failed = failures.length;
    write(`\njasmine: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  },
});
