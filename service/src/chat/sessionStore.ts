// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Conversations in SQLite, so they survive restarts of the service. Tool calls
// and proposal ids are JSON columns, checked when read: the file is ours, but a
// row written by an older or broken version must not take the service down.
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';

import type Database from 'better-sqlite3';
import { z } from 'zod';

import type { ToolCallRecord } from '../assistant/turn.js';
import { StewardError } from '../dbus/errors.js';
import type { Salvage } from '../storage/salvage.js';
import { StateDatabase } from '../storage/stateDatabase.js';
import { StorageHealth, StorageUnavailable } from '../storage/storageHealth.js';
import { cleanLine } from '../untrustedText.js';

export interface StoredMessage {
  role: 'user' | 'assistant';
  text: string;
  time: Date;
  toolCalls: ToolCallRecord[];
  proposalIds: number[];
}

export interface SessionInfo {
  id: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  messageCount: number;
}

export interface SessionSummary {
  text: string;
  /** messages [0, coveredMessages) are summarised by text */
  coveredMessages: number;
}

export interface SessionLimits {
  maxSessions?: number;
  maxMessagesPerSession?: number;
}

export const MAX_TITLE_LENGTH = 60;

// Exchanges kept in memory while the state disk is full: a bound, so a long fault cannot exhaust memory.
const MAX_WAITING_MESSAGES = 2000;

// `touched` orders sessions by their last change even within one millisecond.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  touched INTEGER NOT NULL,
  summary TEXT,
  summary_covers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_by_touch ON sessions (touched);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  text TEXT NOT NULL,
  time INTEGER NOT NULL,
  tool_calls TEXT NOT NULL,
  proposal_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages (session_id, seq);
