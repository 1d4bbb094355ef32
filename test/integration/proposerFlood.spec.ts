// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type FindingChange, FindingsStore } from '../../service/src/findings/store.js';
import type { Fixes } from '../../service/src/fixes/fixes.js';
import { createLogger } from '../../service/src/logging.js';
import { playbookFixes } from '../support/playbookFixes.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// Each new failed unit makes the proposer ask systemd about the unit over D-Bus. A flood of distinct failures
// used to queue one such lookup per finding, every change held in memory until its turn.
describe('the proposer under a flood of distinct failures', () => {
  let dir: TempDir;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let findings: FindingsStore;
  let fixes: Fixes;
  let logLines: string[];

  beforeAll(async () => {
    dir = await makeTempDir();
    const home = join(dir.path, 'home');
    await mkdir(home);
    await mkdir(join(dir.path, 'state'));
    bus = await startPrivateBus();
    serviceBus = await bus.connect();
    logLines = [];
    const log = createLogger({ write: (line) => logLines.push(line) });
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    fixes = playbookFixes(serviceBus, findings, home, join(dir.path, 'state'), log);
  });

  afterAll(async () => {
    await fixes.stop();
    findings.close();
    serviceBus.disconnect();
    await bus.stop();
    await dir.remove();
  });

  it('considers at most 1000 new findings at once and says how many wait for a repeat', async () => {
    const failed = (from: number, count: number): FindingChange[] =>
      findings.transaction(() =>
        Array.from({ length: count }, (_, i) =>
          findings.report({
            kind: 'unit-failed',
            subject: `flood-${from + i}.service`,
            severity: 'warning',
            title: 'failed',
            at: new Date(),
            evidence: [],
            attribution: { vouchedBy: 'system-manager', reportedBy: 'systemd' },
          }),
        ),
      );
    // Three batches in one turn: the first is still being considered when the others arrive.
    fixes.considerFindings(failed(0, 600));
    fixes.considerFindings(failed(600, 600));
    fixes.considerFindings(failed(1200, 600));
    // What GetStatus's "considering" tells a script: all that wait, until each was worked on.
    expect(fixes.considering).toBe(1000);
    await waitFor(() => logLines.some((line) => line.includes('too many new findings')), 'the proposer to catch up');
    const line = logLines.find((l) => l.includes('too many new findings'))!;
    expect(line).toMatch(/skipped\W+800\b/);
    await fixes.proposalsSettled();
    expect(fixes.considering).toBe(0);
  });
});
