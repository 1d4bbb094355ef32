// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import Database from 'better-sqlite3';

import { callMethod } from '../../service/src/dbus/client.js';
import { createDetectors } from '../../service/src/findings/detectors/index.js';
import { FindingsInterface } from '../../service/src/findings/findingsInterface.js';
import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { FindingsRetention } from '../../service/src/findings/retention.js';
import { type FindingChange, FindingsStore } from '../../service/src/findings/store.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { JournalSource } from '../../service/src/watch/journal.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, type RunningService, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;
const FINDINGS = 'io.github.steward.Steward1.Findings';
const log = createLogger({ level: 'error' });
const SUBJECTS = 3000;
const BATCH = 500;

const failures = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => unitFailure(`${prefix}-${i}.service`));

/** The cursor of the last entry in the journal in `dir`. */
async function lastCursor(dir: string): Promise<string> {
  const { stdout } = await run('journalctl', ['--directory', dir, '--output=json', '--lines=1', '--no-pager']);
  return (JSON.parse(stdout) as { __CURSOR: string }).__CURSOR;
}

/** Every event the journald source reads from `dir` after `cursor`, until `count` arrived. */
async function readJournal(dir: string, cursor: string, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const source = new JournalSource({ name: 'flood', args: ['--directory', dir], resumeCursor: cursor, log });
  await source.start((event) => events.push(event));
  await waitFor(() => events.length >= count, 'the flood from the journal');
  await source.stop();
  return events;
}

