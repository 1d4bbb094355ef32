// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { openDatabase } from '../../service/src/storage/database.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SCHEMA = (db: Database.Database) => db.exec('CREATE TABLE IF NOT EXISTS notes (text TEXT)');

describe('openDatabase', () => {
  let dir: TempDir;
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'findings.db');
  });
  afterEach(() => dir.remove());

  const kept = () => readdirSync(dir.path).filter((name) => name.startsWith('findings.db.damaged-'));

  it('makes a new file private to the user and keeps what it stores', () => {
    const { db, setAside } = openDatabase(file, SCHEMA);
    db.prepare('INSERT INTO notes VALUES (?)').run('kept');
    db.close();
    expect(setAside).toBeNull();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = openDatabase(file, SCHEMA);
    expect(again.db.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
    expect(again.setAside).toBeNull();
    again.db.close();
  });

  it('tightens a file an older version made readable by others', () => {
    openDatabase(file, SCHEMA).db.close();
    chmodSync(file, 0o644);
    openDatabase(file, SCHEMA).db.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  for (const [damage, bytes] of [
    ['random bytes', () => randomBytes(16_384)],
    ['a zero-length file', () => Buffer.alloc(0)],
    ['a database cut in half', () => halfOfADatabase(file)],
  ] as const) {
    it(`sets ${damage} aside, byte for byte, and starts afresh`, () => {
      const original = bytes();
      writeFileSync(file, original);
      const { db, setAside } = openDatabase(file, SCHEMA);
      expect(setAside).toBe(join(dir.path, kept()[0]!));
      expect(readFileSync(setAside!)).toEqual(original);
      db.prepare('INSERT INTO notes VALUES (?)').run('fresh');
      expect(db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(1);
      db.close();
    });
  }

  it('lets any other failure through: a database it cannot open is not damage', () => {
    writeFileSync(file, '');
    expect(() => openDatabase(join(dir.path, 'missing', 'x.db'), SCHEMA)).toThrowError(/ENOENT/);
    expect(kept()).toEqual([]);
  });
});

/** A real database with some pages, truncated in the middle, as a full disk or a crash can leave it. */
function halfOfADatabase(file: string): Buffer {
  const db = new Database(file);
  db.exec('CREATE TABLE t (a TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 500; i += 1) insert.run(`row ${i} ${'x'.repeat(100)}`);
  db.close();
  const whole = readFileSync(file);
  return whole.subarray(0, Math.floor(whole.length / 2));
}
