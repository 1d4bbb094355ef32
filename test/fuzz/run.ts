// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run fuzz`: a long fuzz run against the real service on a private bus
// (quiet watchers, no model): every method of every interface, hostile values
// and wrong signatures, seeded so a failure can be replayed.
//   node dist/fuzz/run.js [--calls 10000] [--seed N] [--parallel N] [--odd-files]
// --parallel: calls in flight at once (default 1); --odd-files: the service's
// model store and state hold FIFOs, links to /dev/zero and the like (test/support/oddFiles.ts).
// Exits 1 when any answer was Internal, carried a stack trace, was huge, or
// never came, or when the service crashed or logged a failed call.
import { parseArgs } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { mb, rssOf } from '../bench/stats.js';
import { freshSeed, Fuzzer, loadInterfaces } from '../support/fuzz.js';
import { runFuzzCalls, slowestMethod } from '../support/fuzzRun.js';
import { startServiceAmongOddFiles } from '../support/oddFiles.js';
import { startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, type RunningService, startConfiguredService } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    seed: { type: 'string' },
    parallel: { type: 'string' },
    'odd-files': { type: 'boolean' },
  },
});
const count = Number(values.calls ?? 10_000);
const seed = Number(values.seed ?? freshSeed());
const concurrency = Number(values.parallel ?? 1);
if (![count, seed, concurrency].every(Number.isSafeInteger) || count < 1 || concurrency < 1) {
  throw new Error('--calls, --seed and --parallel take whole numbers');
}

/** Runs the calls against `service`, prints what came back, and says whether all was well. */
async function fuzz(client: MessageBus, service: RunningService): Promise<boolean> {
  const fuzzer = new Fuzzer(loadInterfaces(), seed);
  console.log(`fuzzing ${fuzzer.targets.length} methods with ${count} calls, seed ${seed}, ${concurrency} at a time`);

  const rssBefore = await rssOf(service.process.pid!);
  const started = Date.now();
  const report = await runFuzzCalls(client, fuzzer.calls(count), {
    seed,
    concurrency,
    onReply: (reply) => fuzzer.learn(reply),
    onOutcome: ({ index }) => {
      if ((index + 1) % 1000 === 0)
        console.log(`  ${index + 1} calls, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  // Nothing restarts the service here, so it crashed at most once.
  const crashes = service.process.exitCode === null && service.process.signalCode === null ? 0 : 1;

  const rssAfter = crashes === 0 ? await rssOf(service.process.pid!) : NaN;
  let answersStatus = false;
  if (crashes === 0) {
    const [status] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'io.github.steward.Steward1',
      member: 'GetStatus',
    }).catch(() => [undefined]);
    answersStatus = status !== undefined;
  }
  const logLines = service.log().split('\n');
  const longestLogLine = Math.max(...logLines.map((line) => line.length));
  const failedLines = logLines.filter((line) => /call failed|Steward keeps running/.test(line));

  console.log(`\n${report.calls} calls in ${seconds.toFixed(1)} s (${(report.calls / seconds).toFixed(0)} calls/s)`);
  console.log('answers by name:');
  for (const [name, n] of [...report.results].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(28)} ${n}`);
  console.log(`crashes: ${crashes}; the service ${answersStatus ? 'still answers GetStatus' : 'NO LONGER ANSWERS'}`);
  const slowest = slowestMethod(report);
  if (slowest) {
    console.log(
      `slowest method: ${slowest.method} (${slowest.maxMs.toFixed(0)} ms at worst, ${slowest.meanMs.toFixed(1)} ms on average)`,
    );
  }
  console.log(`service memory (RSS): ${mb(rssBefore).toFixed(0)} MB before, ${mb(rssAfter).toFixed(0)} MB after`);
  console.log(`service log: ${logLines.length} lines, the longest ${longestLogLine} characters`);
  console.log(`problems: ${report.problems.length}; 'call failed' lines in the service log: ${failedLines.length}`);
  for (const problem of report.problems.slice(0, 50)) console.log(`  ${problem.slice(0, 400)}`);
  for (const line of failedLines.slice(0, 10)) console.log(`  ${line.slice(0, 400)}`);
  return report.problems.length === 0 && failedLines.length === 0 && crashes === 0 && answersStatus;
}

const bus = await startPrivateBus();
const home = await makeTempDir('steward-fuzz-');
const client = await bus.connect();
const service = values['odd-files']
  ? await startServiceAmongOddFiles(bus, client, home.path)
  : await startConfiguredService(bus, client, home.path, { logLevel: 'debug', watch: quietWatch() });
const healthy = await fuzz(client, service).finally(async () => {
  await service.stop();
  await bus.stop();
  await home.remove();
});
if (!healthy) {
  const odd = values['odd-files'] ? ' --odd-files' : '';
  console.log(`\nreplay with: node dist/fuzz/run.js --calls ${count} --seed ${seed} --parallel ${concurrency}${odd}`);
  process.exitCode = 1;
}