// A flood of distinct failures must not hold the main loop: the pipeline stores a batch per turn of the
// event loop, recounts without loading every finding, and the database sheds what is long resolved.
describe('a flood of distinct failures', () => {
  let dir: TempDir;
  let store: FindingsStore;

  beforeEach(async () => {
    dir = await makeTempDir();
    store = new FindingsStore(join(dir.path, 'findings.db'));
  });

  afterEach(async () => {
    store.close();
    await dir.remove();
  });

  it('is stored a batch per turn of the event loop, the loop free in between', async () => {
    const journal = join(dir.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [unitFailure('before.service')]);
    const cursor = await lastCursor(journal);
    await appendToJournal(journal, failures('flood', SUBJECTS));
    const events = await readJournal(journal, cursor, SUBJECTS);

    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const batches: { turn: number; changes: number }[] = [];
    const pipeline = new FindingsPipeline({
      store,
      detectors: createDetectors(KINDS),
      onChanges: (changes) => batches.push({ turn: turns, changes: changes.length }),
      log,
      maxBatch: BATCH,
    });
    // A source hands a whole burst over at once (a pipe's chunk, a reconnect's backlog).
    for (const event of events) pipeline.accept('journal:flood', event, undefined);
    const storedAtOnce = store.count();
    await waitFor(() => store.count() === SUBJECTS, 'every failure stored');
    ticking = false;

    expect(storedAtOnce).toBeLessThan(SUBJECTS);
    expect(batches.length).toBe(SUBJECTS / BATCH);
    expect(batches.every(({ changes }) => changes === BATCH)).toBeTrue();
    // No two batches in one turn: timers and D-Bus calls were served between any two.
    expect(new Set(batches.map(({ turn }) => turn)).size).toBe(batches.length);
  });

  it('recounts the active findings in the database, not by listing them, and counts as List does', () => {
    const at = new Date();
    store.transaction(() => {
      for (let i = 0; i < SUBJECTS; i += 1) {
        const severity = i % 3 === 0 ? 'error' : 'warning';
        store.report({ kind: 'unit-failed', subject: `u-${i}.service`, severity, title: 't', at, evidence: [] });
        if (i % 5 === 0)
          store.report({ kind: 'unit-failed', subject: `u-${i}.service`, severity, title: 't', at, evidence: [] });
        if (i % 7 === 0) store.resolve({ kind: 'unit-failed', subject: `u-${i}.service`, at });
      }
    });
    store.ignore({ kind: 'unit-failed', subject: 'u-1.service', mode: 'always' });
    store.ignore({ kind: 'unit-failed', subject: '', mode: 'after-first' });
    store.ignore({ kind: 'unit-failed', subject: 'u-10.service', mode: 'always' });
    for (const minSeverity of ['info', 'warning', 'error', 'critical'] as const) {
      expect(store.count({ minSeverity })).toBe(store.list({ minSeverity }).length);
    }
    const signals = {
      added: () => undefined,
      updated: () => undefined,
      resolved: () => undefined,
      changed: () => undefined,
      activeCountChanged: () => undefined,
    };
    const findings = new FindingsInterface(store, signals);
    const list = spyOn(store, 'list').and.callThrough();
    const change: FindingChange = store.transaction(() =>
      store.report({ kind: 'unit-failed', subject: 'new.service', severity: 'error', title: 't', at, evidence: [] }),
    );
    findings.announce([change]);
    expect(list).not.toHaveBeenCalled();
    expect(findings.active).toBe(store.list().length);
    findings.stop();
  });

  it('levels off: resolved findings past the retention period go with their evidence', async () => {
    let now = Date.now();
    const retention = new FindingsRetention({ store, retentionDays: () => 30, log, now: () => now });
    const db = new Database(join(dir.path, 'findings.db'), { readonly: true });
    const rows = () => ({
      findings: (db.prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n,
      evidence: (db.prepare('SELECT COUNT(*) AS n FROM evidence').get() as { n: number }).n,
    });
    const counts: { findings: number; evidence: number }[] = [];
    for (let round = 0; round < 4; round += 1) {
      const at = new Date(now);
      store.transaction(() => {
        for (let i = 0; i < 1000; i += 1) {
          const subject = `round-${round}-${i}.service`;
          const evidence = [{ kind: 'journal' as const, text: `${subject}: Failed with result 'exit-code'.`, at }];
          store.report({ kind: 'unit-failed', subject, severity: 'warning', title: 't', at, evidence });
          store.resolve({ kind: 'unit-failed', subject, at });
        }
      });
      store.transaction(() =>
        store.report({
          kind: 'unit-failed',
          subject: 'still-failed.service',
          severity: 'warning',
          title: 't',
          at,
          evidence: [],
        }),
      );
      now += 40 * DAY_MS;
      await retention.prune();
      counts.push(rows());
    }
    db.close();
    // Each round's 1000 resolved findings are gone 40 days later; the active one stays.
    expect(counts).toEqual(Array.from({ length: 4 }, () => ({ findings: 1, evidence: 0 })));
    expect(store.activeFinding('unit-failed', 'still-failed.service')?.count).toBe(4);
  });
});

describe('the service at start-up', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
  });

  afterAll(async () => {
    await service.stop();
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('prunes resolved findings older than findings.retentionDays and keeps the rest', async () => {
    const state = join(home.path, 'state', 'steward');
    await mkdir(state, { recursive: true });
    const seeded = new FindingsStore(join(state, 'findings.db'));
    const report = (subject: string, daysAgo: number, resolve: boolean) => {
      const at = new Date(Date.now() - daysAgo * DAY_MS);
      seeded.transaction(() => {
        seeded.report({ kind: 'unit-failed', subject, severity: 'warning', title: subject, at, evidence: [] });
        if (resolve) seeded.resolve({ kind: 'unit-failed', subject, at });
      });
    };
    report('long-resolved.service', 40, true);
    report('lately-resolved.service', 5, true);
    report('long-failed.service', 40, false);
    seeded.close();
    service = await startConfiguredService(bus, client, home.path, {
      findings: { retentionDays: 10 },
      watch: { journal: { system: false, user: false }, disks: { mounts: [] }, files: { watchDefaults: false } },
    });
    const subjects = async () => {
      const [list] = await callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: FINDINGS,
        member: 'List',
        signature: 'a{sv}',
        body: [{ state: new Variant('s', 'all') }],
      });
      return (list as Record<string, Variant>[]).map((finding) => String(finding.subject?.value)).sort();
    };
    await waitFor(async () => !(await subjects()).includes('long-resolved.service'), 'the start-up pruning');
    expect(await subjects()).toEqual(['lately-resolved.service', 'long-failed.service']);
  });
});
