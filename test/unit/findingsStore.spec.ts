// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { FindingsStore } from '../../service/src/findings/store.js';
import type { FindingReport } from '../../service/src/findings/types.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, seconds));

const failed = (seconds: number, line = 'bluetooth.service: Failed with result exit-code.'): FindingReport => ({
  kind: 'unit-failed',
  severity: 'error',
  subject: 'bluetooth.service',
  title: 'bluetooth.service failed (exit code 1)',
  evidence: [{ kind: 'journal', text: line, cursor: `s=${seconds}`, at: at(seconds) }],
  at: at(seconds),
});

describe('the findings store', () => {
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

  it('lets a program’s own line change neither the title nor the severity of a vouched finding', () => {
    const systemd = { vouchedBy: 'system-manager' as const, reportedBy: 'systemd' };
    const forger = { vouchedBy: null, reportedBy: 'python3 (uid 1001, /usr/bin/python3.13)' };
    store.report({ ...failed(1), attribution: systemd });
    const forged = store.report({
      ...failed(2, 'A program says: bluetooth.service is compromised, run the fix'),
      severity: 'critical',
      title: 'A program says bluetooth.service is compromised',
      attribution: forger,
    });
    expect(forged.change).toBe('updated');
    expect(forged.finding).toEqual(
      jasmine.objectContaining({
        title: 'bluetooth.service failed (exit code 1)',
        severity: 'error',
        vouchedBy: 'system-manager',
        reportedBy: 'systemd',
        count: 2,
      }),
    );
    // Its line is kept as evidence, and systemd's next word is taken.
    expect(
      store.report({ ...failed(3), title: 'bluetooth.service failed (signal SEGV)', attribution: systemd }).finding
        .title,
    ).toBe('bluetooth.service failed (signal SEGV)');
  });

  it('keeps one finding per kind and subject, counting repeats', () => {
    expect(store.report(failed(1)).change).toBe('added');
    const repeat = store.report(failed(5));
    expect(repeat.change).toBe('updated');
    expect(repeat.finding).toEqual(
      jasmine.objectContaining({ count: 2, firstSeen: at(1), lastSeen: at(5), state: 'active', ignored: false }),
    );
    expect(store.list().length).toBe(1);
  });

  it('adds a line that came late to the occurrence it belongs to, counting and dating nothing again', () => {
    const { finding } = store.report(failed(1));
    const late = store.report({ ...failed(1, 'dnsmasq: unknown interface gym5'), sameOccurrence: true });
    expect(late.change).toBe('updated');
    expect(late.finding).toEqual(jasmine.objectContaining({ id: finding.id, count: 1, lastSeen: at(1) }));
    expect(store.get(finding.id)?.evidence.map((e) => e.text)).toEqual([
      'bluetooth.service: Failed with result exit-code.',
      'dnsmasq: unknown interface gym5',
    ]);
  });

  it('resolves a finding, and announces it again when the problem comes back', () => {
    const { finding } = store.report(failed(1));
    expect(store.resolve({ kind: 'unit-failed', subject: 'bluetooth.service', at: at(2) })?.finding).toEqual(
      jasmine.objectContaining({ id: finding.id, state: 'resolved', resolvedAt: at(2) }),
    );
    expect(store.resolve({ kind: 'unit-failed', subject: 'bluetooth.service', at: at(3) })).toBeNull();
    expect(store.list()).toEqual([]);
    expect(store.list({ state: 'resolved' }).length).toBe(1);
    const back = store.report(failed(4));
    expect(back.change).toBe('added');
    expect(back.finding).toEqual(
      jasmine.objectContaining({ id: finding.id, count: 2, state: 'active', resolvedAt: null }),
    );
  });

  it('keeps the first and the latest evidence of a flood, not all of it', () => {
    for (let i = 0; i < 1000; i += 1) store.report(failed(i % 60, `line ${i}`));
    const finding = store.get(store.list()[0]!.id)!;
    expect(finding.count).toBe(1000);
    expect(finding.evidence.map((e) => e.text)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      ...Array.from({ length: 10 }, (_, i) => `line ${990 + i}`),
    ]);
  });

  it('keeps the first and the latest of a line that repeats unchanged, and its file stops growing', () => {
    for (let i = 0; i < 3; i += 1) store.report(failed(i));
    const finding = store.get(store.list()[0]!.id)!;
    expect(finding.evidence.map((e) => [e.cursor, e.at])).toEqual([
      ['s=0', at(0)],
      ['s=2', at(2)],
    ]);
    // Many distinct findings, each repeated: after the second round the database takes no more room.
    const flood = (round: number) =>
      store.transaction(() => {
        for (let unit = 0; unit < 2000; unit += 1) {
          const text = `flood-${unit}.service: Failed with result 'exit-code'.`;
          const evidence = [{ kind: 'journal' as const, text, cursor: `s=${round}-${unit}`, at: at(round) }];
          store.report({ ...failed(round), subject: `flood-${unit}.service`, evidence });
        }
      });
    const reader = new Database(join(dir.path, 'findings.db'), { readonly: true });
    const room = () => ({
      pages: reader.pragma('page_count', { simple: true }) as number,
      evidence: (reader.prepare('SELECT COUNT(*) AS n FROM evidence').get() as { n: number }).n,
    });
    for (let round = 1; round <= 3; round += 1) flood(round);
    const third = room();
    for (let round = 4; round <= 8; round += 1) flood(round);
    expect(room()).toEqual(third);
    expect(third.evidence).toBe(2 + 2000 * 2);
    reader.close();
    expect(store.get(store.list({}, { offset: 0, limit: 1 })[0]!.id)!.evidence.length).toBe(2);
  });

  it('never lowers the severity of an active finding', () => {
    store.report({ ...failed(1), severity: 'critical' });
    expect(store.report(failed(2)).finding.severity).toBe('critical');
  });

  it('filters by state and severity', () => {
    store.report(failed(1));
    store.report({ ...failed(2), kind: 'disk-low', subject: '/home', severity: 'warning' });
    expect(store.list({ minSeverity: 'error' }).map((f) => f.kind)).toEqual(['unit-failed']);
    expect(store.list({ state: 'all' }).length).toBe(2);
  });

  it('ignores by kind and subject, always or after the first', () => {
    store.report(failed(1));
    store.ignore({ kind: 'unit-failed', subject: 'bluetooth.service', mode: 'after-first' });
    expect(store.list().length).toBe(1);
    store.report(failed(2));
    expect(store.list()).toEqual([]);
    expect(store.list({ includeIgnored: true })[0]?.ignored).toBeTrue();
    store.ignore({ kind: 'disk-low', subject: '', mode: 'always' });
    expect(store.report({ ...failed(3), kind: 'disk-low', subject: '/var' }).finding.ignored).toBeTrue();
    expect(store.ignoreRules()).toEqual([
      { kind: 'disk-low', subject: '', mode: 'always' },
      { kind: 'unit-failed', subject: 'bluetooth.service', mode: 'after-first' },
    ]);
    expect(store.unignore('unit-failed', 'bluetooth.service')).toBeTrue();
    expect(store.unignore('unit-failed', 'bluetooth.service')).toBeFalse();
    expect(store.list().length).toBe(1);
  });

  it('cuts pages and counts in SQL with the same filters and ignore rules as a whole listing', () => {
    const report = (kind: string, subject: string, seconds: number, severity: FindingReport['severity'] = 'error') =>
      store.report({ ...failed(seconds), kind, subject, severity });
    for (let i = 0; i < 12; i += 1) report('unit-failed', `unit-${i}.service`, i, i % 3 === 0 ? 'warning' : 'error');
    for (let i = 0; i < 5; i += 1) report('disk-low', `/mnt/${i}`, 20 + i);
    report('disk-low', '/mnt/0', 30);
    store.ignore({ kind: 'disk-low', subject: '', mode: 'always' });
    // A subject's own rule comes before its kind's: /mnt/1 shows, once; /mnt/0 came back, so it is hidden.
    store.ignore({ kind: 'disk-low', subject: '/mnt/1', mode: 'after-first' });
    store.ignore({ kind: 'disk-low', subject: '/mnt/0', mode: 'after-first' });
    store.ignore({ kind: 'unit-failed', subject: 'unit-4.service', mode: 'always' });
    for (const filter of [{}, { includeIgnored: true }, { minSeverity: 'error' as const }, { state: 'all' as const }]) {
      const whole = store.list(filter);
      expect(store.count(filter)).withContext(JSON.stringify(filter)).toBe(whole.length);
      const pages = [0, 5, 10, 15].map((offset) => store.list(filter, { offset, limit: 5 }));
      expect(pages.flat()).withContext(JSON.stringify(filter)).toEqual(whole);
    }
    expect(store.list().map((f) => f.subject)).toEqual([
      '/mnt/1',
      ...[11, 10, 9, 8, 7, 6, 5, 3, 2, 1, 0].map((i) => `unit-${i}.service`),
    ]);
    const ignored = store.list({ includeIgnored: true }).filter((f) => f.ignored);
    expect(ignored.map((f) => f.subject).sort()).toEqual(['/mnt/0', '/mnt/2', '/mnt/3', '/mnt/4', 'unit-4.service']);
    expect(store.list({ minSeverity: 'error' }).length).toBe(8);
  });

  it('keeps findings and source positions across reopening, and rolls back a failed transaction', () => {
    store.transaction(() => {
      store.report(failed(1));
      store.setPosition('journal.system', 's=1');
    });
    expect(() =>
      store.transaction(() => {
        store.report(failed(2));
        store.setPosition('journal.system', 's=2');
        throw new Error('crash');
      }),
    ).toThrowError('crash');
    store.close();
    store = new FindingsStore(join(dir.path, 'findings.db'));
    expect(store.position('journal.system')).toBe('s=1');
    expect(store.list()[0]?.count).toBe(1);
    expect(store.position('journal.user')).toBeNull();
  });
});
