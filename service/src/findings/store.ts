// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Findings in SQLite (WAL), one row per (kind, subject): a repeat updates the
// count and last-seen time instead of adding a row, and a finding whose
// condition cleared is marked resolved. The event sources' resume points are
// stored in the same transactions, so a crash never loses or repeats one.
import { dirname } from 'node:path';

import type Database from 'better-sqlite3';

import { boundedText } from '../storage/bounds.js';
import type { Salvage } from '../storage/salvage.js';
import { StateDatabase } from '../storage/stateDatabase.js';
import { type Recovery, StorageHealth } from '../storage/storageHealth.js';
import { cleanLine } from '../untrustedText.js';
import { type Attribution, strongerAttribution, type Voucher, VOUCHERS } from './attribution.js';
import { type Evidence, type FindingReport, type ResolutionReport, SEVERITIES, type Severity } from './types.js';

export type FindingState = 'active' | 'resolved';
export type IgnoreMode = 'always' | 'after-first';

export interface Finding {
  id: number;
  kind: string;
  subject: string;
  severity: Severity;
  title: string;
  state: FindingState;
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt: Date | null;
  /** Occurrences, across resolutions. */
  count: number;
  /** Hidden by an ignore rule: stored and counted, but not announced. */
  ignored: boolean;
  /** The model's plain-words explanation; null until one arrives (or without a model). */
  explanation: string | null;
  likelyCause: string | null;
  /** Who vouches for it (the kernel, systemd, Steward's own reading); null when only a program's own log line does. */
  vouchedBy: Voucher;
  /** Who reported it, for people: "systemd", "python3 (uid 1001, /usr/bin/python3.12)". */
  reportedBy: string;
}

export interface FindingWithEvidence extends Finding {
  evidence: Evidence[];
}

export interface IgnoreRule {
  kind: string;
  /** '' matches every subject of the kind. */
  subject: string;
  mode: IgnoreMode;
}

/** What a batch changed, for the D-Bus signals. */
export interface FindingChange {
  change: 'added' | 'updated' | 'resolved';
  finding: Finding;
  /** An update that changed the title: the finding now says another thing of its subject (another cause, a count). */
  retitled?: true;
}

export interface ListFilter {
  state?: FindingState | 'all';
  minSeverity?: Severity;
  includeIgnored?: boolean;
}

/** Which part of a listing to read; all of it when absent. */
export interface ListPage {
  offset: number;
  limit: number;
}

interface FindingRow {
  id: number;
  kind: string;
  subject: string;
  severity: Severity;
  title: string;
  state: FindingState;
  first_seen: number;
  last_seen: number;
  resolved_at: number | null;
  count: number;
  explanation: string | null;
  likely_cause: string | null;
  vouched_by: string | null;
  reported_by: string | null;
}

interface EvidenceRow {
  kind: Evidence['kind'];
  text: string;
  cursor: string | null;
  path: string | null;
  at: number;
  journal: string | null;
  line: number | null;
  unit: string | null;
  writer: string | null;
}

