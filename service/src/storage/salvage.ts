// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a damaged database still holds, copied into the new one before the old is set aside for good. SQLite's own
// recovery (the sqlite3 shell's .recover) needs the sqlite_dbpage table, which neither Debian 12's sqlite3 nor
// better-sqlite3's SQLite is built with; so the rows are read through SQLite's b-trees, as the shell's .dump does
// on a damaged file: each table in rowid order, and where a page cannot be read, on past it by seeking ever further
// rowids through the table's interior pages. Nothing is guessed: a row is kept only as SQLite reads it.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

import Database from 'better-sqlite3';

/** What was saved of one table: `total` is known only where its whole b-tree could be read. */
export interface SalvagedTable {
  kept: number;
  total: number | null;
}

export type Salvage = Record<string, SalvagedTable>;

const BATCH = 256;
/** How far past an unreadable page a seek may go before the rest of the table counts as lost (2^48 rowids). */
const MAX_JUMPS = 48;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface TableInfo {
  name: string;
}

/** The ordinary rowid tables of `db`: neither virtual tables, nor their shadow tables, nor SQLite's own. */
function ordinaryTables(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
    name: string;
    sql: string | null;
  }[];
  const virtual = rows.filter((row) => /^CREATE\s+VIRTUAL/i.test(row.sql ?? '')).map((row) => row.name);
  return rows
    .filter(({ name, sql }) => !name.startsWith('sqlite_') && sql !== null)
    .filter(({ sql }) => !/^CREATE\s+VIRTUAL/i.test(sql ?? '') && !/WITHOUT\s+ROWID\s*;?\s*$/i.test(sql ?? ''))
    .filter(({ name }) => !virtual.some((table) => name.startsWith(`${table}_`)))
    .map(({ name }) => name);
}

const columnsOf = (db: Database.Database, table: string) =>
  (db.pragma(`table_info(${quoted(table)})`) as TableInfo[]).map((column) => column.name);

/**
 * Every row of `table` that SQLite can read, in rowid order, with whether the whole table could be read. A page
 * that cannot be read is passed by seeking the first rowid past ever further points.
 */
function* readableRows(
  db: Database.Database,
  table: string,
  columns: string[],
  outcome: { complete: boolean },
): Generator<unknown[]> {
  const list = columns.map(quoted).join(', ');
  const batch = db
    .prepare(`SELECT rowid, ${list} FROM ${quoted(table)} WHERE rowid > ? ORDER BY rowid LIMIT ${BATCH}`)
    .raw()
    .safeIntegers();
  const one = db
    .prepare(`SELECT rowid, ${list} FROM ${quoted(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1`)
    .raw()
    .safeIntegers();
  const nextRowid = db
    .prepare(`SELECT rowid FROM ${quoted(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1`)
    .pluck()
    .safeIntegers();
  let after = -(2n ** 63n);
  for (;;) {
    let rows: unknown[][];
    try {
      rows = batch.all(after) as unknown[][];
    } catch {
      // Somewhere in this batch: row by row up to the damage, then past it.
      outcome.complete = false;
      try {
        const row = one.get(after) as unknown[] | undefined;
        if (!row) return;
        rows = [row];
      } catch {
        const past = skipDamage(nextRowid, after);
        if (past === null) return;
        after = past - 1n;
        continue;
      }
    }
    const last = rows.at(-1);
    if (!last) return;
    for (const row of rows) yield row.slice(1);
    after = last[0] as bigint;
  }
}

/** The first readable rowid past the damage after `after`, or null when none can be reached. */
function skipDamage(nextRowid: Database.Statement, after: bigint): bigint | null {
  for (let jump = 0; jump < MAX_JUMPS; jump++) {
    try {
      const next = nextRowid.get(after + 2n ** BigInt(jump)) as bigint | undefined;
      return next ?? null;
    } catch {
      // Still inside the damaged page (or the next): seek further.
    }
  }
  return null;
}

/**
 * Copies into `db` (the new database, its schema made) what can still be read of `damaged`, table by table, for
 * the tables both have and the columns both have; a row that breaks a rule of the new schema, or refers to a row
 * that was lost, is left out. `damaged` itself is not changed: a copy of it (and its -wal) is read. Null when
 * nothing of it could be read at all (not a database, or its schema is damaged).
 */
export function salvageInto(db: Database.Database, damaged: string): Salvage | null {
  const work = mkdtempSync(join(dirname(damaged), '.salvage-'));
  let old: Database.Database | null = null;
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  try {
    const copy = join(work, 'damaged.db');
    copyFileSync(damaged, copy);
    if (existsSync(`${damaged}-wal`)) copyFileSync(`${damaged}-wal`, `${copy}-wal`);
    let tables: string[];
    try {
      old = new Database(copy, { fileMustExist: true });
      old.pragma('query_only = ON');
      tables = ordinaryTables(old);
    } catch {
      return null;
    }
    const present = new Set(ordinaryTables(db));
    const salvage: Salvage = {};
    db.pragma('foreign_keys = OFF');
    for (const table of tables.filter((name) => present.has(name))) {
      const from = old;
      let columns: string[];
      try {
        const theirs = new Set(columnsOf(from, table));
        columns = columnsOf(db, table).filter((column) => theirs.has(column));
      } catch {
        continue;
      }
      if (columns.length === 0) continue;
      const insert = db.prepare(
        `INSERT OR IGNORE INTO ${quoted(table)} (${columns.map(quoted).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      const outcome = { complete: true };
      let read = 0;
      let kept = 0;
      db.transaction(() => {
        for (const row of readableRows(from, table, columns, outcome)) {
          read += 1;
          try {
            kept += insert.run(...row).changes;
          } catch {
            // A value the new schema refuses (a CHECK, NOT NULL): that row is not kept.
          }
        }
      })();
      salvage[table] = { kept, total: outcome.complete ? read : null };
    }
    // Rows whose parent was lost (evidence of a finding that could not be read) go with it.
    for (const { table, rowid } of db.pragma('foreign_key_check') as { table: string; rowid: number }[]) {
      db.prepare(`DELETE FROM ${quoted(table)} WHERE rowid = ?`).run(rowid);
      const entry = salvage[table];
      if (entry) entry.kept -= 1;
    }
    return salvage;
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    old?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
