// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Replaces jasmine's console reporter. Its closing lines ("Finished in N
// seconds", "N specs, N failures", "Randomized with seed N") read as another
// runner's summary with no test counted, so CI took whole runs for runs of no
// test. This one prints the plain "N passed, N failed, N skipped" line CI reads
// in every language, and the failures in full.
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

let passed = 0;
const failures: string[] = [];
const skipped: string[] = [];

jasmine.getEnv().clearReporters();
jasmine.getEnv().addReporter({
  jasmineStarted() {
    write('Started\n');
  },
  specDone(result) {
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
  suiteDone(result) {
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
    // A failure outside any spec (afterAll, top level) counts too.
    const failed = failures.length;
    write(`\njasmine: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  },
});
