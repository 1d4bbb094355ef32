// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Proposals, jobs and the audit trail in SQLite. The audit table is
// append-only: triggers refuse UPDATE and DELETE, so a record once written
// stays as it was.
import { dirname } from 'node:path';

import type Database from 'better-sqlite3';

import type { Voucher } from '../findings/attribution.js';
import { boundedLines, boundedText } from '../storage/bounds.js';
import type { Salvage } from '../storage/salvage.js';
import { StateDatabase } from '../storage/stateDatabase.js';
import { StorageHealth } from '../storage/storageHealth.js';
import type { Preview, Risk, UndoPlan } from './action.js';

export type Policy = 'ask' | 'auto' | 'never';

export interface ProposedAction {
  /** Catalog name; unique within its proposal. */
  name: string;
  params: Record<string, unknown>;
  title: string;
  risk: Risk;
  needsAuthorization: boolean;
  readOnly: boolean;
  /** Runs as soon as it is proposed, without a press: it only reads state (read-only, runs no program). */
  shown?: boolean;
  /** What the step found, once it ran: a read-only step's answer is part of its proposal. */
  answer?: string;
  preview: Preview;
  policy: Policy;
}

export type ProposalState = 'open' | 'applying' | 'fixed' | 'not-fixed' | 'failed' | 'dismissed' | 'resolved';

