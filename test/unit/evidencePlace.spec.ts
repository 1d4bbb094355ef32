// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { Detector } from '../../service/src/findings/types.js';
import { createLogger } from '../../service/src/logging.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const at = new Date(Date.UTC(2026, 10, 21, 12));

/** Reports every journal entry as a config error naming /etc/app.conf line 7, by its message. */
const echo: Detector = {
  kinds: ['config-error'],
  detect(event: WatchEvent) {
    if (event.type !== 'journal') return [];
    const { message, cursor } = event.entry;
    return [
      {
        report: {
          kind: 'config-error',
          severity: 'error',
          subject: message,
          title: message,
          evidence: [{ kind: 'journal', text: message, cursor, path: '/etc/app.conf', line: 7, at }],
          at,
        },
      },
    ];
  },
};

const entry = (message: string): WatchEvent => ({
  type: 'journal',
  at,
  entry: { cursor: `s=${message}`, realtimeUs: 0n, message, system: true, fields: {} },
});

// Evidence remembers which journal its line is in and which line of which file it names, across restarts.
describe('evidence places', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('records the journal each line came from, and the file and line it names', () => {
    const file = join(dir.path, 'findings.db');
    const store = new FindingsStore(file);
    const pipeline = new FindingsPipeline({
      store,
      detectors: [echo],
      onChanges: () => undefined,
      log: createLogger({ write: () => undefined }),
    });
    pipeline.accept('journal.system', entry('a'));
    pipeline.accept('journal.user', entry('b'));
    pipeline.accept('journal:/var/lib/machines/box/journal', entry('c'));
    pipeline.flush();
    store.close();

    const reopened = new FindingsStore(file);
    const evidence = (subject: string) =>
      reopened.get(reopened.list().find((finding) => finding.subject === subject)!.id)!.evidence[0];
    expect(evidence('a')).toEqual(jasmine.objectContaining({ journal: 'system', path: '/etc/app.conf', line: 7 }));
    expect(evidence('b')?.journal).toBe('user');
    expect(evidence('c')?.journal).toBe('/var/lib/machines/box/journal');
    reopened.close();
  });

  it('adds the columns to an evidence table made before them', () => {
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE evidence (seq INTEGER PRIMARY KEY AUTOINCREMENT, finding_id INTEGER NOT NULL,
      kind TEXT NOT NULL, text TEXT NOT NULL, cursor TEXT, path TEXT, at INTEGER NOT NULL)`);
    old.close();
    const store = new FindingsStore(file);
    const { finding } = store.report({
      kind: 'config-error',
      severity: 'error',
      subject: 'x',
      title: 'x',
      evidence: [{ kind: 'journal', text: 'x', cursor: 's=1', journal: 'user', path: '/etc/x', line: 3, at }],
      at,
    });
    expect(store.get(finding.id)?.evidence[0]).toEqual(jasmine.objectContaining({ journal: 'user', line: 3 }));
    store.close();
  });
});
