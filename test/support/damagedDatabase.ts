// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A findings.db with findings in it, and damage made to one of its pages, for the specs of what is recovered.
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';

import Database from 'better-sqlite3';

import { FindingsStore } from '../../service/src/findings/store.js';

/** `count` findings, each with its evidence, in a findings.db at `file`, checkpointed into the file itself. */
export function findingsDatabase(file: string, count: number): void {
  const store = new FindingsStore(file);
  for (let i = 0; i < count; i++)
    store.report({
      kind: 'unit-failed',
      subject: `unit-${i}.service`,
      severity: 'warning',
      title: `unit-${i}.service failed ${'…'.repeat(100)}`,
      at: new Date(),
      evidence: [{ kind: 'journal', text: `unit-${i}.service: Failed with result 'exit-code'.`, at: new Date() }],
    });
  store.close();
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The pages of `file` that hold `what`: its root page, or for a table every leaf of it (dbstat). */
export function pagesOf(file: string, name: string, type: 'root' | 'leaves'): number[] {
  const db = new Database(file, { readonly: true });
  try {
    if (type === 'root')
      return [(db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(name) as number) ?? 0];
    return db
      .prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno")
      .pluck()
      .all(name) as number[];
  } finally {
    db.close();
  }
}

export async function overwritePage(file: string, page: number): Promise<void> {
  const size = (await readFile(file)).readUInt16BE(16);
  const handle = await open(file, 'r+');
  await handle.write(randomBytes(size), 0, size, (page - 1) * size);
  await handle.close();
}
