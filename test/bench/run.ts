// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks of the service against baselines taken in the same run. They
// report numbers and how they compare with the targets; they never fail on
// timing, only when something does not work at all.
//   npm run bench        (STEWARD_BENCH_REPEATS=n to change the repeats)
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

import { startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { type EngineSettings, openDirect } from './direct.js';
import { type Sampling, startBenchService, type StreamRun } from './serviceClient.js';
import { mb, median, rssOf, settledRss } from './stats.js';

const REPEATS = Number(process.env.STEWARD_BENCH_REPEATS ?? 7);
const WARMUPS = 2;
// The tiny model stops after a few tokens when sampled greedily; this prompt and seed run on to the limit.
const PROMPT = 'Tell me everything about the network';
const SAMPLING: Sampling = { maxTokens: 300, temperature: 1.5, seed: 16 };
// threads 1: the default makes generation ~200× slower on small (2-core) machines.
const ENGINE: EngineSettings = { threads: 1, contextSize: 1024, sequences: 2 };
const IDLE_UNLOAD_SECONDS = 10;
const RESULTS = join(process.cwd(), 'test-results', 'bench', 'results.json');

const TARGETS = {
  throughputRatio: 0.95,
  addedTtftMs: 15,
  idleRssMb: 80,
  unloadedRssRatio: 1.1,
};

const tokensPerSecond = (run: StreamRun) => run.tokens / (run.streamMs / 1000);

function summary(runs: StreamRun[]) {
  return {
    runs: runs.length,
    ttftMs: median(runs.map((r) => r.ttftMs)),
    tokensPerSecond: median(runs.map(tokensPerSecond)),
    tokens: median(runs.map((r) => r.tokens)),
    /** The worker's own TTFT, from the request reaching it to its first text (service only). */
    workerTtftMs: median(runs.flatMap((r) => (r.workerTtftMs === undefined ? [] : [r.workerTtftMs]))),
    workerTokensPerSecond: median(
      runs.flatMap((r) => (r.workerTokensPerSecond === undefined ? [] : [r.workerTokensPerSecond])),
    ),
    /** Direct only: TTFT counting the making of the session too, as the worker does for each request. */
    ttftWithSessionMs: median(runs.flatMap((r) => (r.sessionMs === undefined ? [] : [r.sessionMs + r.ttftMs]))),
    ttftMsAll: runs.map((r) => round(r.ttftMs, 2)),
    tokensPerSecondAll: runs.map((r) => round(tokensPerSecond(r), 1)),
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function main(): Promise<void> {
  const bus = await startPrivateBus();
  const home = await makeTempDir('steward-bench-');
  const models = join(home.path, 'data', 'steward', 'models');
  await mkdir(models, { recursive: true });
  const modelPath = await writeTinyModel(join(models, 'tiny.gguf'));
  const steward = await startBenchService(bus, home.path, {
    gpu: 'off',
    ...ENGINE,
    idleUnloadSeconds: IDLE_UNLOAD_SECONDS,
    maxAnswerTokens: SAMPLING.maxTokens,
  });
  const servicePid = steward.service.process.pid!;
  try {
    console.error('measuring the idle service…');
    // A long quiet spell: right after start the heap still holds garbage that a later GC returns.
    const bareRss = await settledRss(servicePid, 5000);
    await steward.setActive('tiny.gguf');
    const idleRss = await settledRss(servicePid, 5000);

    console.error('cold start: first request on a fresh service…');
    const cold = await steward.run(PROMPT, SAMPLING);
    const loaded = await steward.engineStatus();
    const workerPid = loaded['worker-pid'] as number;

    const direct = await openDirect(modelPath, ENGINE);
    console.error(`warming up (${WARMUPS} runs each)…`);
    for (let i = 0; i < WARMUPS; i += 1) {
      await steward.run(PROMPT, SAMPLING);
      await direct.run(PROMPT, SAMPLING);
    }

    console.error(`measuring ${REPEATS} runs of each path, alternating…`);
    const serviceRuns: StreamRun[] = [];
    const directRuns: StreamRun[] = [];
    for (let i = 0; i < REPEATS; i += 1) {
      // Alternate which goes first, so drift (heat, caches) falls on both alike.
      if (i % 2 === 0) {
        serviceRuns.push(await steward.run(PROMPT, SAMPLING));
        directRuns.push(await direct.run(PROMPT, SAMPLING));
      } else {
        directRuns.push(await direct.run(PROMPT, SAMPLING));
        serviceRuns.push(await steward.run(PROMPT, SAMPLING));
      }
    }
    const after = await steward.engineStatus();
    // A worker that unloaded in between would turn a warm run into a cold one.
    const workerRestarted = after['worker-pid'] !== workerPid;
    const workerRss = await rssOf(after['worker-pid'] as number);
    const loadedServiceRss = await rssOf(servicePid);
    // The service drops NUL characters, which D-Bus strings cannot carry.
    const sameAnswers = serviceRuns.every((run, i) => run.text === directRuns[i]!.text.replaceAll('\0', ''));
    await direct.dispose();

    console.error(`waiting for the idle unload (${IDLE_UNLOAD_SECONDS} s)…`);
    await waitFor(
      async () => {
        const status = await steward.engineStatus();
        return status.state === 'unloaded' && status['worker-pid'] === undefined;
      },
      'the idle unload',
      (IDLE_UNLOAD_SECONDS + 30) * 1000,
    );
    const unloadedRss = await settledRss(servicePid);

    const service = summary(serviceRuns);
    const baseline = summary(directRuns);
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        backend: loaded.backend ?? 'unknown',
        contextSize: loaded['context-size'],
        threads: loaded.threads,
        sequences: loaded.sequences,
      },
      settings: { prompt: PROMPT, ...SAMPLING, ...ENGINE, repeats: REPEATS, warmups: WARMUPS },
      streaming: {
        service,
        direct: baseline,
        throughputRatio: service.tokensPerSecond / baseline.tokensPerSecond,
        addedTtftMs: service.ttftMs - baseline.ttftMs,
        addedTtftOverSessionMs: service.ttftMs - baseline.ttftWithSessionMs,
        sameAnswers,
        answerStarts: { service: serviceRuns[0]!.text.slice(0, 60), direct: directRuns[0]!.text.slice(0, 60) },
        workerRestarted,
      },
      memory: {
        noModelChosenServiceRssMb: mb(bareRss),
        idleServiceRssMb: mb(idleRss),
        loadedServiceRssMb: mb(loadedServiceRss),
        workerRssMb: mb(workerRss),
        unloadedServiceRssMb: mb(unloadedRss),
        unloadedToIdleRatio: unloadedRss / idleRss,
      },
      coldStart: { firstTokenMs: cold.ttftMs, tokens: cold.tokens },
      targets: TARGETS,
    };
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    report(results);
  } catch (error) {
    console.error(`the service log:\n${steward.service.log()}`);
    throw error;
  } finally {
    await steward.stop();
    await bus.stop();
    await home.remove();
  }
}

function report(r: {
  machine: Record<string, unknown>;
  streaming: {
    service: ReturnType<typeof summary>;
    direct: ReturnType<typeof summary>;
    throughputRatio: number;
    addedTtftMs: number;
    addedTtftOverSessionMs: number;
    sameAnswers: boolean;
    workerRestarted: boolean;
  };
  memory: Record<string, number>;
  coldStart: { firstTokenMs: number; tokens: number };
}): void {
  const { streaming: s, memory: m } = r;
  const rows: [string, string, string, string][] = [
    ['tokens/s, direct node-llama-cpp', round(s.direct.tokensPerSecond).toString(), '', ''],
    ['tokens/s, service over D-Bus', round(s.service.tokensPerSecond).toString(), '', ''],
    ['  as the worker counts them', round(s.service.workerTokensPerSecond).toString(), '', ''],
    [
      'throughput ratio service/direct',
      round(s.throughputRatio, 3).toString(),
      `≥ ${TARGETS.throughputRatio}`,
      verdict(s.throughputRatio >= TARGETS.throughputRatio),
    ],
    ['TTFT ms, direct', round(s.direct.ttftMs, 2).toString(), '', ''],
    ['TTFT ms, direct, making the session too', round(s.direct.ttftWithSessionMs, 2).toString(), '', ''],
    ['TTFT ms, service', round(s.service.ttftMs, 2).toString(), '', ''],
    ['  of which inside the worker', round(s.service.workerTtftMs, 2).toString(), '', ''],
    [
      'added TTFT ms',
      round(s.addedTtftMs, 2).toString(),
      `≤ ${TARGETS.addedTtftMs}`,
      verdict(s.addedTtftMs <= TARGETS.addedTtftMs),
    ],
    ['added TTFT ms over direct with session', round(s.addedTtftOverSessionMs, 2).toString(), '', ''],
    ['completion tokens (median) service / direct', `${s.service.tokens} / ${s.direct.tokens}`, '', ''],
    ['service RSS MB, idle, no model chosen', round(m.noModelChosenServiceRssMb!).toString(), '', ''],
    [
      'service RSS MB, idle, model chosen, not loaded',
      round(m.idleServiceRssMb!).toString(),
      `≤ ${TARGETS.idleRssMb}`,
      verdict(m.idleServiceRssMb! <= TARGETS.idleRssMb),
    ],
    ['service RSS MB, model loaded', round(m.loadedServiceRssMb!).toString(), '', ''],
    ['worker RSS MB, model loaded', round(m.workerRssMb!).toString(), '', ''],
    ['service RSS MB, after idle unload', round(m.unloadedServiceRssMb!).toString(), '', ''],
    [
      'after unload / idle',
      round(m.unloadedToIdleRatio!, 3).toString(),
      `≤ ${TARGETS.unloadedRssRatio}`,
      verdict(m.unloadedToIdleRatio! <= TARGETS.unloadedRssRatio),
    ],
    ['cold start to first token ms', round(r.coldStart.firstTokenMs).toString(), '', ''],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const m_ = r.machine;
  console.log(
    `\nSteward benchmarks — ${String(m_.cpus)} CPUs (${String(m_.cpuModel)}), Node ${String(m_.node)}, ` +
      `backend ${String(m_.backend)}, threads ${String(m_.threads)}, context ${String(m_.contextSize)}\n`,
  );
  for (const row of rows)
    console.log(
      row
        .map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    );
  console.log(`\nTTFT ms per run, service: ${s.service.ttftMsAll.join(' ')}`);
  console.log(`TTFT ms per run, direct:  ${s.direct.ttftMsAll.join(' ')}`);
  console.log(`tokens/s per run, service: ${s.service.tokensPerSecondAll.join(' ')}`);
  console.log(`tokens/s per run, direct:  ${s.direct.tokensPerSecondAll.join(' ')}`);
  if (!s.sameAnswers) console.log('note: the two paths gave different answers to the same prompt and seed');
  if (s.workerRestarted) console.log('note: the worker restarted during the runs; some service runs were cold');
  console.log(`\nresults: ${RESULTS}`);
}

await main();
