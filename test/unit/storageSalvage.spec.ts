// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { FindingsStore } from '../../service/src/findings/store.js';
import { findingsDatabase, overwritePage, pagesOf } from '../support/damagedDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('a damaged findings.db', () => {
  let dir: TempDir;
  let file: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'findings.db');
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('keeps every finding when the damage is in an index', async () => {
    findingsDatabase(file, 30);
    await overwritePage(file, pagesOf(file, 'findings_by_last_seen', 'root')[0]!);
    const store = new FindingsStore(file);
    try {
      expect(store.setAside).not.toBeNull();
      expect(store.salvaged?.findings).toEqual({ kept: 30, total: 30 });
      expect(store.salvaged?.evidence).toEqual({ kept: 30, total: 30 });
      expect(store.list({}).map((finding) => finding.subject)).toHaveSize(30);
      expect(store.get(store.list({})[0]!.id)?.evidence).toHaveSize(1);
    } finally {
      store.close();
    }
  });

  it('keeps the findings on every page it can still read, past the one it cannot, and not their lost evidence', async () => {
    findingsDatabase(file, 300);
    const leaves = pagesOf(file, 'findings', 'leaves');
    expect(leaves.length).withContext('the findings take several pages').toBeGreaterThan(3);
    await overwritePage(file, leaves[1]!);
    const store = new FindingsStore(file);
    try {
      const saved = store.salvaged?.findings;
      expect(saved?.total).toBeNull();
      expect(saved?.kept).toBeGreaterThan(200);
      expect(saved?.kept).toBeLessThan(300);
      const subjects = new Set(store.list({}, { offset: 0, limit: 1000 }).map((finding) => finding.subject));
      expect(subjects.size).toBe(saved!.kept);
      // Before and after the page that was lost.
      expect(subjects).toContain('unit-0.service');
      expect(subjects).toContain('unit-299.service');
      // No evidence is left without its finding.
      const check = new Database(file, { readonly: true });
      expect(check.pragma('foreign_key_check')).toEqual([]);
      check.close();
    } finally {
      store.close();
    }
  });

  it('says nothing could be read of a file that is not a database, and keeps it as it was', async () => {
    const garbage = randomBytes(20_000);
    await writeFile(file, garbage);
    const store = new FindingsStore(file);
    try {
      expect(store.salvaged).toBeNull();
      expect(await readFile(store.setAside!)).toEqual(garbage);
    } finally {
      store.close();
    }
  });
});
