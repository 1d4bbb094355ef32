// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks of the watchers: journal throughput through the journald source
// and every detector against journalctl alone on the same journal, detection
// latency from a written entry to the D-Bus signal, the idle cost of the
// service, a flood of identical errors, and the template miner's memory under
// floods of distinct errors. They report; they never fail on timing.
//   npm run bench   (STEWARD_BENCH_IDLE_SECONDS=n for the idle window, default 600)
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { createDetectors } from '../../service/src/findings/detectors/index.js';
import { UnrecognisedErrorsDetector } from '../../service/src/findings/detectors/unrecognised.js';
import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import type { JournalEntry } from '../../service/src/watch/events.js';
import { JournalSource } from '../../service/src/watch/journal.js';
import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { readJournalFixture } from '../support/journalEvents.js';
import { startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, homeEnv, OBJECT_PATH, spawnService, waitFor, waitUntilReady } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { mb, percentile, printTable, round, sampleIdle, settledRss, type TableRow, verdict } from './stats.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const THROUGHPUT_ENTRIES = 50_000;
const LATENCY_SAMPLES = 25;
const FLOOD_LINES = 100_000;
const MINER_FLOOD_LINES = 100_000;
const IDLE_SECONDS = Number(process.env.STEWARD_BENCH_IDLE_SECONDS ?? 600);
const IDLE_WARMUP_SECONDS = 60;
const FLOODS = 3;
const RESULTS = join(process.cwd(), 'test-results', 'bench', 'findings.json');
const TARGETS = { throughputRatio: 0.8, latencyP95Ms: 500, idleCpuSecondsPerHour: 5 };

const log = createLogger({ level: 'error', journal: false, write: () => undefined });

/** Healthy desktop logs with a failure now and then, as export entries. */
function mixedEntries(count: number): ExportEntry[] {
  const healthy = readJournalFixture('healthy').map((fields) => {
    const entry: ExportEntry = { MESSAGE: fields.MESSAGE ?? '' };
    for (const [key, value] of Object.entries(fields)) {
      if (!key.startsWith('__') && key !== '_BOOT_ID') entry[key] = value;
    }
    return entry;
  });
  return Array.from({ length: count }, (_, i) =>
    i % 100 === 99
      ? unitFailure(`unit-${i % 7}.service`)
      : i % 50 === 49
        ? unclaimedError(i)
        : healthy[i % healthy.length]!,
  );
}

/** An error line that no detector but the template miner takes: a few templates with variable parts. */
function unclaimedError(i: number): ExportEntry {
  const messages = [
    `worker ${i % 13}: request 0x${i.toString(16)} failed after ${i % 997} ms`,
    `Could not open /var/lib/bench/${i}.db: Resource temporarily unavailable`,
    `upstream 10.0.${i % 255}.${i % 253}:8080 closed the connection`,
  ];
  return {
    MESSAGE: messages[i % messages.length]!,
    PRIORITY: '3',
    SYSLOG_IDENTIFIER: 'bench-app',
    _COMM: 'bench-app',
    _PID: '4321',
    _UID: '1000',
    _TRANSPORT: 'syslog',
  };
}

/**
 * The template miner alone under floods of distinct error lines (no two share a
 * template): its templates and the heap after each flood, after a full GC.
 */
function minerMemory() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  // Letters only, so that no token is masked and every line starts a template of its own.
  const word = (n: number) => n.toString(36).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
  const detector = new UnrecognisedErrorsDetector();
  const feed = (from: number) => {
    const started = performance.now();
    for (let i = from; i < from + MINER_FLOOD_LINES; i += 1) {
      const entry: JournalEntry = {
        cursor: `s=bench;i=${i}`,
        realtimeUs: BigInt(i) * 1000n,
        message: `${word(i)} ${word(i * 31 + 7)} failed: ${word(i * 17 + 3)} ${word(i * 13)}`,
        priority: 3,
        transport: 'syslog',
        system: true,
        fields: { _COMM: `app-${i % 50}` },
      };
      detector.detect({ type: 'journal', at: new Date(i), entry });
    }
    return (performance.now() - started) / MINER_FLOOD_LINES;
  };
  const before = heap();
  const heapMb: number[] = [];
  const msPerLine: number[] = [];
  for (let flood = 0; flood < FLOODS; flood += 1) {
    msPerLine.push(feed(flood * MINER_FLOOD_LINES));
    heapMb.push(round(mb(heap() - before), 2));
  }
  return {
    lines: MINER_FLOOD_LINES,
    floods: FLOODS,
    templates: detector.templates,
    heapGrowthMb: heapMb,
    microsPerLine: msPerLine.map((ms) => round(ms * 1000, 2)),
  };
}