`;

interface SessionRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

interface MessageRow {
  role: 'user' | 'assistant';
  text: string;
  time: number;
  tool_calls: string;
  proposal_ids: string;
}

const toolCalls = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    result: z.string(),
    status: z.enum(['done', 'failed']),
  }),
);
const proposalIds = z.array(z.number().int().positive());

/** The JSON in `text` if it parses and fits `schema`; otherwise nothing. */
function parsedOrEmpty<T>(schema: z.ZodType<T[]>, text: string): T[] {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    return [];
  }
}

// An unreadable tool-call or proposal column loses only that detail: the
// message's role, text and time are plain columns and always readable, and
// dropping the whole message would break the user/assistant alternation and
// shift the indexes a summary's coveredMessages counts.
const toMessage = (row: MessageRow): StoredMessage => ({
  role: row.role,
  text: row.text,
  time: new Date(row.time),
  toolCalls: parsedOrEmpty(toolCalls, row.tool_calls),
  proposalIds: parsedOrEmpty(proposalIds, row.proposal_ids),
});

const toInfo = (row: SessionRow): SessionInfo => ({
  id: row.id,
  title: row.title,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  messageCount: row.message_count,
});

/** A title from the user's first question: its start, cut on a word boundary. */
export function titleFrom(text: string): string {
  const line = cleanLine(text, Infinity).replace(/\s+/g, ' ').trim();
  if (line.length <= MAX_TITLE_LENGTH) return line;
  const room = line.slice(0, MAX_TITLE_LENGTH);
  const lastSpace = room.lastIndexOf(' ');
  const cut = lastSpace > 0 ? room.slice(0, lastSpace) : room.slice(0, MAX_TITLE_LENGTH - 1);
  return `${cut.trimEnd()}…`;
}

const SELECT_SESSIONS = `
  SELECT s.id, s.title, s.created_at, s.updated_at,
    (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS message_count
  FROM sessions s`;

// Exchanges that end while the state disk is full or read-only wait in memory, as findings do, and are
// stored when it takes writes again; other writes (a rename, a new session) answer StorageUnavailable.
export class ChatSessionStore {
  private readonly database: StateDatabase;
  /** Where a damaged chat.db was kept when this one was started afresh; null when it was not. */
  readonly setAside: string | null;
  /** What of that damaged file was copied into the fresh one, by table; null when nothing was. */
  readonly salvaged: Salvage | null;
  private readonly maxSessions: number;
  private readonly maxMessages: number;
  /** Messages not yet stored, by session, oldest first; the disk's recovery stores them. */
  private readonly waiting = new Map<string, StoredMessage[]>();
  private readonly health: StorageHealth;

  constructor(file: string, limits: SessionLimits = {}, health = new StorageHealth({ directory: dirname(file) })) {
    this.health = health;
    this.maxSessions = limits.maxSessions ?? 200;
    this.maxMessages = limits.maxMessagesPerSession ?? 1000;
    // Conversations can quote logs and files: openDatabase makes the file private from the first byte.
    this.database = new StateDatabase(
      file,
      (db) => {
        db.pragma('foreign_keys = ON');
        db.exec(SCHEMA);
      },
      health,
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

  /** Throws StorageUnavailable while a known fault of the state disk would keep an exchange from being stored. */
  assertWritable(): void {
    this.database.assertWritable();
  }

  create(): SessionInfo {
    const id = randomUUID();
    const now = Date.now();
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO sessions (id, title, created_at, updated_at, touched)
             VALUES (?, '', ?, ?, (SELECT COALESCE(MAX(touched), 0) + 1 FROM sessions))`,
        )
        .run(id, now, now);
      this.db
        .prepare('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY touched DESC LIMIT -1 OFFSET ?)')
        .run(this.maxSessions);
    });
    return this.get(id);
  }

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(id) !== undefined;
  }

  get(id: string): SessionInfo {
    const row = this.db.prepare(`${SELECT_SESSIONS} WHERE s.id = ?`).get(id) as SessionRow | undefined;
    if (!row) throw new StewardError('NotFound', `there is no chat session ${id}`);
    return toInfo(row);
  }

  /** The conversations, most recently updated first. */
  list(limit = this.maxSessions, offset = 0): SessionInfo[] {
    const rows = this.db
      .prepare(`${SELECT_SESSIONS} ORDER BY s.touched DESC LIMIT ? OFFSET ?`)
      .all(limit, offset) as SessionRow[];
    return rows.map(toInfo);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
  }

  rename(id: string, title: string): SessionInfo {
    this.get(id);
    this.write(() => this.db.prepare('UPDATE sessions SET title = ? WHERE id = ?').run(title, id));
    return this.get(id);
  }

  delete(id: string): void {
    this.get(id);
    this.write(() => this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id));
    this.waiting.delete(id);
  }

  /**
   * Adds messages in one transaction, names an untitled session after its first question, and keeps the newest
   * messages within the limit. While the state disk cannot be written they wait in memory (up to a bound) and
   * are stored, in order, once it can.
   */
  append(id: string, ...messages: StoredMessage[]): void {
    this.get(id);
    const waiting = this.waiting.get(id);
    if (waiting) {
      this.keepWaiting(id, waiting, messages);
      return;
    }
    try {
      this.store(id, messages);
    } catch (error) {
      if (!(error instanceof StorageUnavailable)) throw error;
      this.keepWaiting(id, [], messages, error);
      this.health.waitFor(() => this.storeWaiting());
    }
  }

  /** How many messages wait in memory for the disk. */
  get waitingMessages(): number {
    return [...this.waiting.values()].reduce((sum, messages) => sum + messages.length, 0);
  }

  private keepWaiting(id: string, waiting: StoredMessage[], messages: StoredMessage[], cause?: StorageUnavailable) {
    if (this.waitingMessages + messages.length > MAX_WAITING_MESSAGES) {
      throw cause ?? new StorageUnavailable(this.health.fault ?? 'full');
    }
    this.waiting.set(id, [...waiting, ...messages]);
  }

  /** Stores what waits; whether nothing waits any more. */
  private storeWaiting(): boolean {
    for (const [id, messages] of [...this.waiting]) {
      if (!this.has(id)) {
        this.waiting.delete(id);
        continue;
      }
      try {
        this.store(id, messages);
      } catch (error) {
        if (error instanceof StorageUnavailable) return false;
        throw error;
      }
      this.waiting.delete(id);
    }
    return true;
  }

  private store(id: string, messages: StoredMessage[]): void {
    const session = this.get(id);
    const firstQuestion = messages.find((message) => message.role === 'user');
    this.write(() => {
      const insert = this.db.prepare(
        'INSERT INTO messages (session_id, role, text, time, tool_calls, proposal_ids) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const message of messages) {
        insert.run(
          id,
          message.role,
          message.text,
          message.time.getTime(),
          JSON.stringify(message.toolCalls),
          JSON.stringify(message.proposalIds),
        );
      }
      const title = session.title === '' && firstQuestion ? titleFrom(firstQuestion.text) : session.title;
      const excess = Math.max(0, session.messageCount + messages.length - this.maxMessages);
      this.db
        .prepare(
          `UPDATE sessions SET title = ?, updated_at = ?, summary_covers = MAX(0, summary_covers - ?),
             touched = (SELECT MAX(touched) + 1 FROM sessions) WHERE id = ?`,
        )
        .run(title, Date.now(), excess, id);
      this.db
        .prepare(
          'DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE session_id = ? ORDER BY seq LIMIT ?)',
        )
        .run(id, excess);
    });
  }

  /** The messages, oldest first. */
  messages(id: string): StoredMessage[] {
    this.get(id);
    const rows = this.db
      .prepare('SELECT role, text, time, tool_calls, proposal_ids FROM messages WHERE session_id = ? ORDER BY seq')
      .all(id) as MessageRow[];
    return [...rows.map(toMessage), ...(this.waiting.get(id) ?? [])];
  }

  summary(id: string): SessionSummary | null {
    this.get(id);
    const row = this.db.prepare('SELECT summary, summary_covers FROM sessions WHERE id = ?').get(id) as {
      summary: string | null;
      summary_covers: number;
    };
    return row.summary === null ? null : { text: row.summary, coveredMessages: row.summary_covers };
  }

  setSummary(id: string, summary: SessionSummary): void {
    this.get(id);
    this.write(() =>
      this.db
        .prepare('UPDATE sessions SET summary = ?, summary_covers = ? WHERE id = ?')
        .run(summary.text, summary.coveredMessages, id),
    );
  }

  /** Runs `work` as one transaction; a full or read-only state disk answers StorageUnavailable. */
  private write(work: () => unknown): void {
    this.database.write(() => this.db.transaction(work)());
  }
}