export interface Proposal {
  id: number;
  /** The finding it answers; null for one made from a chat request. */
  findingId: number | null;
  kind: string;
  subject: string;
  title: string;
  explanation: string;
  state: ProposalState;
  actions: ProposedAction[];
  /** Where it came from and who vouches for what it is about; decides one-click Apply and `auto` rules. */
  trust: ProposalTrust;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * playbook: Steward's own playbook for a finding; model: the model's advice on a finding; chat: the assistant in
 * a conversation; agent: an outside agent through the Agents interface (`steward mcp`).
 */
export type ProposalOrigin = 'playbook' | 'model' | 'chat' | 'agent';

export interface ProposalTrust {
  origin: ProposalOrigin;
  /** The finding's voucher (see findings/attribution.ts); null when only a program's own log line says so. */
  vouchedBy: Voucher;
  reportedBy: string;
  /** Whose words the explanation is: Steward's playbook, or the model's (shown as the model's). */
  explanationBy: 'steward' | 'model';
}

/** Older rows, from before proposals recorded their origin: a playbook's, vouched for by Steward's own reading. */
const LEGACY_TRUST: ProposalTrust = {
  origin: 'playbook',
  vouchedBy: 'steward',
  reportedBy: 'Steward',
  explanationBy: 'steward',
};

/** One-click Apply (and `auto` rules) only for a playbook's proposal about what systemd, the kernel or Steward vouch for. */
export function isOneClick(trust: ProposalTrust): boolean {
  return trust.origin === 'playbook' && trust.vouchedBy !== null;
}

export type JobState =
  'queued' | 'running' | 'fixed' | 'not-fixed' | 'done' | 'failed' | 'not-authorized' | 'cancelled';

export const FINISHED_JOB_STATES: readonly JobState[] = [
  'fixed',
  'not-fixed',
  'done',
  'failed',
  'not-authorized',
  'cancelled',
];

export interface Job {
  id: number;
  proposalId: number | null;
  action: string;
  params: Record<string, unknown>;
  subject: string;
  state: JobState;
  /** What happened, in one line: the run's summary, the verification, or the error. */
  summary: string;
  undo: UndoPlan | null;
  /** The job this one undoes, and the job that undid this one. */
  undoOf: number | null;
  undoneBy: number | null;
  caller: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface AuditRecord {
  seq: number;
  at: Date;
  event: string;
  proposalId: number | null;
  jobId: number | null;
  action: string | null;
  params: Record<string, unknown> | null;
  caller: string;
  result: string;
}

export type AuditEntry = Omit<AuditRecord, 'seq' | 'at'>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS proposals (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  explanation TEXT NOT NULL,
  state TEXT NOT NULL,
  actions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS proposals_by_finding ON proposals (finding_id);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  proposal_id INTEGER,
  action TEXT NOT NULL,
  params TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,
  summary TEXT NOT NULL,
  undo TEXT,
  undo_of INTEGER,
  undone_by INTEGER,
  caller TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE IF NOT EXISTS dismissals (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  PRIMARY KEY (kind, subject)
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  proposal_id INTEGER,
  job_id INTEGER,
  action TEXT,
  params TEXT,
  caller TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`;

interface ProposalRow {
  id: number;
  finding_id: number | null;
  kind: string;
  subject: string;
  title: string;
  explanation: string;
  state: ProposalState;
  actions: string;
  trust: string | null;
  created_at: number;
  updated_at: number;
}

interface JobRow {
  id: number;
  proposal_id: number | null;
  action: string;
  params: string;
  subject: string;
  state: JobState;
  summary: string;
  undo: string | null;
  undo_of: number | null;
  undone_by: number | null;
  caller: string;
  created_at: number;
  finished_at: number | null;
}

interface AuditRow {
  seq: number;
  at: number;
  event: string;
  proposal_id: number | null;
  job_id: number | null;
  action: string | null;
  params: string | null;
  caller: string;
  result: string;
}

const toProposal = (row: ProposalRow): Proposal => ({
  id: row.id,
  findingId: row.finding_id,
  kind: row.kind,
  subject: row.subject,
  title: row.title,
  explanation: row.explanation,
  state: row.state,
  actions: JSON.parse(row.actions) as ProposedAction[],
  trust: row.trust ? (JSON.parse(row.trust) as ProposalTrust) : LEGACY_TRUST,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const toJob = (row: JobRow): Job => ({
  id: row.id,
  proposalId: row.proposal_id,
  action: row.action,
  params: JSON.parse(row.params) as Record<string, unknown>,
  subject: row.subject,
  state: row.state,
  summary: row.summary,
  undo: row.undo === null ? null : (JSON.parse(row.undo) as UndoPlan),
  undoOf: row.undo_of,
  undoneBy: row.undone_by,
  caller: row.caller,
  createdAt: new Date(row.created_at),
  finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
});

export type NewProposal = Omit<Proposal, 'id' | 'state' | 'createdAt' | 'updatedAt'>;

/** Which part of a listing to read; a limit of -1 reads to the end. */
export interface ListPage {
  offset: number;
  limit: number;
}

const limitOffset = (page: ListPage = { offset: 0, limit: -1 }) => [page.limit, page.offset];
const count = (row: unknown) => (row as { n: number }).n;

const inStates = (states: readonly ProposalState[] | 'all') =>
  states === 'all'
    ? { where: '', params: [] }
    : { where: `WHERE state IN (${states.map(() => '?').join(',')})`, params: [...states] };

/** Jobs that ran, have an undo plan, and were not undone yet. */
const UNDOABLE = `WHERE undone_by IS NULL AND undo IS NOT NULL AND undo NOT LIKE '{"impossible"%'
  AND state IN ('fixed', 'not-fixed', 'done')`;

/** Bounds of what a proposal keeps, in characters (and thrice that in bytes): past them a text is cut, saying so. */
const MAX_TITLE = 300;
const MAX_SUBJECT = 1000;
const MAX_EXPLANATION = 4000;
const MAX_SUMMARY = 500;
const MAX_DETAIL_LINES = 200;
const MAX_DETAIL = 500;
const MAX_ANSWER = 20_000;

/** An action's texts within their bounds: a preview's lines come from outside (package versions, files, units). */
function boundedAction(action: ProposedAction): ProposedAction {
  return {
    ...action,
    title: boundedText(action.title, MAX_TITLE),
    preview: {
      ...action.preview,
      summary: boundedText(action.preview.summary, MAX_SUMMARY),
      details: boundedLines(action.preview.details, MAX_DETAIL_LINES, MAX_DETAIL),
    },
    ...(action.answer !== undefined && { answer: boundedText(action.answer, MAX_ANSWER) }),
  };
}

// Writes answer StorageUnavailable while the state disk is full or read-only: no fix may run without its
// audit record, and a proposal the user cannot apply is better not shown than shown and forgotten.
export class FixesStore {
  private readonly database: StateDatabase;

  /** Where a damaged fixes.db was kept when this one was started afresh; null when it was not. */
  readonly setAside: string | null;
  /** What of that damaged file was copied into the fresh one, by table; null when nothing was. */
  readonly salvaged: Salvage | null;

  constructor(file: string, health = new StorageHealth({ directory: dirname(file) })) {
    this.database = new StateDatabase(
      file,
      (db) => {
        db.exec(SCHEMA);
        const columns = (db.pragma('table_info(proposals)') as { name: string }[]).map((column) => column.name);
        if (!columns.includes('trust')) db.exec('ALTER TABLE proposals ADD COLUMN trust TEXT');
        // Jobs cut off by a crash or a restart did not finish; say so rather than leave them running forever.
        db.prepare(
          `UPDATE jobs SET state = 'failed', summary = 'Interrupted: Steward stopped while it ran.', finished_at = ?
             WHERE state IN ('queued', 'running')`,
        ).run(Date.now());
        db.prepare(`UPDATE proposals SET state = 'open' WHERE state = 'applying'`).run();
      },
      health,
      // A fix that frees space must be able to run on a full disk: its records may use the reserve.
      true,
    );
    this.setAside = this.database.setAside;
    this.salvaged = this.database.salvaged;
  }

  private get db(): Database.Database {
    return this.database.db;
  }

  close(): void {
    this.database.close();
  }

  /** Runs `work`, which writes; a full or read-only state disk answers StorageUnavailable. */
  private write<T>(work: () => T): T {
    return this.database.write(work);
  }

  addProposal(proposal: NewProposal): Proposal {
    const now = Date.now();
    const id = this.write(() =>
      Number(
        this.db
          .prepare(
            `INSERT INTO proposals (finding_id, kind, subject, title, explanation, state, actions, trust, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
          )
          .run(
            proposal.findingId,
            proposal.kind,
            boundedText(proposal.subject, MAX_SUBJECT),
            boundedText(proposal.title, MAX_TITLE),
            boundedText(proposal.explanation, MAX_EXPLANATION),
            JSON.stringify(proposal.actions.map(boundedAction)),
            JSON.stringify(proposal.trust),
            now,
            now,
          ).lastInsertRowid,
      ),
    );
    return this.stored(this.proposal(id), 'proposal', id);
  }

