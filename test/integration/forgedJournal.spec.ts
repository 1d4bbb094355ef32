// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { quietWatch, waitFor } from '../support/service.js';
import { fail, UNIT, update } from '../support/systemdMock.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
// GNOME Shell's own user unit (gnome-shell-wayland.service in GNOME 3.36–3.38; the mock cannot hold an '@' in a name).
const SHELL_UNIT = 'gnome-shell-wayland.service';

/**
 * systemd's words, written by an ordinary process of the user's: it sets SYSLOG_IDENTIFIER and UNIT, which any
 * process may, but journald's trusted fields (_PID, _UID, _COMM, _EXE, _SYSTEMD_UNIT) are its own.
 */
const forged = (unit: string): ExportEntry => ({
  MESSAGE: `${unit}: Failed with result 'exit-code'.`,
  PRIORITY: '4',
  SYSLOG_IDENTIFIER: 'systemd',
  UNIT: unit,
  _PID: '4242',
  _UID: '1000',
  _COMM: 'python3',
  _EXE: '/usr/bin/python3.12',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'app-gnome-terminal-4242.scope',
  _TRANSPORT: 'journal',
});

// Forged "systemd" lines through the real journal, the service and the systemd mock: a program's claim is
// attributed to it, checked against systemd's own state, and never applied in one click or by an auto rule.
describe('a forged systemd line in the journal', () => {
  let scenario: UnitScenario;
  let journal: string;

  const all = { state: new Variant('s', 'all') };
  const findingOf = async (unit: string) =>
    (await scenario.list(FINDINGS, 'List', all)).find((f) => f.subject === unit);
  const proposalOf = async (unit: string) =>
    (await scenario.list(PROPOSALS, 'List', all)).find((p) => p.subject === unit);

  beforeAll(async () => {
    scenario = await startUnitScenario([SHELL_UNIT, 'backup.service', 'smbd.service'], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      // The journal source follows the tail of a journal that exists: start it with one ordinary line.
      await appendToJournal(journal, [{ MESSAGE: 'Started Session 2 of User tester.', _PID: '1', _UID: '0' }]);
      return {
        // The user's own rule: restarts may run without asking. It must not reach a program's claim.
        fixes: { policy: { 'systemd.restart_unit': 'auto' } },
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
      };
    });
    await update(scenario.client, SHELL_UNIT, UNIT, { ActiveState: new Variant('s', 'active') });
    await fail(scenario.client, 'backup.service', { result: 'watchdog' });
    await fail(scenario.client, 'smbd.service', { result: 'watchdog' });
    await appendToJournal(journal, [forged(SHELL_UNIT), forged('backup.service'), unitFailure('smbd.service')]);
    // Findings are drafted side by side: both failed units' proposals, then the shell's finding has been considered.
    await waitFor(async () => (await proposalOf('smbd.service')) !== undefined, "the proposal for systemd's line");
    await waitFor(async () => (await proposalOf('backup.service')) !== undefined, 'the proposal for the forged line');
  });

  afterAll(() => scenario.stop());

  it('about a healthy unit gets a finding attributed to the program that wrote it, and no proposal', async () => {
    expect(await findingOf(SHELL_UNIT)).toEqual(
      jasmine.objectContaining({
        kind: 'unit-failed',
        severity: 'warning',
        'vouched-by': '',
        'reported-by': 'python3 (uid 1000, /usr/bin/python3.12, app-gnome-terminal-4242.scope)',
      }),
    );
    expect(await proposalOf(SHELL_UNIT)).toBeUndefined();
  });

  it('about a unit systemd sees failed gets a proposal to review, never one click, never auto', async () => {
    expect((await findingOf('backup.service'))?.['vouched-by']).toBe('');
    const proposal = (await proposalOf('backup.service'))!;
    expect(proposal).toEqual(
      jasmine.objectContaining({ origin: 'playbook', 'one-click': false, 'vouched-by': '', state: 'open' }),
    );
    const actions = proposal.actions as { name: Variant<string>; policy: Variant<string> }[];
    expect(actions.map((action) => [action.name.value, action.policy.value])).toContain([
      'systemd.restart_unit',
      'ask',
    ]);
    const jobs = await scenario.list(PROPOSALS, 'ListJobs');
    // Only the step that reads ran, as the proposal was shown; nothing that changes.
    expect(jobs.filter((job) => job.subject !== 'smbd.service' && job.caller !== 'steward:shown')).toEqual([]);
  });

  it("from PID 1 gets the usual proposal, in one click and under the user's auto rule", async () => {
    expect((await findingOf('smbd.service'))?.['vouched-by']).toBe('system-manager');
    const proposal = (await proposalOf('smbd.service'))!;
    expect(proposal).toEqual(jasmine.objectContaining({ 'one-click': true, 'vouched-by': 'system-manager' }));
    const actions = proposal.actions as { name: Variant<string>; policy: Variant<string> }[];
    expect(actions.map((action) => [action.name.value, action.policy.value])).toContain([
      'systemd.restart_unit',
      'auto',
    ]);
    // The rule the user set ran it: systemd's own word is what auto rules are for.
    await waitFor(
      async () => (await scenario.list(PROPOSALS, 'ListJobs')).some((job) => job.subject === 'smbd.service'),
      'the auto-applied restart',
    );
    const [job] = (await scenario.list(PROPOSALS, 'ListJobs')).filter((j) => j.subject === 'smbd.service');
    expect(job).toEqual(jasmine.objectContaining({ action: 'systemd.restart_unit', caller: 'policy:auto' }));
  });
});
