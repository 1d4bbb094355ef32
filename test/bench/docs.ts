// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks of the documentation index on this machine's own documentation:
// the time and size to index every installed man page (and info manuals, READMEs, NEWS),
// search latency, and the service's idle CPU and RSS with the index present.
// They report; they never fail on timing.
//   npm run bench   (STEWARD_BENCH_IDLE_SECONDS=n for the idle window, default 600)
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

import { DocsIndex } from '../../service/src/docs/docsIndex.js';
import { DocsStore } from '../../service/src/docs/docsStore.js';
import { defaultSources } from '../../service/src/docs/indexer.js';
import { createLogger } from '../../service/src/logging.js';
import { startPrivateBus } from '../support/privateBus.js';
import { homeEnv, spawnService, waitUntilReady } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { mb, percentile, printTable, round, sampleIdle, type TableRow, verdict } from './stats.js';

const IDLE_SECONDS = Number(process.env.STEWARD_BENCH_IDLE_SECONDS ?? 600);
// Past the index's first look at the folders (a minute after start-up) and the start-up's own work.
const IDLE_WARMUP_SECONDS = 90;
const QUERY_ROUNDS = 5;
const RESULTS = join(process.cwd(), 'test-results', 'bench', 'docs.json');
const TARGETS = { idleCpuSecondsPerHour: 5, queryP95Ms: 100 };
// Questions of the kind the assistant asks before it names a flag or an option.
const QUERIES = [
  'ssh_config agent forwarding',
  'sshd PasswordAuthentication',
  'apt-get install without recommended packages',
  'journalctl vacuum size',
  'systemd service restart on failure',
  'ls sort by modification time',
  'grep recursive ignore case',
  'tar extract gzip archive',
  'rsync delete files not in source',
  'find files modified in the last day',
  'chmod recursive directories only',
  'systemctl enable now',
  'mount options noatime',
  'crontab every five minutes',
  'ip addr show interface',
  'dpkg list installed packages',
  'man page width',
  'bash history size',
  'git config user email',
  'curl follow redirects',
];

const log = createLogger({ level: 'error', journal: false, write: () => undefined });

async function buildIndex(file: string, home: string) {
  const store = DocsStore.open(file);
  // The service finds its task examples beside its code; this bench's code is elsewhere.
  const sources = {
    ...defaultSources(home),
    taskExamples: join(process.cwd(), 'service', 'data', 'task-examples.json.gz'),
  };
  // At full speed: the service works at half of one core (its duty cycle), so it takes about twice as long.
  const index = new DocsIndex({ store, sources, log, dutyCycle: 1 });
  const started = performance.now();
  await index.refresh(true);
  const seconds = (performance.now() - started) / 1000;
  const status = index.status();
  const timings: number[] = [];
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    for (const query of QUERIES) {
      const start = performance.now();
      index.search(query, 5);
      timings.push(performance.now() - start);
    }
  }
  const tops = QUERIES.map((query) => `${query} → ${index.search(query, 1)[0]?.ref ?? '(nothing)'}`);
  await index.stop();
  return { seconds, status, timings, tops, languages: sources.languages };
}

async function idleService(file: string, home: string) {
  await mkdir(join(home, 'state', 'steward'), { recursive: true });
  await copyFile(file, join(home, 'state', 'steward', 'docs.db'));
  await mkdir(join(home, 'config', 'steward'), { recursive: true });
  await writeFile(join(home, 'config', 'steward', 'config.json'), '{}');
  const bus = await startPrivateBus();
  const client = await bus.connect();
  // The service indexes the machine's documentation, found already up to date in its state.
  // The bench's own locale, so that the service wants the languages the index was built for.
  const locale = Object.fromEntries(
    ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_MESSAGES'].flatMap((name) =>
      process.env[name] ? [[name, process.env[name]]] : [],
    ),
  );
  const service = spawnService(bus.address, { ...homeEnv(home), ...locale, STEWARD_TEST_DOCS_ROOT: '/' });
  try {
    await waitUntilReady(client, service);
    const idle = await sampleIdle(service.process.pid!, IDLE_SECONDS, IDLE_WARMUP_SECONDS);
    const reindexed = /documentation index updated/.test(service.log());
    return { ...idle, reindexed };
  } finally {
    await service.stop();
    client.disconnect();
    await bus.stop();
  }
}

async function main(): Promise<void> {
  const dir = await makeTempDir('steward-bench-docs-');
  try {
    const file = join(dir.path, 'docs.db');
    process.stdout.write('indexing the installed documentation…\n');
    // The service's home: the sources (and so the index's record of them) are the service's own.
    const home = join(dir.path, 'home');
    const built = await buildIndex(file, home);
    process.stdout.write(`the service idle with the index present (${IDLE_SECONDS} s)…\n`);
    const idle = await idleService(file, home);
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      index: {
        seconds: round(built.seconds),
        files: built.status.files,
        passages: built.status.passages,
        sizeMb: round(mb(built.status.bytes)),
        languages: built.languages,
      },
      queries: {
        count: built.timings.length,
        p50Ms: round(percentile(built.timings, 50), 2),
        p95Ms: round(percentile(built.timings, 95), 2),
        tops: built.tops,
      },
      idle: {
        seconds: round(idle.seconds, 0),
        cpuSeconds: round(idle.cpuSeconds, 2),
        cpuSecondsPerHour: round(idle.cpuSecondsPerHour, 2),
        resolutionSecondsPerHour: round(idle.resolutionSecondsPerHour, 2),
        rssMbEachMinute: idle.rssBytesEachMinute.map((bytes) => round(mb(bytes))),
        reindexed: idle.reindexed,
      },
    };
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    const rows: TableRow[] = [
      ['files indexed (man pages, info, READMEs, NEWS)', results.index.files],
      ['passages', results.index.passages],
      ['index size MB', results.index.sizeMb],
      ['seconds to index, full speed', results.index.seconds],
      ['query p50 ms', results.queries.p50Ms],
      [
        'query p95 ms',
        results.queries.p95Ms,
        `≤ ${TARGETS.queryP95Ms}  ${verdict(results.queries.p95Ms <= TARGETS.queryP95Ms)}`,
      ],
      [
        `idle CPU s/hour (over ${results.idle.seconds} s, ±${results.idle.resolutionSecondsPerHour})`,
        results.idle.cpuSecondsPerHour,
        `≤ ${TARGETS.idleCpuSecondsPerHour}  ${verdict(results.idle.cpuSecondsPerHour <= TARGETS.idleCpuSecondsPerHour)}`,
      ],
      ['idle RSS MB, each minute', results.idle.rssMbEachMinute.join(' ')],
      ['index read again while idle', results.idle.reindexed ? 'yes (MISSED)' : 'no'],
    ];
    printTable(`Steward documentation index — ${results.machine.cpus} CPUs, Node ${process.version}`, rows);
    process.stdout.write(`\nbest passage per query:\n${results.queries.tops.map((line) => `  ${line}`).join('\n')}\n`);
    process.stdout.write(`\nresults in ${RESULTS}\n`);
  } finally {
    await dir.remove();
  }
}

await main();
