// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { FindingsInterface } from '../../service/src/findings/findingsInterface.js';
import { type FindingChange, FindingsStore } from '../../service/src/findings/store.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A flood of distinct findings: a signal of its own for each change up to a rate, then one FindingsChanged a
// second that says how many went unsignalled.
describe('the findings signals under a flood', () => {
  let dir: TempDir;
  let store: FindingsStore;
  let findings: FindingsInterface;
  let sent: string[];

  const failures = (from: number, count: number): FindingChange[] =>
    store.transaction(() =>
      Array.from({ length: count }, (_, i) =>
        store.report({
          kind: 'unit-failed',
          subject: `flood-${from + i}.service`,
          severity: 'warning',
          title: 'failed',
          at: new Date(),
          evidence: [],
        }),
      ),
    );

  beforeEach(async () => {
    dir = await makeTempDir();
    store = new FindingsStore(join(dir.path, 'findings.db'));
    sent = [];
    findings = new FindingsInterface(store, {
      added: (id) => sent.push(`added ${id}`),
      updated: (id) => sent.push(`updated ${id}`),
      resolved: (id) => sent.push(`resolved ${id}`),
      changed: (count) => sent.push(`changed ${count}`),
      activeCountChanged: () => undefined,
    });
  });

  afterEach(async () => {
    findings.stop();
    store.close();
    await dir.remove();
  });

  it('sends 50 of a burst one by one, then one summary for the rest a second later', async () => {
    const flood = failures(0, 2000);
    findings.announce(flood.slice(0, 1000));
    findings.announce(flood.slice(1000));
    expect(sent).toEqual(flood.slice(0, 50).map(({ finding }) => `added ${finding.id}`));
    // Repeats of the same findings while the summary waits go into it too.
    findings.announce(failures(0, 100));
    await waitFor(() => sent.length > 50, 'the summary');
    expect(sent.slice(50)).toEqual(['changed 2050']);
    expect(findings.active).toBe(2000);
  });

  it('goes back to one signal per change once the flood is over', async () => {
    findings.announce(failures(0, 60));
    await waitFor(() => sent.length > 50, 'the summary');
    const [late] = failures(100, 1);
    findings.announce([late!]);
    expect(sent.slice(50)).toEqual(['changed 10', `added ${late!.finding.id}`]);
  });

  it('leaves no timer behind per finding for repeats past the rate', () => {
    findings.announce(failures(0, 50));
    findings.announce(failures(0, 50));
    // The first burst used the second's signals: the repeats wait for the summary, not in one timer each.
    expect(sent.length).toBe(50);
    expect((findings as unknown as { updates: Map<number, unknown> }).updates.size).toBe(0);
  });
});
