// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Replaces jasmine's console reporter. Its closing lines ("Finished in N
// seconds", "N specs, N failures", "Randomized with seed N") read as another
// runner's summary with no test counted, so CI took whole runs for runs of no
// test. This one prints the plain "N passed, N failed, N skipped" line CI reads
// in every language, and the failures in full.
//
// A serial run installs it from ciReporter.helper.js; a parallel run (--parallel=N) names this module with
// --reporter=, as jasmine then reports in the main process from what its workers send.
//
// STEWARD_SPEC_CARRY=FILE joins runs into one report (test/run.sh runs unit and integration specs in parallel,
// then the end-to-end ones one at a time): each run starts from what FILE holds and writes its sum back, and a
// run with STEWARD_SPEC_MORE=1 leaves the report to the run that follows it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const write = (text: string) => process.stdout.write(text);

interface Timed {
  name: string;
  ms: number;
}

/** What a run found, and what the runs before it in the same report found. */
interface Results {
  passed: number;
  failures: string[];
  skipped: string[];
  specs: Timed[];
  suites: Timed[];
  /** Seconds per folder of dist/test (unit, integration, e2e, gym), each the sum of its top-level suites. */
  folders: Record<string, number>;
  /** Wall time of each run, in ms. */
  runs: number[];
}

const empty = (): Results => ({ passed: 0, failures: [], skipped: [], specs: [], suites: [], folders: {}, runs: [] });

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

function folderOf(filename: string | undefined): string {
  return /\/dist\/test\/([^/]+)\//.exec(filename ?? '')?.[1] ?? 'other';
}

function slowest(times: Timed[]): string {
  return [...times]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST_SHOWN)
    .map(({ name, ms }) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}\n`)
    .join('');
}

export default class CiReporter implements jasmine.CustomReporter {
  // Everything it needs comes in the events: it may run in the main process of a parallel run.
  readonly reporterCapabilities = { parallel: true };
  private readonly carry = process.env.STEWARD_SPEC_CARRY;
  // Empty when no run wrote it yet (test/run.sh makes it with mktemp), or when the run before stopped short.
  private readonly results: Results = this.carried() ?? empty();

  private carried(): Results | undefined {
    const text = this.carry && existsSync(this.carry) ? readFileSync(this.carry, 'utf8') : '';
    return text ? (JSON.parse(text) as Results) : undefined;
  }

  jasmineStarted(): void {
    write('Started\n');
  }

  specDone(result: jasmine.SpecResult): void {
    this.results.specs.push({ name: result.fullName, ms: result.duration ?? 0 });
    if (result.status === 'passed') {
      this.results.passed += 1;
      write('.');
    } else if (result.status === 'failed') {
      this.results.failures.push(describeFailures(result.fullName, result.failedExpectations));
      write('F');
    } else if (result.status === 'pending') {
      this.results.skipped.push(`${result.fullName}${result.pendingReason ? `: ${result.pendingReason}` : ''}`);
      write('*');
    }
  }

  // Top-level suites by their parent, not by counting: the workers of a parallel run report theirs interleaved.
  suiteDone(result: jasmine.SuiteResult & { parentSuiteId?: string | null }): void {
    if (!result.parentSuiteId) {
      this.results.suites.push({ name: result.fullName, ms: result.duration ?? 0 });
      const folder = folderOf(result.filename);
      this.results.folders[folder] = (this.results.folders[folder] ?? 0) + (result.duration ?? 0);
    }
    if (result.failedExpectations.length > 0)
      this.results.failures.push(describeFailures(`suite ${result.fullName}`, result.failedExpectations));
  }

  jasmineDone(result: jasmine.JasmineDoneInfo & { numWorkers?: number }): void {
    const { results } = this;
    if (result.failedExpectations.length > 0)
      results.failures.push(describeFailures('top level', result.failedExpectations));
    results.runs.push(result.totalTime);
    write('\n');
    if (result.incompleteReason) write(`Incomplete: ${result.incompleteReason}\n`);
    const order = result.order?.random
      ? `Spec order shuffled; to repeat it: --seed=${result.order.seed}`
      : `Spec files shared among ${result.numWorkers ?? 1} workers, each in its own order`;
    write(`${order}. Took ${(result.totalTime / 1000).toFixed(1)} s.\n`);
    if (this.carry) writeFileSync(this.carry, JSON.stringify(results));
    if (process.env.STEWARD_SPEC_MORE === '1') {
      write(
        `So far: ${results.passed} passed, ${results.failures.length} failed, ${results.skipped.length} skipped\n\n`,
      );
      return;
    }
    write('\n');
    results.failures.forEach((failure, index) => write(`${index + 1}) ${failure}\n`));
    if (results.skipped.length > 0) write(`Skipped:\n${results.skipped.map((name) => `  ${name}\n`).join('')}\n`);
    if (results.runs.length > 1)
      write(
        `Took ${results.runs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' + ')} in ${results.runs.length} runs.\n`,
      );
    write(`Slowest specs:\n${slowest(results.specs)}Slowest suites:\n${slowest(results.suites)}`);
    const perFolder = Object.entries(results.folders).map(([folder, ms]) => `${folder} ${(ms / 1000).toFixed(0)} s`);
    write(`Time per folder: ${perFolder.join(', ')}\n`);
    const timesFile = process.env.STEWARD_SPEC_TIMES;
    if (timesFile)
      writeFileSync(
        timesFile,
        JSON.stringify({ specs: results.specs, suites: results.suites, folders: results.folders }, null, 2),
      );
    // A failure outside any spec (afterAll, top level) counts too.
    write(
      `\njasmine: ${results.passed} passed, ${results.failures.length} failed, ${results.skipped.length} skipped\n`,
    );
  }
}