/** Evidence kept per finding: the first few lines show how it began, the latest how it goes. */
const FIRST_EVIDENCE = 3;
const LATEST_EVIDENCE = 10;
const MAX_EVIDENCE_TEXT = 2000;
/** A subject is a unit, a file, a device or an extension's uuid: one longer than this came from outside, cut to it. */
const MAX_SUBJECT = 1000;
const MAX_EXPLANATION = 600;
const MAX_LIKELY_CAUSE = 300;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'resolved')),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  resolved_at INTEGER,
  count INTEGER NOT NULL,
  explanation TEXT,
  likely_cause TEXT,
  UNIQUE (kind, subject)
);
CREATE TABLE IF NOT EXISTS evidence (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  cursor TEXT,
  path TEXT,
  at INTEGER NOT NULL,
  journal TEXT,
  line INTEGER
);
CREATE INDEX IF NOT EXISTS evidence_by_finding ON evidence (finding_id, seq);
CREATE INDEX IF NOT EXISTS findings_by_last_seen ON findings (last_seen DESC, id DESC);
CREATE INDEX IF NOT EXISTS findings_by_state ON findings (state, severity);
CREATE TABLE IF NOT EXISTS ignore_rules (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('always', 'after-first')),
  PRIMARY KEY (kind, subject)
);
CREATE TABLE IF NOT EXISTS source_positions (
  source TEXT PRIMARY KEY,
  position TEXT NOT NULL
);
`;

/** Columns added to findings after its first release, which a database made before lacks. */
/** What a detector's report that names no source is: Steward's own reading. */
const STEWARD_ATTRIBUTION: Attribution = { vouchedBy: 'steward', reportedBy: 'Steward' };

const ADDED_COLUMNS = { explanation: 'TEXT', likely_cause: 'TEXT', vouched_by: 'TEXT', reported_by: 'TEXT' };
const ADDED_EVIDENCE_COLUMNS = { journal: 'TEXT', line: 'INTEGER', unit: 'TEXT', writer: 'TEXT' };

const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);

/** Findings with the ignore rules for their subject ("own") and for their whole kind ("every"), when there are. */
const WITH_RULES = `findings
  LEFT JOIN ignore_rules own ON own.kind = findings.kind AND own.subject = findings.subject
  LEFT JOIN ignore_rules every ON every.kind = findings.kind AND every.subject = ''`;
/** As isIgnored, in SQL, so that a page is filtered before it is cut: the subject's own rule comes first. */
const RULE_MODE = `COALESCE(own.mode, every.mode, '')`;
const IGNORED = `(${RULE_MODE} = 'always' OR (${RULE_MODE} = 'after-first' AND findings.count > 1))`;

function toFinding(row: FindingRow, ignored: boolean): Finding {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    severity: row.severity,
    title: row.title,
    state: row.state,
    firstSeen: new Date(row.first_seen),
    lastSeen: new Date(row.last_seen),
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    count: row.count,
    ignored,
    explanation: row.explanation,
    likelyCause: row.likely_cause,
    vouchedBy: VOUCHERS.find((voucher) => voucher === row.vouched_by) ?? null,
    reportedBy: row.reported_by ?? 'Steward',
  };
}

export class FindingsStore {
  private readonly database: StateDatabase;
  private readonly statements = new Map<string, Database.Statement>();
  /** The connection the statements were prepared on: the file replaces a read-only copy when the disk recovers. */
  private preparedOn: Database.Database | null = null;

  /** Where a damaged findings.db was kept when this one was started afresh; null when it was not. */
  readonly setAside: string | null;
  /** What of that damaged file was copied into the fresh one, by table; null when nothing was. */
  readonly salvaged: Salvage | null;

  constructor(
    file: string,
    private readonly health = new StorageHealth({ directory: dirname(file) }),
  ) {
    this.database = new StateDatabase(
      file,
      (db) => {
        db.pragma('foreign_keys = ON');
        db.exec(SCHEMA);
        addMissingColumns(db);
      },
      health,
    );
    this.setAside = this.database.setAside;
    this.salvaged = this.database.salvaged;
  }

  close(): void {
    this.database.close();
  }

  private get db(): Database.Database {
    return this.database.db;
  }

  /** Prepared once: a log flood runs the same few statements thousands of times. */
  private sql(text: string): Database.Statement {
    if (this.preparedOn !== this.db) {
      this.statements.clear();
      this.preparedOn = this.db;
    }
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /**
   * Runs `work` as one transaction: all of its changes are stored, or none. A full or read-only state disk
   * answers StorageUnavailable.
   */
  transaction<T>(work: () => T): T {
    return this.database.write(() => this.db.transaction(work)());
  }

  /** Calls `recovery` on each retry for the state disk until it returns true. */
  whenWritable(recovery: Recovery): void {
    this.health.waitFor(recovery);
  }

  position(source: string): string | null {
    const row = this.sql('SELECT position FROM source_positions WHERE source = ?').get(source) as
      { position: string } | undefined;
    return row?.position ?? null;
  }

  setPosition(source: string, position: string): void {
    this.sql(
      'INSERT INTO source_positions (source, position) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET position = excluded.position',
    ).run(source, position);
  }

  /** Records an occurrence; returns what changed, for the signals. */
  report(report: FindingReport): FindingChange {
    const at = report.at.getTime();
    const attribution = report.attribution ?? STEWARD_ATTRIBUTION;
    const subject = boundedText(report.subject, MAX_SUBJECT);
    const existing = this.row(report.kind, subject);
    let id: number;
    let change: FindingChange['change'];
    let retitled = false;
    if (report.sameOccurrence && existing?.state === 'active') {
      for (const evidence of report.evidence) this.addEvidence(existing.id, evidence);
      return { change: 'updated', finding: this.finding(existing.id) };
    }
    if (!existing) {
      id = Number(
        this.sql(
          `INSERT INTO findings (kind, subject, severity, title, state, first_seen, last_seen, count, vouched_by, reported_by)
             VALUES (?, ?, ?, ?, 'active', ?, ?, 1, ?, ?)`,
        ).run(
          report.kind,
          subject,
          report.severity,
          cleanLine(report.title),
          at,
          at,
          attribution.vouchedBy,
          cleanLine(attribution.reportedBy),
        ).lastInsertRowid,
      );
      change = 'added';
    } else {
      id = existing.id;
      // A resolved problem that comes back is news again; a repeat of an active one is not.
      change = existing.state === 'resolved' ? 'added' : 'updated';
      const previous = toFinding(existing, false);
      // While active, a program's word (a line anyone may write) changes neither the title nor the severity of what
      // a trusted writer or Steward's own reading vouched for; it only adds its line as evidence.
      const outweighed = existing.state === 'active' && previous.vouchedBy !== null && attribution.vouchedBy === null;
      const severity =
        outweighed || (existing.state === 'active' && severityRank(existing.severity) > severityRank(report.severity))
          ? existing.severity
          : report.severity;
      const title = outweighed ? existing.title : cleanLine(report.title);
      retitled = change === 'updated' && title !== existing.title;
      // A problem that comes back is attributed anew; while active, a vouched report outweighs a program's word.
      const kept =
        existing.state === 'resolved'
          ? attribution
          : strongerAttribution({ vouchedBy: previous.vouchedBy, reportedBy: previous.reportedBy }, attribution);
      this.sql(
        `UPDATE findings SET severity = ?, title = ?, state = 'active', last_seen = MAX(last_seen, ?),
             resolved_at = NULL, count = count + 1, vouched_by = ?, reported_by = ? WHERE id = ?`,
      ).run(severity, title, at, kept.vouchedBy, cleanLine(kept.reportedBy), id);
    }
    for (const evidence of report.evidence) this.addEvidence(id, evidence);
    return { change, finding: this.finding(id), ...(retitled && { retitled: true as const }) };
  }

  /** Marks the finding resolved; null when there is no active finding to resolve. */
  resolve(resolution: ResolutionReport): FindingChange | null {
    const existing = this.row(resolution.kind, boundedText(resolution.subject, MAX_SUBJECT));
    if (existing?.state !== 'active') return null;
    this.sql(`UPDATE findings SET state = 'resolved', resolved_at = ? WHERE id = ?`).run(
      resolution.at.getTime(),
      existing.id,
    );
    return { change: 'resolved', finding: this.finding(existing.id) };
  }

  /** Stores the model's explanation (cleaned and bounded); null when there is no such finding. */
  setExplanation(id: number, explanation: string, likelyCause: string): Finding | null {
    const { changes } = this.database.write(() =>
      this.sql('UPDATE findings SET explanation = ?, likely_cause = ? WHERE id = ?').run(
        cleanLine(explanation, MAX_EXPLANATION),
        cleanLine(likelyCause, MAX_LIKELY_CAUSE),
        id,
      ),
    );
    return changes === 0 ? null : this.finding(id);
  }

  /**
   * Deletes up to `limit` findings resolved before `before`, with their evidence; returns how many went.
   * Bounded, so a large backlog is pruned in steps that leave the main loop free in between.
   */
  pruneResolved(before: Date, limit: number): number {
    return this.database.write(
      () =>
        this.sql(
          `DELETE FROM findings WHERE id IN
             (SELECT id FROM findings WHERE state = 'resolved' AND resolved_at < ? ORDER BY resolved_at LIMIT ?)`,
        ).run(before.getTime(), limit).changes,
    );
  }

  /** The findings that pass `filter`, most recently seen first: all of them, or the part `page` names. */
  list(filter: ListFilter = {}, page?: ListPage): Finding[] {
    const { where, params } = this.matching(filter);
    const rows = this.sql(
      `SELECT findings.*, ${IGNORED} AS ignored_now FROM ${WITH_RULES} ${where}
         ORDER BY findings.last_seen DESC, findings.id DESC LIMIT ? OFFSET ?`,
    ).all(...params, page?.limit ?? -1, page?.offset ?? 0) as (FindingRow & { ignored_now: number })[];
    return rows.map((row) => toFinding(row, row.ignored_now === 1));
  }

  /** How many findings pass `filter`. */
  count(filter: ListFilter = {}): number {
    // With no ignore rules nothing is hidden, and the count comes off the state index alone: a flood of distinct
    // findings recounts after every batch.
    const rules = this.sql('SELECT 1 FROM ignore_rules LIMIT 1').get() !== undefined;
    const { where, params } = this.matching(rules ? filter : { ...filter, includeIgnored: true });
    const from = rules ? WITH_RULES : 'findings';
    return (this.sql(`SELECT COUNT(*) AS n FROM ${from} ${where}`).get(...params) as { n: number }).n;
  }

  private matching(filter: ListFilter): { where: string; params: string[] } {
    const conditions: string[] = [];
    const params: string[] = [];
    const state = filter.state ?? 'active';
    if (state !== 'all') {
      conditions.push('findings.state = ?');
      params.push(state);
    }
    const minimum = severityRank(filter.minSeverity ?? 'info');
    if (minimum > 0) {
      const severities = SEVERITIES.slice(minimum);
      conditions.push(`findings.severity IN (${severities.map(() => '?').join(', ')})`);
      params.push(...severities);
    }
    if (!filter.includeIgnored) conditions.push(`NOT ${IGNORED}`);
    return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
  }

  get(id: number): FindingWithEvidence | null {
    const row = this.sql('SELECT * FROM findings WHERE id = ?').get(id) as FindingRow | undefined;
    if (!row) return null;
    const evidence = (
      this.sql(
        'SELECT kind, text, cursor, path, at, journal, line, unit, writer FROM evidence WHERE finding_id = ? ORDER BY seq',
      ).all(id) as EvidenceRow[]
    ).map((e): Evidence => ({
      kind: e.kind,
      text: e.text,
      at: new Date(e.at),
      ...(e.cursor === null ? {} : { cursor: e.cursor }),
      ...(e.path === null ? {} : { path: e.path }),
      ...(e.journal === null ? {} : { journal: e.journal }),
      ...(e.line === null ? {} : { line: e.line }),
      ...(e.unit === null ? {} : { unit: e.unit }),
      ...(e.writer === null ? {} : { writer: e.writer }),
    }));
    return { ...toFinding(row, this.isIgnored(row)), evidence };
  }

  ignore(rule: IgnoreRule): void {
    this.database.write(() =>
      this.sql(
        'INSERT INTO ignore_rules (kind, subject, mode) VALUES (?, ?, ?) ON CONFLICT (kind, subject) DO UPDATE SET mode = excluded.mode',
      ).run(rule.kind, rule.subject, rule.mode),
    );
  }

  /** Removes a rule; false when there was none. */
  unignore(kind: string, subject: string): boolean {
    return this.database.write(
      () => this.sql('DELETE FROM ignore_rules WHERE kind = ? AND subject = ?').run(kind, subject).changes > 0,
    );
  }

  ignoreRules(): IgnoreRule[] {
    return this.sql('SELECT kind, subject, mode FROM ignore_rules ORDER BY kind, subject').all() as IgnoreRule[];
  }

  private isIgnored(row: FindingRow): boolean {
    const rule = this.sql(
      `SELECT mode FROM ignore_rules WHERE kind = ? AND subject IN (?, '') ORDER BY subject DESC LIMIT 1`,
    ).get(row.kind, row.subject) as { mode: IgnoreMode } | undefined;
    // "after the first": the first occurrence was shown; repeats are not.
    return rule?.mode === 'always' || (rule?.mode === 'after-first' && row.count > 1);
  }

  private row(kind: string, subject: string): FindingRow | undefined {
    return this.sql('SELECT * FROM findings WHERE kind = ? AND subject = ?').get(kind, subject) as
      FindingRow | undefined;
  }

  /** The active finding of `kind` about `subject`, if there is one (findings are unique by kind and subject). */
  activeFinding(kind: string, subject: string): Finding | null {
    const row = this.row(kind, subject);
    return row?.state === 'active' ? toFinding(row, this.isIgnored(row)) : null;
  }

  private finding(id: number): Finding {
    const row = this.sql('SELECT * FROM findings WHERE id = ?').get(id) as FindingRow;
    return toFinding(row, this.isIgnored(row));
  }

  private addEvidence(findingId: number, evidence: Evidence): void {
    const text = cleanLine(evidence.text, MAX_EVIDENCE_TEXT);
    // The same line again (a unit that fails the same way on every flood) moves the latest record forward
    // instead of adding one: a repeat tells nothing the count and the latest cursor do not.
    const latest = this.sql(
      `SELECT seq, kind, text, path, line, seq = (SELECT MIN(seq) FROM evidence WHERE finding_id = @id) AS first
         FROM evidence WHERE finding_id = @id ORDER BY seq DESC LIMIT 1`,
    ).get({ id: findingId }) as
      (Pick<EvidenceRow, 'kind' | 'text' | 'path' | 'line'> & { seq: number; first: number }) | undefined;
    if (
      latest &&
      latest.first === 0 &&
      latest.kind === evidence.kind &&
      latest.text === text &&
      latest.path === (evidence.path ?? null) &&
      latest.line === (evidence.line ?? null)
    ) {
      this.sql('UPDATE evidence SET cursor = ?, at = ?, journal = ?, unit = ?, writer = ? WHERE seq = ?').run(
        evidence.cursor ?? null,
        evidence.at.getTime(),
        evidence.journal ?? null,
        evidence.unit ?? null,
        evidence.writer ?? null,
        latest.seq,
      );
      return;
    }
    this.sql(
      'INSERT INTO evidence (finding_id, kind, text, cursor, path, at, journal, line, unit, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      findingId,
      evidence.kind,
      // Log lines are untrusted: no terminal escapes or control characters reach a display or a model.
      text,
      evidence.cursor ?? null,
      evidence.path ?? null,
      evidence.at.getTime(),
      evidence.journal ?? null,
      evidence.line ?? null,
      evidence.unit ?? null,
      evidence.writer === undefined ? null : cleanLine(evidence.writer),
    );
    // A flood of the same error keeps a bounded record: how it began and how it goes now.
    this.sql(
      `DELETE FROM evidence WHERE finding_id = @id
           AND seq NOT IN (SELECT seq FROM evidence WHERE finding_id = @id ORDER BY seq ASC LIMIT @first)
           AND seq NOT IN (SELECT seq FROM evidence WHERE finding_id = @id ORDER BY seq DESC LIMIT @latest)`,
    ).run({ id: findingId, first: FIRST_EVIDENCE, latest: LATEST_EVIDENCE });
  }
}

/** Columns added since the first version, for a database an older Steward made. */
function addMissingColumns(db: Database.Database): void {
  const present = new Set((db.pragma('table_info(findings)') as { name: string }[]).map((c) => c.name));
  for (const [name, type] of Object.entries(ADDED_COLUMNS)) {
    if (!present.has(name)) db.exec(`ALTER TABLE findings ADD COLUMN ${name} ${type}`);
  }
  const evidence = new Set((db.pragma('table_info(evidence)') as { name: string }[]).map((c) => c.name));
  for (const [name, type] of Object.entries(ADDED_EVIDENCE_COLUMNS)) {
    if (!evidence.has(name)) db.exec(`ALTER TABLE evidence ADD COLUMN ${name} ${type}`);
  }
}