async function timeJournalctl(dir: string): Promise<{ seconds: number; entries: number }> {
  const started = performance.now();
  let entries = 0;
  const child = spawn('journalctl', ['--directory', dir, '--output=json', '--no-pager', '--all'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 0x0a) entries += 1;
  });
  await new Promise((resolve) => child.on('close', resolve));
  return { seconds: (performance.now() - started) / 1000, entries };
}

async function firstCursor(dir: string): Promise<string> {
  const child = spawn('journalctl', ['--directory', dir, '--output=json', '--no-pager', '--lines=1', '--reverse'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return (JSON.parse(text) as { __CURSOR: string }).__CURSOR;
}

/** The journald source and all detectors, storing findings, from the first entry to the last. */
async function timeSteward(dir: string, cursor: string, expected: number) {
  const home = await makeTempDir('steward-bench-');
  const store = new FindingsStore(join(home.path, 'findings.db'));
  const pipeline = new FindingsPipeline({ store, detectors: createDetectors(KINDS), onChanges: () => undefined, log });
  let seen = 0;
  const source = new JournalSource({ name: 'bench', args: ['--directory', dir], resumeCursor: cursor, log });
  const started = performance.now();
  await source.start((event) => {
    seen += 1;
    pipeline.accept('bench', event, event.type === 'journal' ? event.entry.cursor : undefined);
  });
  await waitFor(() => seen >= expected, 'every entry', 600_000);
  pipeline.flush();
  const seconds = (performance.now() - started) / 1000;
  await source.stop();
  const findings = store.list({ state: 'all' }).length;
  store.close();
  await home.remove();
  return { seconds, entries: seen, findings };
}

async function throughput() {
  const journal = await makeTempDir('steward-bench-journal-');
  const dir = journal.path;
  await appendToJournal(dir, [unitFailure('start.service')]);
  const cursor = await firstCursor(dir);
  const entries = mixedEntries(THROUGHPUT_ENTRIES);
  for (let i = 0; i < entries.length; i += 10_000) await appendToJournal(dir, entries.slice(i, i + 10_000));
  const baseline = await timeJournalctl(dir);
  const steward = await timeSteward(dir, cursor, THROUGHPUT_ENTRIES);
  await journal.remove();
  const baselineRate = baseline.entries / baseline.seconds;
  const stewardRate = steward.entries / steward.seconds;
  return {
    entries: THROUGHPUT_ENTRIES,
    journalctlEntriesPerSecond: round(baselineRate, 0),
    stewardEntriesPerSecond: round(stewardRate, 0),
    ratio: round(stewardRate / baselineRate, 3),
    findings: steward.findings,
  };
}

async function serviceRuns() {
  const bus = await startPrivateBus();
  const home = await makeTempDir('steward-bench-');
  const journal = join(home.path, 'journal');
  const watched = join(home.path, 'watched');
  await mkdir(journal);
  await mkdir(watched);
  await appendToJournal(journal, [unitFailure('start.service')]);
  await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
  await writeFile(
    join(home.path, 'config', 'steward', 'config.json'),
    JSON.stringify({
      watch: {
        journal: { system: false, user: false, directories: [journal] },
        disks: { mounts: ['/'] },
        files: { watchDefaults: false, paths: [watched] },
      },
    }),
  );
  const client = await bus.connect();
  const service = spawnService(bus.address, { ...homeEnv(home.path), XDG_DATA_HOME: join(home.path, 'data') });
  await waitUntilReady(client, service);
  const pid = service.process.pid!;
  const added = new Map<string, number>();
  await new SignalRouter(client).subscribe({ interface: FINDINGS, member: 'FindingAdded' }, (body) => {
    const finding = body[1] as Record<string, Variant>;
    added.set(String(finding.subject?.value), performance.now());
  });

  // Detection latency: from the entry being in the journal file to FindingAdded on the bus.
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    const unit = `latency-${i}.service`;
    await appendToJournal(journal, [unitFailure(unit)]);
    const written = performance.now();
    await waitFor(() => added.has(unit), `FindingAdded for ${unit}`);
    latencies.push(added.get(unit)! - written);
  }

  // Idle cost: all sources on, nothing happening.
  // The last events leave work behind for a while (optimizing compiler, GC, the first disk poll);
  // the window starts after it, as on a desktop where nothing has happened for a minute.
  const idle = await sampleIdle(pid, IDLE_SECONDS, IDLE_WARMUP_SECONDS);

  // Flood: identical failures become one finding, and memory stays bounded: a
  // second flood must not raise the settled RSS the first one reached.
  const count = async () => {
    const [list] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: FINDINGS,
      member: 'List',
      signature: 'a{sv}',
      body: [{}],
    });
    const flood = (list as Record<string, Variant>[]).filter((f) => f.subject?.value === 'flood.service');
    return { findings: flood.length, count: Number(flood[0]?.count?.value ?? 0) };
  };
  const floodRss = [await settledRss(pid)];
  const floodSeconds: number[] = [];
  for (let round = 1; round <= FLOODS; round += 1) {
    for (let i = 0; i < FLOOD_LINES; i += 20_000) {
      await appendToJournal(
        journal,
        Array.from({ length: 20_000 }, () => unitFailure('flood.service')),
      );
    }
    const started = performance.now();
    await waitFor(async () => (await count()).count >= round * FLOOD_LINES, 'the flood to be counted', 600_000);
    floodSeconds.push((performance.now() - started) / 1000);
    floodRss.push(await settledRss(pid, 5000, 60_000));
  }
  const flood = await count();

  await service.stop();
  await bus.stop();
  await home.remove();
  return {
    latency: {
      samples: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
    },
    idle: {
      seconds: round(idle.seconds, 0),
      cpuSeconds: round(idle.cpuSeconds, 2),
      cpuSecondsPerHour: round(idle.cpuSecondsPerHour, 2),
      resolutionSecondsPerHour: round(idle.resolutionSecondsPerHour, 2),
      rssMbEachMinute: idle.rssBytesEachMinute.map((bytes) => round(mb(bytes))),
    },
    flood: {
      lines: FLOOD_LINES,
      floods: FLOODS,
      findings: flood.findings,
      count: flood.count,
      secondsEach: floodSeconds.map((seconds) => round(seconds, 1)),
      settledRssMb: floodRss.map((bytes) => round(mb(bytes))),
    },
  };
}

