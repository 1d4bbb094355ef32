// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A failure that clears and comes back every few seconds (a unit systemd restarts) is one problem: it keeps its one
// proposal, and the notification that shows it, instead of a new one each time; a proposal whose finding stays
// cleared is withdrawn once the grace is over.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { OBJECT_PATH, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { FindingReport } from '../../service/src/findings/types.js';
import type { Fixes } from '../../service/src/fixes/fixes.js';
import { createLogger } from '../../service/src/logging.js';
import { playbookFixes } from '../support/playbookFixes.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const GRACE_MS = 1_500;

describe('a failure that keeps coming back', () => {
  let dir: TempDir;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let client: MessageBus;
  let findings: FindingsStore;
  let fixes: Fixes;
  let config: string;
  let removed: string[];

  beforeEach(async () => {
    dir = await makeTempDir();
    const home = join(dir.path, 'home');
    const state = join(dir.path, 'state');
    // A user unit's file with a line systemd refuses (as proposalVouching.spec.ts has it).
    config = join(home, '.config', 'systemd', 'user', 'sync.service');
    await mkdir(join(home, '.config', 'systemd', 'user'), { recursive: true });
    await mkdir(state);
    await writeFile(config, '[Service]\nExecStart=/usr/bin/true\nRestrat=always\n');
    bus = await startPrivateBus();
    serviceBus = await bus.connect();
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    fixes = playbookFixes(serviceBus, findings, home, state, createLogger({ write: () => undefined }), GRACE_MS);
    removed = [];
    // A client of the service, as the extension is: it hears ProposalRemoved when a notification is to go.
    client = await bus.connect();
    await new SignalRouter(client).subscribe(
      { path: OBJECT_PATH, interface: PROPOSALS_INTERFACE, member: 'ProposalRemoved' },
      ([id]) => removed.push(String(id)),
    );
  });

  afterEach(async () => {
    await fixes.stop();
    findings.close();
    client.disconnect();
    serviceBus.disconnect();
    await bus.stop();
    await dir.remove();
  });

  const failure = (): FindingReport => ({
    kind: 'config-error',
    subject: config,
    severity: 'error',
    title: `Error in ${config}, line 3`,
    at: new Date(),
    evidence: [
      {
        kind: 'journal',
        text: `${config}:3: Unknown key name 'Restrat' in section 'Service', ignoring.`,
        path: config,
        line: 3,
        at: new Date(),
      },
    ],
    attribution: { vouchedBy: 'system-manager', reportedBy: 'systemd' },
  });
  const clear = () => findings.resolve({ kind: 'config-error', subject: config, at: new Date() });

  it('keeps its one proposal while it clears and comes back within the grace', async () => {
    const first = findings.report(failure());
    fixes.considerFindings([first]);
    await waitFor(() => fixes.store.proposalForFinding(first.finding.id) !== null, 'the proposal');
    const proposal = fixes.store.proposalForFinding(first.finding.id)!;
    for (let round = 0; round < 3; round++) {
      fixes.considerFindings([clear()!]);
      fixes.considerFindings([findings.report(failure())]);
    }
    await fixes.proposalsSettled();
    const now = fixes.store.proposalForFinding(first.finding.id);
    expect(now?.id).toBe(proposal.id);
    expect(now?.state).toBe('open');
    expect(fixes.store.proposals('all')).toHaveSize(1);
    // Past the grace, still open: the finding is back.
    await new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS + 200));
    await fixes.proposalsSettled();
    expect(fixes.store.proposalForFinding(first.finding.id)?.state).toBe('open');
    expect(removed).toEqual([]);
  });

  it('answers its read-only step again when the failure comes back within the grace: the state may differ', async () => {
    const first = findings.report(failure());
    fixes.considerFindings([first]);
    const shownAnswer = () =>
      fixes.store.proposalForFinding(first.finding.id)?.actions.find((action) => action.shown)?.answer;
    await waitFor(() => shownAnswer()?.includes('Restrat=always') === true, 'the line shown');
    fixes.considerFindings([clear()!]);
    // Edited meanwhile, still wrong: what the step showed before is no longer what the file says.
    await writeFile(config, '[Service]\nExecStart=/usr/bin/true\nRestrt=always\n');
    fixes.considerFindings([findings.report(failure())]);
    await waitFor(() => shownAnswer()?.includes('Restrt=always') === true, `the line shown again; ${shownAnswer()}`);
    expect(fixes.store.proposals('all')).toHaveSize(1);
  });

  it('withdraws the proposal once its finding stayed cleared through the grace', async () => {
    const first = findings.report(failure());
    fixes.considerFindings([first]);
    await waitFor(() => fixes.store.proposalForFinding(first.finding.id) !== null, 'the proposal');
    const { id } = fixes.store.proposalForFinding(first.finding.id)!;
    fixes.considerFindings([clear()!]);
    await fixes.proposalsSettled();
    expect(fixes.store.proposalForFinding(first.finding.id)?.state).toBe('open');
    await waitFor(() => fixes.store.proposalForFinding(first.finding.id)?.state === 'resolved', 'the withdrawal');
    await waitFor(() => removed.includes(String(id)), 'ProposalRemoved');
  });
});
