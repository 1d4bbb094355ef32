// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The main loop under a flood of distinct failures: GetStatus latency from 20
// concurrent clients while 100k distinct units fail, as a ratio to GetStatus
// on an idle service in the same run; the service's RSS and findings.db size
// after the flood and after the same flood again, twice. It reports; it never fails on timing.
//   node dist/bench/flood.js   (STEWARD_BENCH_FLOOD_UNITS=n for a smaller flood, STEWARD_BENCH_FLOODS=n rounds)
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, homeEnv, OBJECT_PATH, spawnService, waitFor, waitUntilReady } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { cpuSecondsOf, mb, settledRss } from './stats.js';

const CORE = 'io.github.steward.Steward1';
const FINDINGS = 'io.github.steward.Steward1.Findings';
const UNITS = Number(process.env.STEWARD_BENCH_FLOOD_UNITS ?? 100_000);
// Three rounds of the same flood: memory and the database must level off after the first.
const FLOODS = Number(process.env.STEWARD_BENCH_FLOODS ?? 3);
const CLIENTS = 20;
const IDLE_MS = 5000;
const APPEND_CHUNK = 10_000;
const RESULTS = join(process.cwd(), 'test-results', 'bench', 'flood.json');

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const getStatus = (client: MessageBus) =>
  callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: CORE, member: 'GetStatus' });

/** GetStatus from each client in a loop, one call at a time each, until `done` resolves: the latencies in ms. */
async function statusLatencies(clients: MessageBus[], done: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let running = true;
  const loops = clients.map(async (client) => {
    while (running) {
      const started = performance.now();
      await getStatus(client);
      latencies.push(performance.now() - started);
    }
  });
  await done;
  running = false;
  await Promise.all(loops);
  return latencies;
}

const summary = (latencies: number[]) => ({
  calls: latencies.length,
  p50Ms: round(percentile(latencies, 50), 2),
  p99Ms: round(percentile(latencies, 99), 2),
});

async function main(): Promise<void> {
  const bus = await startPrivateBus();
  const home = await makeTempDir('steward-bench-flood-');
  const journal = join(home.path, 'journal');
  await mkdir(journal);
  await appendToJournal(journal, [{ MESSAGE: 'bench journal', SYSLOG_IDENTIFIER: 'bench' }]);
  await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
  await writeFile(
    join(home.path, 'config', 'steward', 'config.json'),
    JSON.stringify({
      watch: {
        journal: { system: false, user: false, directories: [journal] },
        disks: { mounts: [] },
        files: { watchDefaults: false },
      },
    }),
  );
  const client = await bus.connect();
  const service = spawnService(bus.address, {
    ...homeEnv(home.path),
    XDG_DATA_HOME: join(home.path, 'data'),
  });
  await waitUntilReady(client, service);
  const pid = service.process.pid!;
  const database = join(home.path, 'state', 'steward', 'findings.db');
  const activeCount = async () => {
    const [count] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [FINDINGS, 'ActiveCount'],
    });
    return Number((count as Variant).value);
  };
  // The journal is followed from its tail: the first failure written now is the first one read.
  await appendToJournal(journal, [unitFailure('start.service')]);
  await waitFor(async () => (await activeCount()) === 1, 'the first finding', 30_000);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => bus.connect()));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  process.stdout.write('GetStatus idle, one client and 20…\n');
  const idleOne = summary(await statusLatencies(clients.slice(0, 1), sleep(IDLE_MS)));
  const idleMany = summary(await statusLatencies(clients, sleep(IDLE_MS)));

  const databaseMb = async () => {
    const sizes = await Promise.all(
      ['', '-wal'].map((suffix) =>
        stat(`${database}${suffix}`).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    return round(mb(sizes[0]! + sizes[1]!));
  };
  const floods: {
    seconds: number;
    /** The service's CPU time for the round: on a loaded machine a steadier measure than latencies. */
    cpuSeconds: number;
    status: ReturnType<typeof summary>;
    rssMb: number;
    databaseMb: number;
  }[] = [];
  const rssBefore = round(mb(await settledRss(pid)));
  const loadBefore = loadavg()[0]!.toFixed(2);
  for (let round_ = 1; round_ <= FLOODS; round_ += 1) {
    process.stdout.write(`flood ${round_}: ${UNITS} distinct units fail…\n`);
    const started = performance.now();
    const cpuBefore = await cpuSecondsOf(pid);
    const flood = (async () => {
      for (let i = 0; i < UNITS; i += APPEND_CHUNK) {
        const units = Array.from({ length: Math.min(APPEND_CHUNK, UNITS - i) }, (_, j) => `flood-${i + j}.service`);
        await appendToJournal(journal, units.map(unitFailure));
      }
      // The same units again only count up: a new unit after them tells when the round is stored.
      await appendToJournal(journal, [unitFailure(`after-flood-${round_}.service`)]);
      await waitFor(async () => (await activeCount()) >= UNITS + 1 + round_, 'the flood stored', 1_200_000);
    })();
    const status = summary(await statusLatencies(clients, flood));
    const seconds = round((performance.now() - started) / 1000);
    const cpuSeconds = round((await cpuSecondsOf(pid)) - cpuBefore, 2);
    floods.push({
      seconds,
      cpuSeconds,
      status,
      rssMb: round(mb(await settledRss(pid, 5000, 60_000))),
      databaseMb: await databaseMb(),
    });
  }
  for (const extra of clients) extra.disconnect();
  await service.stop();
  client.disconnect();
  await bus.stop();
  await home.remove();

  const ratio = (value: number, idle: number) => round(value / idle, 2);
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), node: process.version },
    units: UNITS,
    clients: CLIENTS,
    idleOneClient: idleOne,
    idle20Clients: idleMany,
    floods,
    ratios: floods.map(({ status }) => ({
      p50: ratio(status.p50Ms, idleMany.p50Ms),
      p99: ratio(status.p99Ms, idleMany.p99Ms),
    })),
    rssMbBefore: rssBefore,
    loadAverage: { before: Number(loadBefore), after: loadavg()[0] },
  };
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const rows: [string, string | number][] = [
    ['GetStatus idle, 1 client p50 / p99 ms', `${idleOne.p50Ms} / ${idleOne.p99Ms}`],
    [`GetStatus idle, ${CLIENTS} clients p50 / p99 ms`, `${idleMany.p50Ms} / ${idleMany.p99Ms}`],
    ...floods.map((flood, i): [string, string] => [
      `flood ${i + 1}: GetStatus ${CLIENTS} clients p50 / p99 ms`,
      `${flood.status.p50Ms} / ${flood.status.p99Ms}`,
    ]),
    ...results.ratios.map((r, i): [string, string] => [
      `flood ${i + 1}: ÷ idle (${CLIENTS} clients) p50 / p99`,
      `${r.p50} / ${r.p99}`,
    ]),
    ['flood seconds, each', floods.map((f) => f.seconds).join(', ')],
    ['service CPU seconds, each flood', floods.map((f) => f.cpuSeconds).join(', ')],
    ['load average (1 min) before, after', `${loadBefore} → ${loadavg()[0]!.toFixed(2)}`],
    ['settled RSS MB before, after each', [rssBefore, ...floods.map((f) => f.rssMb)].join(' → ')],
    ['findings.db (+ WAL) MB after each', floods.map((f) => f.databaseMb).join(' → ')],
  ];
  process.stdout.write(`\nSteward under a flood of ${UNITS} distinct failures — ${results.machine.cpus} CPUs\n\n`);
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(52)}${String(value).padStart(20)}\n`);
  process.stdout.write(`\nresults: ${RESULTS}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
