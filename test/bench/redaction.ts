// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Redaction's time per megabyte on the worst inputs known (each a seed repeated to 1 MiB), as a ratio against
// ordinary prose in the same run; and how long GetStatus takes meanwhile, the redaction running in its thread.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { redactSecrets } from '../../service/src/engine/redact.js';
import { startOpenAIServer } from '../support/openaiServer.js';
import { startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, chatAsk, OBJECT_PATH, quietWatch, startConfiguredService } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
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
    redact(text);
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

function redactionTimes() {
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

// GetStatus called over and over from a process of its own, each time printed in milliseconds: the model
// stand-in in this process must not delay the measurement.
const PROBER = `
  const { sessionBus, Message } = await import('@jellybrick/dbus-next');
  const bus = sessionBus({ busAddress: process.env.BUS });
  const call = new Message({ destination: '${BUS_NAME}', path: '${OBJECT_PATH}', interface: '${BUS_NAME}', member: 'GetStatus' });
  for (;;) {
    const started = performance.now();
    await bus.call(new Message(call));
    console.log(performance.now() - started);
  }
`;

function startProber(address: string) {
  const prober = spawn(process.execPath, ['--input-type=module', '-e', PROBER], {
    env: { ...process.env, BUS: address },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  prober.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    prober.stdout.emit('line');
  });
  const times = () => output.split('\n').filter(Boolean).map(Number);
  return {
    async calls(count: number) {
      while (times().length < count) await once(prober.stdout, 'line');
    },
    async stop() {
      const exited = once(prober, 'exit');
      prober.kill();
      await exited;
      return times();
    },
  };
}

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))] ?? NaN;
const ms = (values: number[]) =>
  `median ${median(values).toFixed(1)}, p95 ${percentile(values, 0.95).toFixed(1)}, max ${Math.max(...values).toFixed(1)} ms (${values.length} calls)`;

/** GetStatus at rest, then while ten 100,000-character worst inputs go through Chat.Ask to a remote model. */
async function statusMeanwhile() {
  const server = await startOpenAIServer({ answer: () => 'noted' });
  const bus = await startPrivateBus();
  const home = await makeTempDir();
  const client = await bus.connect();
  const service = await startConfiguredService(bus, client, home.path, {
    watch: quietWatch(),
    inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } },
  });
  const ask = (text: string) => chatAsk(client, text, 600_000);
  try {
    await ask('hello');
    const resting = startProber(bus.address);
    await resting.calls(100);
    const atRest = await resting.stop();
    const seeds = Object.values(WORST_SEEDS);
    const messages = Array.from({ length: 10 }, (_, index) => repeatedTo(seeds[index % seeds.length]!, 100_000));
    const busy = startProber(bus.address);
    await busy.calls(1);
    const started = performance.now();
    for (const message of messages) await ask(message);
    const seconds = (performance.now() - started) / 1000;
    const meanwhile = await busy.stop();
    console.log(`GetStatus while 1 MB of the worst inputs is redacted for a remote model (${seconds.toFixed(1)} s)`);
    console.log(`  at rest     ${ms(atRest)}`);
    console.log(`  meanwhile   ${ms(meanwhile)}`);
    console.log(
      `  slowest meanwhile over slowest at rest: ${(Math.max(...meanwhile) - Math.max(...atRest)).toFixed(1)} ms`,
    );
  } finally {
    await service.stop();
    await bus.stop();
    await home.remove();
    await server.close();
  }
}

redactionTimes();
await statusMeanwhile();
