// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import Database from 'better-sqlite3';

import { ChatSessionStore } from '../../service/src/chat/sessionStore.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { FixesStore } from '../../service/src/fixes/store.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  nameHasOwner,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

type Dict = Record<string, Variant>;

const FINDINGS = 100_000;
/** Findings of a kind an "always" rule ignores: stored, but not listed by default. */
const IGNORED = 37;
/** Enough for three pages of the largest size. */
const RECORDS = 1_234;
const SESSIONS = 150;
/**
 * Reading all 100k findings page by page (200 calls, each reading and marshalling 500 findings in the service,
 * then 100k lines of the CLI's JSON) takes over a minute on a quiet two-core machine and several times that on
 * a busy one: beyond the default bound of a spec.
 */
const READ_ALL_FINDINGS_TIMEOUT_MS = 900_000;

/** 100k findings written straight into findings.db, as a long flood of distinct failures would leave them. */
function fillFindings(file: string): void {
  new FindingsStore(file).close(); // the schema
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO findings (kind, subject, severity, title, state, first_seen, last_seen, count, vouched_by, reported_by)
       VALUES (?, ?, 'error', ?, 'active', ?, ?, 1, 'system-manager', 'systemd')`,
  );
  const start = Date.parse('2026-11-01T00:00:00Z');
  db.transaction(() => {
    // Three share each last-seen time, so the order also rests on the id.
    for (let i = 0; i < FINDINGS; i += 1) {
      insert.run('unit-failed', `flood-${i}.service`, `flood-${i}.service failed`, start, start + Math.floor(i / 3));
    }
    for (let i = 0; i < IGNORED; i += 1) insert.run('noise', `noise-${i}`, 'noise', start, start + i);
    db.prepare(`INSERT INTO ignore_rules (kind, subject, mode) VALUES ('noise', '', 'always')`).run();
  })();
  db.close();
}

function fillFixes(file: string): void {
  const store = new FixesStore(file);
  for (let i = 0; i < RECORDS; i += 1) {
    const proposal = store.addProposal({
      findingId: null,
      kind: 'unit-failed',
      subject: `flood-${i}.service`,
      title: `Restart flood-${i}.service`,
      explanation: '',
      actions: [],
      trust: { origin: 'playbook', vouchedBy: 'steward', reportedBy: 'Steward', explanationBy: 'steward' },
    });
    const job = store.addJob({
      proposalId: proposal.id,
      action: 'systemd.restart_unit',
      params: { unit: `flood-${i}.service` },
      subject: `flood-${i}.service`,
      undoOf: null,
      caller: 'playbook',
    });
    store.audit({
      event: 'approved',
      proposalId: proposal.id,
      jobId: job.id,
      action: job.action,
      params: job.params,
      caller: 'playbook',
      result: '',
    });
  }
  store.close();
}

function fillSessions(file: string): void {
  const store = new ChatSessionStore(file);
  // Conversations with a question in them: an empty one is not listed.
  for (let i = 0; i < SESSIONS; i += 1) {
    const { id } = store.create();
    store.append(id, { role: 'user', text: `question ${i}`, time: new Date(), toolCalls: [], proposalIds: [] });
  }
  store.close();
}

// Findings.List once answered every finding at once: with 100k the reply outgrew what D-Bus carries
// and the bus dropped the service. Now every list answers one bounded page and the total.
describe('paged lists', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;

  const call = (iface: string, member: string, filter: Dict) =>
    callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: `${BUS_NAME}.${iface}`,
      member,
      signature: 'a{sv}',
      body: [filter],
    }) as Promise<[Dict[], number]>;
  const page = (offset: number, limit: number): Dict => ({
    offset: new Variant('u', offset),
    limit: new Variant('u', limit),
  });
  /** Reads a list to its end in pages of `size`, as a client would. */
  const readAll = async (iface: string, member: string, key: string, filter: Dict = {}, size = 500) => {
    const ids: string[] = [];
    for (;;) {
      const [items, total] = await call(iface, member, { ...filter, ...page(ids.length, size) });
      expect(items.length).toBeLessThanOrEqual(size);
      ids.push(...items.map((item) => String(item[key]!.value)));
      if (items.length === 0 || ids.length >= total) return { ids, total };
    }
  };
  const cli = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI_SCRIPT, ...args, '--json'], {
      env: { PATH: process.env.PATH, HOME: home.path, DBUS_SESSION_BUS_ADDRESS: bus.address },
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    const state = join(home.path, 'state', 'steward');
    await mkdir(state, { recursive: true, mode: 0o700 });
    fillFindings(join(state, 'findings.db'));
    fillFixes(join(state, 'fixes.db'));
    fillSessions(join(state, 'chat.db'));
    service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() });
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  // Before pages, building the whole reply took seconds, then the bus dropped the service.
  it('answers a bounded page of 100k findings, with the total, and stays on the bus', async () => {
    const [findings, total] = await call('Findings', 'List', {});
    expect(findings.length).toBe(100);
    expect(total).toBe(FINDINGS);
    expect(findings[0]!.subject!.value).toBe(`flood-${FINDINGS - 1}.service`);
    const [largest] = await call('Findings', 'List', page(FINDINGS - 10, 500));
    expect(largest.length).toBe(10);
    expect(largest.at(-1)!.subject!.value).toBe('flood-0.service');
    expect(await nameHasOwner(client, BUS_NAME)).toBeTrue();
    expect(service.process.exitCode).toBeNull();
  });

  it('counts and pages with the filter applied', async () => {
    const ignored = { 'include-ignored': new Variant('b', true) };
    const [, all] = await call('Findings', 'List', ignored);
    expect(all).toBe(FINDINGS + IGNORED);
    const [none, critical] = await call('Findings', 'List', { 'min-severity': new Variant('s', 'critical') });
    expect([none.length, critical]).toEqual([0, 0]);
    const [past, resolved] = await call('Findings', 'List', { state: new Variant('s', 'resolved') });
    expect([past.length, resolved]).toEqual([0, 0]);
  });

  it(
    'returns every finding exactly once when paged through',
    async () => {
      const { ids, total } = await readAll('Findings', 'List', 'id');
      expect(total).toBe(FINDINGS);
      expect(ids.length).toBe(FINDINGS);
      expect(new Set(ids).size).toBe(FINDINGS);
    },
    READ_ALL_FINDINGS_TIMEOUT_MS,
  );

  it('pages proposals, jobs, the audit trail and conversations, each item once', async () => {
    const all = { state: new Variant('s', 'all') };
    for (const [member, key, filter, expected] of [
      ['List', 'id', all, RECORDS],
      ['ListJobs', 'id', {}, RECORDS],
      ['History', 'seq', {}, RECORDS],
    ] as const) {
      const { ids, total } = await readAll('Proposals', member, key, filter, 97);
      expect(total).withContext(member).toBe(expected);
      expect(new Set(ids).size).withContext(member).toBe(expected);
    }
    const [firstJobs] = await call('Proposals', 'ListJobs', {});
    expect(firstJobs.length).toBe(100);
    const [after, afterTotal] = await call('Proposals', 'History', { after: new Variant('t', 1200n), ...page(0, 10) });
    expect(after.map((record) => Number(record.seq!.value))).toEqual([
      1234, 1233, 1232, 1231, 1230, 1229, 1228, 1227, 1226, 1225,
    ]);
    expect(afterTotal).toBe(34);
    const sessions = await readAll('Chat', 'ListSessionsPage', 'id', {}, 40);
    expect(sessions.total).toBe(SESSIONS);
    expect(new Set(sessions.ids).size).toBe(SESSIONS);
  });

  it('refuses an offset or a limit out of range or of the wrong type with InvalidArgs', async () => {
    const bad: Dict[] = [
      { limit: new Variant('u', 0) },
      { limit: new Variant('u', 501) },
      { limit: new Variant('i', 10) },
      { offset: new Variant('s', '10') },
      { offset: new Variant('i', -1) },
    ];
    for (const [iface, member] of [
      ['Findings', 'List'],
      ['Proposals', 'List'],
      ['Proposals', 'ListJobs'],
      ['Proposals', 'History'],
      ['Chat', 'ListSessionsPage'],
    ]) {
      for (const filter of bad) {
        const error = await errorOf(call(iface!, member!, filter));
        expect(error.type)
          .withContext(`${member} ${JSON.stringify(Object.keys(filter))}`)
          .toBe(`${BUS_NAME}.Error.InvalidArgs`);
        expect(error.text).toMatch(/offset|limit/);
      }
    }
    expect(service.process.exitCode).toBeNull();
  });

  it(
    'lets the CLI list more than one page',
    async () => {
      const proposals = await cli('proposals', '--all');
      expect(proposals.length).toBe(RECORDS);
      expect(new Set(proposals.map((p) => p.id)).size).toBe(RECORDS);
      expect((await cli('jobs')).length).toBe(RECORDS);
      const history = await cli('history', '--limit', '1100');
      expect(history.length).toBe(1100);
      expect(history[0]!.seq).toBe(RECORDS);
      const findings = await cli('findings');
      expect(findings.length).toBe(FINDINGS);
    },
    READ_ALL_FINDINGS_TIMEOUT_MS,
  );
});
