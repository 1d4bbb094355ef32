// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A store's database that survives a full or read-only state disk. Start-up on such a disk does not fail:
// the store reads a private in-memory copy of its file (or an empty one when there is no file yet), which
// refuses writes, and the file itself is left as it is; when the disk takes writes again the file is
// opened for real. A copy rather than a fresh in-memory database that takes writes: what it took would
// have to be merged into the file later, and what is already stored stays readable meanwhile.
import { readFileSync } from 'node:fs';

import Database from 'better-sqlite3';

import { openDatabase } from './database.js';
import type { Salvage } from './salvage.js';
import { type StorageFault, type StorageHealth, StorageUnavailable } from './storageHealth.js';

export class StateDatabase {
  private connection: Database.Database;
  /** Why the store reads a copy; null when it has its file open. */
  private fallback: StorageFault | null = null;
  /** Where a damaged file was kept when this one was started afresh; null when it was not. */
  readonly setAside: string | null = null;
  /** What of that damaged file was copied into this one, by table; null when nothing was. */
  readonly salvaged: Salvage | null = null;

  constructor(
    private readonly file: string,
    private readonly prepare: (db: Database.Database) => void,
    private readonly health: StorageHealth,
    /** Whether a write that finds the disk full may use the room kept back for fixes (the fixes store's). */
    private readonly usesReserve = false,
  ) {
    try {
      ({ db: this.connection, setAside: this.setAside, salvaged: this.salvaged } = openDatabase(file, prepare));
    } catch (error) {
      const fault = health.report(error);
      if (fault === null) throw error;
      this.connection = readOnlyCopy(file, prepare);
      this.fallback = fault;
      health.waitFor(() => this.reopen());
    }
  }

  /** The connection now in use: it changes when the file is opened after a fallback. */
  get db(): Database.Database {
    return this.connection;
  }

  /** Runs `work`, which writes; a full or read-only disk answers StorageUnavailable (and is retried). */
  write<T>(work: () => T): T {
    try {
      return this.writeOnce(work, false);
    } catch (error) {
      const full = error instanceof StorageUnavailable && error.fault === 'full';
      if (!full || !this.usesReserve || !this.health.releaseReserve()) throw error;
      return this.writeOnce(work, true);
    }
  }

  private writeOnce<T>(work: () => T, onReserve: boolean): T {
    if (this.fallback !== null && !this.reopen(onReserve))
      throw new StorageUnavailable(this.health.fault ?? this.fallback);
    try {
      return work();
    } catch (error) {
      const fault = this.health.report(error);
      if (fault === null) throw error;
      throw new StorageUnavailable(fault);
    }
  }

  /**
   * Answers StorageUnavailable now if a write would fail for a fault already known and still there: a request
   * that ends in a write (a chat answer) is refused before the work rather than after it.
   */
  assertWritable(): void {
    if (this.fallback !== null && !this.reopen()) throw new StorageUnavailable(this.health.fault ?? this.fallback);
    const fault = this.health.fault === null ? null : this.health.probe();
    if (fault !== null) throw new StorageUnavailable(fault);
  }

  close(): void {
    this.connection.close();
  }

  /** Opens the file for real if the disk takes writes now; true when the file is open. */
  private reopen(onReserve = false): boolean {
    if (this.fallback === null) return true;
    // The probe also makes the directory, which a start on a read-only disk could not. On the reserve's room
    // the probe, which asks for the reserve back, would say full: the file is simply tried.
    if (!onReserve && this.health.probe() !== null) return false;
    let opened: Database.Database;
    try {
      opened = openDatabase(this.file, this.prepare).db;
    } catch (error) {
      if (this.health.report(error) === null) throw error;
      return false;
    }
    this.connection.close();
    this.connection = opened;
    this.fallback = null;
    return true;
  }
}

// A WAL database cannot be opened on a read-only disk without its shared-memory file, so the copy is read
// from the file's bytes, marked as a rollback-journal database (header bytes 18 and 19), and prepared like
// the file (schema, migrations) before it is made read-only. A file that cannot be read gives an empty copy.
function readOnlyCopy(file: string, prepare: (db: Database.Database) => void): Database.Database {
  const db = copyOf(file, prepare) ?? emptyCopy(prepare);
  db.pragma('query_only = ON');
  return db;
}

function emptyCopy(prepare: (db: Database.Database) => void): Database.Database {
  const db = new Database(':memory:');
  prepare(db);
  return db;
}

function copyOf(file: string, prepare: (db: Database.Database) => void): Database.Database | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.length < 100) return null;
  bytes.writeUInt16BE(0x0101, 18);
  const db = new Database(bytes);
  try {
    prepare(db);
    return db;
  } catch {
    db.close();
    return null;
  }
}