async function main(): Promise<void> {
  process.stdout.write('template miner under distinct errors…\n');
  const miner = minerMemory();
  process.stdout.write('journal throughput…\n');
  const journal = await throughput();
  process.stdout.write(`detection latency, idle cost (${IDLE_SECONDS} s) and a flood…\n`);
  const service = await serviceRuns();
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    journal,
    miner,
    ...service,
  };
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const rows: TableRow[] = [
    ['journal entries/s, journalctl -o json alone', journal.journalctlEntriesPerSecond],
    ['journal entries/s, source + all detectors + store', journal.stewardEntriesPerSecond],
    [
      'throughput ratio',
      journal.ratio,
      `≥ ${TARGETS.throughputRatio}  ${verdict(journal.ratio >= TARGETS.throughputRatio)}`,
    ],
    [`miner: ${FLOODS} × distinct error lines → templates`, `${miner.lines} → ${miner.templates}`],
    ['miner: heap growth MB after each (after GC)', miner.heapGrowthMb.join(' → ')],
    ['miner: µs per line, each flood', miner.microsPerLine.join(', ')],
    ['detection latency p50 ms', service.latency.p50Ms],
    [
      'detection latency p95 ms',
      service.latency.p95Ms,
      `≤ ${TARGETS.latencyP95Ms}  ${verdict(service.latency.p95Ms <= TARGETS.latencyP95Ms)}`,
    ],
    [
      `idle CPU s/hour (over ${service.idle.seconds} s, ±${service.idle.resolutionSecondsPerHour})`,
      service.idle.cpuSecondsPerHour,
      `≤ ${TARGETS.idleCpuSecondsPerHour}  ${verdict(service.idle.cpuSecondsPerHour <= TARGETS.idleCpuSecondsPerHour)}`,
    ],
    ['idle RSS MB, each minute', service.idle.rssMbEachMinute.join(' ')],
    [
      `flood: ${FLOODS} × lines → findings (count)`,
      `${service.flood.lines} → ${service.flood.findings} (${service.flood.count})`,
    ],
    ['flood: seconds to count each', service.flood.secondsEach.join(', ')],
    ['flood: settled RSS MB before, after each', service.flood.settledRssMb.join(' → ')],
  ];
  printTable(`Steward watcher benchmarks — ${results.machine.cpus} CPUs, Node ${process.version}`, rows);
  process.stdout.write(`\nresults: ${RESULTS}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
