// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { hostileJournal } from '../fixtures/hostileJournal.js';
import { errorOf } from '../support/errors.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { parseJsonObject } from '../support/json.js';
import { gdbusCall, quietWatch, waitFor } from '../support/service.js';
import { fail, UNIT } from '../support/systemdMock.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const ERROR = 'io.github.steward.Steward1.Error';

// From a unit failure written into a real journal to a proposal, Apply over
// gdbus, a verified fix, the audit trail and Undo — on private buses, no model.
describe('fixes on the bus', () => {
  let scenario: UnitScenario;
  let journal: string;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    scenario.call(PROPOSALS, member, signature, body);
  const proposals = () => scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'all') });
  const proposalFor = async (unit: string) => (await proposals()).find((p) => p.subject === unit);
  const jobs = () => scenario.list(PROPOSALS, 'ListJobs');
  const job = async (id: string) => (await jobs()).find((j) => j.id === id);
  const history = () => scenario.list(PROPOSALS, 'History');
  const finished = (id: string) =>
    waitFor(async () => !['queued', 'running'].includes(String((await job(id))?.state)), `job ${id} to finish`);

  beforeAll(async () => {
    scenario = await startUnitScenario(['backup.service', 'marker.service'], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [unitFailure('start.service')]);
      return { watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }) };
    });
  });

  afterAll(() => scenario.stop());

  it('proposes a restart for a unit whose watchdog fired, applies it when asked, verifies it, records it and undoes it', async () => {
    await fail(scenario.client, 'backup.service', { result: 'watchdog' });
    await appendToJournal(journal, [unitFailure('backup.service')]);
    await scenario.waitFor(
      async () => (await proposalFor('backup.service')) !== undefined,
      'a proposal for backup.service',
    );
    const proposal = (await proposalFor('backup.service'))!;
    expect(proposal).toEqual(
      jasmine.objectContaining({ kind: 'unit-failed', state: 'open', title: 'Restart backup.service' }),
    );
    const actions = (proposal.actions as Record<string, Variant>[]).map(plain);
    expect(actions.map((a) => [a.name, a.risk, a['needs-authorization'], a.policy])).toEqual([
      ['info.show_logs', 'low', false, 'ask'],
      ['systemd.restart_unit', 'low', false, 'ask'],
    ]);
    expect(parseJsonObject(String(actions[1]!.params))).toEqual({ unit: 'backup.service', scope: 'user' });
    // The logs come from the journal the finding came from: the extra directory the service follows.
    expect(parseJsonObject(String(actions[0]!.params))).toEqual({
      unit: 'backup.service',
      scope: 'user',
      directory: journal,
      lines: 50,
    });
    // Its latest line is the failure (the hostile test may have written lines for the unit before).
    expect((actions[0]!.details as string[]).at(-1)).toMatch(/ backup\.service: Failed with result 'exit-code'\.$/);
    expect(actions.map((a) => [a.name, a['read-only'], a.shown])).toEqual([
      ['info.show_logs', true, true],
      ['systemd.restart_unit', false, false],
    ]);
    // The step that only reads ran as the proposal was made, and its answer is part of it; the change waits for Apply.
    await waitFor(
      async () => (await jobs()).some((j) => j['proposal-id'] === proposal.id && j.state === 'done'),
      'the logs shown',
    );
    const ofProposal = async () => (await jobs()).filter((j) => j['proposal-id'] === proposal.id);
    expect((await ofProposal()).map((j) => [j.action, j.state, j.caller])).toEqual([
      ['info.show_logs', 'done', 'steward:shown'],
    ]);
    const shown = ((await proposalFor('backup.service'))!.actions as Record<string, Variant>[]).map(plain);
    expect(String(shown[0]!.answer)).toMatch(/ backup\.service: Failed with result 'exit-code'\./);
    expect(shown[1]!.answer).toBe('');

    const { stdout: reply } = await gdbusCall(
      scenario.bus.address,
      `${PROPOSALS}.Apply`,
      String(proposal.id),
      'systemd.restart_unit',
    );
    const jobId = /'(\d+)'/.exec(reply)?.[1] ?? '';
    await finished(jobId);
    const restart = (await job(jobId))!;
    expect(restart).toEqual(
      jasmine.objectContaining({ action: 'systemd.restart_unit', state: 'fixed', 'can-undo': true }),
    );
    expect(String(restart.caller)).toMatch(/pid \d+, uid \d+, \S*\/gdbus/);
    expect((await proposalFor('backup.service'))?.state).toBe('fixed');

    const undoJob = String((await call('Undo', 's', [jobId]))[0]);
    await finished(undoJob);
    expect(await job(undoJob)).toEqual(
      jasmine.objectContaining({ action: 'systemd.stop_unit', state: 'fixed', 'undo-of': jobId }),
    );
    expect((await job(jobId))?.['undone-by']).toBe(undoJob);
    const [activeState] = await callMethod(scenario.client, {
      destination: 'org.freedesktop.systemd1',
      path: '/org/freedesktop/systemd1/unit/backup_service',
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [UNIT, 'ActiveState'],
    });
    expect((activeState as Variant).value).toBe('inactive');

    const events = (await history()).reverse().filter((record) => record['proposal-id'] === String(proposal.id));
    expect(events.map((record) => [record.event, record.action])).toEqual([
      ['proposed', ''],
      ['approved', 'info.show_logs'],
      ['finished', 'info.show_logs'],
      ['approved', 'systemd.restart_unit'],
      ['finished', 'systemd.restart_unit'],
      ['undo-approved', 'systemd.stop_unit'],
      ['finished', 'systemd.stop_unit'],
    ]);
    expect(String(events[1]!.caller)).toBe('steward:shown');
    expect(String(events[3]!.caller)).toContain('gdbus');
  });

  it('answers bad arguments and unknown ids with named errors', async () => {
    const cases: [string, string, unknown[], string][] = [
      ['Apply', 'ss', ['999999', 'systemd.restart_unit'], 'NotFound'],
      ['Apply', 'ss', ['abc', 'systemd.restart_unit'], 'InvalidArgs'],
      ['Apply', 'ss', ['1', 'rm -rf /'], 'InvalidArgs'],
      ['Get', 's', ['999999'], 'NotFound'],
      ['Undo', 's', ['999999'], 'NotFound'],
      ['Dismiss', 'ss', ['1', 'sometimes'], 'InvalidArgs'],
      ['List', 'a{sv}', [{ state: new Variant('s', 'everything') }], 'InvalidArgs'],
      ['History', 'a{sv}', [{ limit: new Variant('s', 'ten') }], 'InvalidArgs'],
    ];
    for (const [member, signature, body, error] of cases) {
      const failure = await errorOf(call(member, signature, body));
      expect(failure.type)
        .withContext(`${member}(${JSON.stringify(body)})`)
        .toBe(`${ERROR}.${error}`);
    }
  });

  it('turns a hostile journal into nothing outside the catalog, and runs nothing without Apply', async () => {
    // Only steps that read run without Apply, as their proposal is shown.
    const changing = (list: Record<string, unknown>[]) => list.filter((j) => j.caller !== 'steward:shown');
    const jobsBefore = changing(await jobs()).length;
    const approvals = async () => changing(await history()).filter((record) => record.event === 'approved').length;
    const approvalsBefore = await approvals();
    await appendToJournal(journal, [...hostileJournal, unitFailure('marker.service')]);
    // Findings are proposed in order: once the marker has its proposal, every hostile line was considered.
    await waitFor(async () => (await proposalFor('marker.service')) !== undefined, 'the marker proposal');

    const catalog = createCatalog({ kinds: KINDS });
    const all = await proposals();
    for (const proposal of all) {
      for (const action of (proposal.actions as Record<string, Variant>[]).map(plain)) {
        expect(() => catalog.validate(String(action.name), parseJsonObject(String(action.params))))
          .withContext(`${String(proposal.title)}: ${String(action.name)}`)
          .not.toThrow();
      }
    }
    // Only units that exist got proposals about units; the names made of shell, escapes and paths got none. Other
    // kinds (a forged file system error) get at most a look at the journal around their own line, by its cursor.
    const known = ['backup.service', 'marker.service'];
    expect(all.map((p) => p.subject)).toContain('marker.service');
    for (const proposal of all.filter((p) => !known.includes(String(p.subject)))) {
      const actions = (proposal.actions as Record<string, Variant>[]).map(plain);
      expect(proposal.kind).withContext(String(proposal.subject)).not.toBe('unit-failed');
      expect(actions.map((a) => [a.name, Object.keys(parseJsonObject(String(a.params))).sort()]))
        .withContext(String(proposal.subject))
        .toEqual([['info.show_logs', ['cursor', 'directory', 'lines', 'scope']]]);
    }
    expect(changing(await jobs()).length).toBe(jobsBefore);
    for (const job of (await jobs()).filter((j) => j.caller === 'steward:shown'))
      expect(job.action).withContext(String(job.subject)).toBe('info.show_logs');
    expect(await approvals()).toBe(approvalsBefore);
    expect(scenario.service.process.exitCode).toBeNull();
  });
});
