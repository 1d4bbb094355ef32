// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Opening a store's SQLite file so that a damaged one never stops start-up: what can still be read of it is
// copied into a fresh one (salvage.ts), and it is kept aside, under a name the status gives, with how much was saved.
import { chmodSync, closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';

import Database from 'better-sqlite3';

import { type Salvage, salvageInto } from './salvage.js';

export interface OpenedDatabase {
  db: Database.Database;
  /** Where a damaged or empty file was moved before a fresh one was made; null when none was. */
  setAside: string | null;
  /** What of a damaged file was copied into the fresh one, by table; null when nothing was damaged or readable. */
  salvaged: Salvage | null;
}

/** The most a connection keeps of the file's pages in memory, in KiB. */
const CACHE_KIB = 2000;

// SQLite's answers for a file that is not a database, or one whose pages are broken.
const isDamage = (error: unknown) =>
  error instanceof Database.SqliteError && (error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT'));

/**
 * Opens `file` private to the user (0600 from the first byte; SQLite gives its -wal and -shm files the
 * same mode) in WAL mode and runs `prepare` (schema, migrations). A file that is empty, not a database, or fails
 * SQLite's quick check is renamed with its -wal and -shm to `FILE.damaged-TIME`, a new one is made, and what can
 * still be read of the old one is copied into it.
 */
export function openDatabase(file: string, prepare: (db: Database.Database) => void): OpenedDatabase {
  let setAside: string | null = null;
  if (sizeOf(file) === 0) setAside = moveAside(file);
  try {
    return { db: open(file, prepare), setAside, salvaged: null };
  } catch (error) {
    if (!isDamage(error)) throw error;
    const aside = moveAside(file);
    const db = open(file, prepare);
    return { db, setAside: aside, salvaged: salvageInto(db, aside) };
  }
}

function open(file: string, prepare: (db: Database.Database) => void): Database.Database {
  const created = sizeOf(file) === null;
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = new Database(file);
  try {
    // SQLite's own default of 2 MiB of cached pages, where better-sqlite3 sets 16: the service keeps its
    // connections open for good, and a larger cache made no search of the documentation faster.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    const [check] = db.pragma('quick_check(1)') as { quick_check: string }[];
    if (check?.quick_check !== 'ok') {
      throw new Database.SqliteError(`quick_check: ${check?.quick_check ?? 'no answer'}`, 'SQLITE_CORRUPT');
    }
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL survives a crash of the process; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    prepare(db);
    return db;
  } catch (error) {
    db.close();
    // A file made here that could not be set up (the disk is full) would look damaged at the next start.
    if (created) removeWithCompanions(file);
    throw error;
  }
}

function removeWithCompanions(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

function moveAside(file: string): string {
  const aside = `${file}.damaged-${new Date().toISOString().replaceAll(':', '')}`;
  renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (sizeOf(file + suffix) !== null) renameSync(file + suffix, aside + suffix);
  }
  return aside;
}