  /** Replaces an open proposal's explanation and actions (a finding came back with new evidence). */
  refreshProposal(
    id: number,
    explanation: string,
    actions: ProposedAction[],
    trust: ProposalTrust,
    title = this.proposal(id)?.title ?? '',
  ): Proposal {
    this.write(() =>
      this.db
        .prepare('UPDATE proposals SET title = ?, explanation = ?, actions = ?, trust = ?, updated_at = ? WHERE id = ?')
        .run(
          boundedText(title, MAX_TITLE),
          boundedText(explanation, MAX_EXPLANATION),
          JSON.stringify(actions.map(boundedAction)),
          JSON.stringify(trust),
          Date.now(),
          id,
        ),
    );
    return this.stored(this.proposal(id), 'proposal', id);
  }

  /** Keeps a read-only step's answer with its proposal. */
  recordAnswer(id: number, name: string, answer: string): Proposal | null {
    const proposal = this.proposal(id);
    if (!proposal) return null;
    const actions = proposal.actions.map((action) =>
      action.name === name ? boundedAction({ ...action, answer }) : action,
    );
    this.write(() =>
      this.db
        .prepare('UPDATE proposals SET actions = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(actions), Date.now(), id),
    );
    return this.proposal(id);
  }

  setProposalState(id: number, state: ProposalState): Proposal {
    this.write(() =>
      this.db.prepare('UPDATE proposals SET state = ?, updated_at = ? WHERE id = ?').run(state, Date.now(), id),
    );
    return this.stored(this.proposal(id), 'proposal', id);
  }

  proposal(id: number): Proposal | null {
    const row = this.db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRow | undefined;
    return row ? toProposal(row) : null;
  }

  /** The latest proposal for a finding, whatever its state. */
  proposalForFinding(findingId: number): Proposal | null {
    const row = this.db
      .prepare('SELECT * FROM proposals WHERE finding_id = ? ORDER BY id DESC LIMIT 1')
      .get(findingId) as ProposalRow | undefined;
    return row ? toProposal(row) : null;
  }

  /** The proposals in `states`, newest first: all of them, or the part `page` names. */
  proposals(states: readonly ProposalState[] | 'all', page?: ListPage): Proposal[] {
    const { where, params } = inStates(states);
    return (
      this.db
        .prepare(`SELECT * FROM proposals ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...params, ...limitOffset(page)) as ProposalRow[]
    ).map(toProposal);
  }

  countProposals(states: readonly ProposalState[] | 'all'): number {
    const { where, params } = inStates(states);
    return count(this.db.prepare(`SELECT COUNT(*) AS n FROM proposals ${where}`).get(...params));
  }

  dismissForever(kind: string, subject: string): void {
    this.write(() =>
      this.db.prepare('INSERT OR IGNORE INTO dismissals (kind, subject) VALUES (?, ?)').run(kind, subject),
    );
  }

  isDismissedForever(kind: string, subject: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM dismissals WHERE kind = ? AND subject IN (?, '')`).get(kind, subject) !== undefined
    );
  }

  addJob(job: Pick<Job, 'proposalId' | 'action' | 'params' | 'subject' | 'undoOf' | 'caller'>): Job {
    const id = this.write(() =>
      Number(
        this.db
          .prepare(
            `INSERT INTO jobs (proposal_id, action, params, subject, state, summary, undo_of, caller, created_at)
             VALUES (?, ?, ?, ?, 'queued', '', ?, ?, ?)`,
          )
          .run(job.proposalId, job.action, JSON.stringify(job.params), job.subject, job.undoOf, job.caller, Date.now())
          .lastInsertRowid,
      ),
    );
    return this.stored(this.job(id), 'job', id);
  }

  updateJob(id: number, change: { state: JobState; summary?: string; undo?: UndoPlan | null }): Job {
    const finished = FINISHED_JOB_STATES.includes(change.state) ? Date.now() : null;
    this.write(() =>
      this.db
        .prepare(
          `UPDATE jobs SET state = ?, summary = COALESCE(?, summary), undo = COALESCE(?, undo),
             finished_at = COALESCE(?, finished_at) WHERE id = ?`,
        )
        .run(change.state, change.summary ?? null, change.undo ? JSON.stringify(change.undo) : null, finished, id),
    );
    return this.stored(this.job(id), 'job', id);
  }

  markUndone(id: number, undoneBy: number): void {
    this.write(() => this.db.prepare('UPDATE jobs SET undone_by = ? WHERE id = ?').run(undoneBy, id));
  }

  job(id: number): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /** The jobs, newest first. */
  jobs(limit = 100, offset = 0): Job[] {
    return this.jobsWhere('', { offset, limit });
  }

  /** Jobs that ran, have an undo plan, and were not undone yet: all of them, or the part `page` names. */
  undoableJobs(page?: ListPage): Job[] {
    return this.jobsWhere(UNDOABLE, page);
  }

  countJobs(only: 'all' | 'undoable' = 'all'): number {
    return count(this.db.prepare(`SELECT COUNT(*) AS n FROM jobs ${only === 'undoable' ? UNDOABLE : ''}`).get());
  }

  private jobsWhere(where: string, page?: ListPage): Job[] {
    return (
      this.db
        .prepare(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...limitOffset(page)) as JobRow[]
    ).map(toJob);
  }

  audit(entry: AuditEntry): AuditRecord {
    const at = Date.now();
    const seq = this.write(() =>
      Number(
        this.db
          .prepare(
            `INSERT INTO audit (at, event, proposal_id, job_id, action, params, caller, result)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            at,
            entry.event,
            entry.proposalId,
            entry.jobId,
            entry.action,
            entry.params === null ? null : JSON.stringify(entry.params),
            entry.caller,
            entry.result,
          ).lastInsertRowid,
      ),
    );
    return { ...entry, seq, at: new Date(at) };
  }

  /** A row just written is there to read back; its absence would be a broken database. */
  private stored<T>(row: T | null, what: string, id: number): T {
    if (row === null) throw new Error(`${what} ${id} vanished from the database`);
    return row;
  }

  /** The audit records after `sinceSeq`, newest first, skipping `offset` of them. */
  history(options: { limit?: number; sinceSeq?: number; offset?: number } = {}): AuditRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq DESC LIMIT ? OFFSET ?')
      .all(options.sinceSeq ?? 0, options.limit ?? 100, options.offset ?? 0) as AuditRow[];
    return rows.map((row) => ({
      seq: row.seq,
      at: new Date(row.at),
      event: row.event,
      proposalId: row.proposal_id,
      jobId: row.job_id,
      action: row.action,
      params: row.params === null ? null : (JSON.parse(row.params) as Record<string, unknown>),
      caller: row.caller,
      result: row.result,
    }));
  }

  countHistory(sinceSeq = 0): number {
    return count(this.db.prepare('SELECT COUNT(*) AS n FROM audit WHERE seq > ?').get(sinceSeq));
  }
}
