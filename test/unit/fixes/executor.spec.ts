// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { type ActionContext, type ActionDefinition, NotAuthorizedError } from '../../../service/src/fixes/action.js';
import { systemdActions } from '../../../service/src/fixes/actions/systemd.js';
import { Catalog } from '../../../service/src/fixes/catalog.js';
import { Executor } from '../../../service/src/fixes/executor.js';
import type { PolicyRules } from '../../../service/src/fixes/policy.js';
import { FixesStore, type Job } from '../../../service/src/fixes/store.js';
import { createLogger } from '../../../service/src/logging.js';
import { waitFor } from '../../support/service.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

// A switch the test actions turn on and off: real actions with real effects on it.
class Switches {
  readonly on = new Set<string>();
  readonly order: string[] = [];
}

const params = z.object({ name: z.string().regex(/^[a-z]+$/) });
type Params = z.infer<typeof params>;

function switchAction(
  switches: Switches,
  name: 'test.turn_on' | 'test.turn_off',
  overrides: Partial<ActionDefinition<Params>> = {},
): ActionDefinition<Params> {
  const on = name === 'test.turn_on';
  return {
    name,
    title: on ? 'Turn on' : 'Turn off',
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: false,
    preview: async ({ name: which }) => ({
      summary: `${on ? 'Turn on' : 'Turn off'} ${which}`,
      details: [],
      changesNothing: switches.on.has(which) === on,
    }),
    run: async ({ name: which }) => {
      switches.order.push(`${name} ${which}`);
      if (on) switches.on.add(which);
      else switches.on.delete(which);
      return {
        summary: `Turned ${on ? 'on' : 'off'} ${which}`,
        undo: { action: on ? 'test.turn_off' : 'test.turn_on', params: { name: which }, summary: 'switch back' },
      };
    },
    verify: async ({ name: which }) => ({
      ok: switches.on.has(which) === on,
      observed: `${which} is ${switches.on.has(which) ? 'on' : 'off'}`,
    }),
    ...overrides,
  };
}

describe('the executor', () => {
  let dir: TempDir;
  let store: FixesStore;
  let switches: Switches;
  let finished: Job[];
  let rules: PolicyRules;
  let timeoutMs: number;

  const context = {} as ActionContext;
  const log = createLogger({ level: 'error', journal: false, write: () => undefined });

  function executorWith(...extra: ActionDefinition<Params>[]) {
    const catalog = new Catalog([
      switchAction(switches, 'test.turn_on'),
      switchAction(switches, 'test.turn_off'),
      ...extra,
    ] as unknown as ActionDefinition[]);
    return new Executor({
      catalog,
      store,
      context,
      policy: () => rules,
      timeoutMs: () => timeoutMs,
      signals: {
        jobProgress: () => undefined,
        jobFinished: (job) => finished.push(job),
        proposalChanged: () => undefined,
      },
      log,
    });
  }

  function propose(name: string, action = 'test.turn_on') {
    return store.addProposal({
      findingId: null,
      kind: 'test',
      subject: name,
      title: `Turn on ${name}`,
      explanation: '',
      actions: [
        {
          name: action,
          params: { name },
          title: 'Turn on',
          risk: 'low',
          needsAuthorization: false,
          readOnly: false,
          preview: { summary: '', details: [], changesNothing: false },
          policy: 'ask',
        },
      ],
      trust: { origin: 'playbook', vouchedBy: 'steward', reportedBy: 'Steward', explanationBy: 'steward' },
    });
  }

  const finishedJob = async (id: number) => {
    await waitFor(() => finished.some((job) => job.id === id), `job ${id}`);
    return store.job(id)!;
  };

  beforeEach(async () => {
    dir = await makeTempDir();
    store = new FixesStore(`${dir.path}/fixes.db`);
    switches = new Switches();
    finished = [];
    rules = {};
    timeoutMs = 5000;
  });

  afterEach(async () => {
    store.close();
    await dir.remove();
  });

  it('runs an applied action, verifies it, records it, and undoes it through the same path', async () => {
    const executor = executorWith();
    const proposal = propose('lamp');
    const job = await finishedJob(executor.apply(proposal.id, 'test.turn_on', 'tester').id);
    expect(job).toEqual(
      jasmine.objectContaining({ state: 'fixed', summary: 'Turned on lamp; lamp is on', caller: 'tester' }),
    );
    expect(store.proposal(proposal.id)?.state).toBe('fixed');

    const undo = await finishedJob(executor.undo(job.id, 'tester').id);
    expect(undo).toEqual(jasmine.objectContaining({ action: 'test.turn_off', state: 'fixed', undoOf: job.id }));
    expect(switches.on.has('lamp')).toBeFalse();
    expect(store.job(job.id)?.undoneBy).toBe(undo.id);
    expect(() => executor.undo(job.id, 'tester')).toThrowError(/already undone/);
    expect(
      store
        .history()
        .map((record) => record.event)
        .reverse(),
    ).toEqual(['approved', 'finished', 'undo-approved', 'finished']);
  });

  it('reports "not fixed" with what it saw when the action had no effect', async () => {
    const executor = executorWith(
      switchAction(switches, 'test.turn_on', {
        name: 'test.turn_on' as const,
        run: async () => ({ summary: 'Tried', undo: { impossible: 'nothing changed' } }),
      }),
    );
    const job = await finishedJob(executor.apply(propose('fan').id, 'test.turn_on', 'tester').id);
    expect(job.state).toBe('not-fixed');
    expect(job.summary).toBe('Tried; fan is off');
    expect(() => executor.undo(job.id, 'tester')).toThrowError(/cannot be undone: nothing changed/);
  });

  it('says once what the action did where its check saw just that', async () => {
    const executor = executorWith(
      switchAction(switches, 'test.turn_on', {
        name: 'test.turn_on' as const,
        run: async (params: Params) => {
          switches.on.add(params.name);
          return { summary: 'Lamp is on.', undo: { impossible: 'kept' } };
        },
      }),
    );
    const job = await finishedJob(executor.apply(propose('lamp').id, 'test.turn_on', 'tester').id);
    expect(job).toEqual(jasmine.objectContaining({ state: 'fixed', summary: 'Lamp is on.' }));
  });

  it('tells a refused authorization from a failure, and stops an action that runs too long', async () => {
    timeoutMs = 50;
    const executor = executorWith({
      ...switchAction(switches, 'test.turn_on'),
      name: 'test.turn_on',
      run: async ({ name }) => {
        if (name === 'locked') throw new NotAuthorizedError();
        return new Promise(() => undefined);
      },
    });
    const refused = await finishedJob(executor.apply(propose('locked').id, 'test.turn_on', 'tester').id);
    expect(refused.state).toBe('not-authorized');
    const slow = await finishedJob(executor.apply(propose('slow').id, 'test.turn_on', 'tester').id);
    expect(slow.state).toBe('failed');
    expect(slow.summary).toContain('ran longer than 0.05 s');
  });

  it('runs one action at a time per subject, in the order approved', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const executor = executorWith({
      ...switchAction(switches, 'test.turn_on'),
      name: 'test.turn_on',
      run: async ({ name }) => {
        switches.order.push(`start ${name}`);
        if (name === 'lamp') await gate;
        switches.on.add(name);
        switches.order.push(`end ${name}`);
        return { summary: 'on', undo: { impossible: 'test' } };
      },
    });
    const lamp = store.addProposal({ ...propose('lamp'), subject: 'room' });
    const radio = store.addProposal({
      ...propose('radio'),
      subject: 'room',
    });
    const first = executor.apply(lamp.id, 'test.turn_on', 'tester');
    const second = executor.apply(radio.id, 'test.turn_on', 'tester');
    await waitFor(() => switches.order.length > 0, 'the first action to start');
    expect(store.job(second.id)?.state).toBe('queued');
    release();
    await finishedJob(first.id);
    await finishedJob(second.id);
    expect(switches.order).toEqual(['start lamp', 'end lamp', 'start radio', 'end radio']);
  });

  it('refuses what the policy blocks, and names unknown proposals and actions', () => {
    rules = { 'test.turn_on': 'never' };
    const executor = executorWith();
    const proposal = propose('lamp');
    expect(() => executor.apply(proposal.id, 'test.turn_on', 'tester')).toThrowError(/blocked by your settings/);
    expect(store.history()[0]).toEqual(jasmine.objectContaining({ event: 'refused', result: 'blocked by policy' }));
    expect(() => executor.apply(9999, 'test.turn_on', 'tester')).toThrowError(/No proposal 9999/);
    expect(() => executor.apply(proposal.id, 'test.turn_off', 'tester')).toThrowError(/has no action test.turn_off/);
  });

  it('refuses to apply a stored proposal that would end the session, as an older Steward could have made it', () => {
    const executor = new Executor({
      catalog: new Catalog(systemdActions as unknown as ActionDefinition[]),
      store,
      context,
      policy: () => rules,
      timeoutMs: () => timeoutMs,
      signals: { jobProgress: () => undefined, jobFinished: () => undefined, proposalChanged: () => undefined },
      log,
    });
    for (const [name, unit] of [
      ['systemd.stop_unit', 'gdm.service'],
      ['systemd.restart_unit', 'user@1000.service'],
    ] as const) {
      const proposal = store.addProposal({
        findingId: null,
        kind: 'chat',
        subject: unit,
        title: unit,
        explanation: '',
        actions: [
          {
            name,
            params: { unit, scope: 'system' },
            title: name,
            risk: 'low',
            needsAuthorization: false,
            readOnly: false,
            preview: { summary: '', details: [], changesNothing: false },
            policy: 'ask',
          },
        ],
        trust: { origin: 'chat', vouchedBy: null, reportedBy: 'chat', explanationBy: 'model' },
      });
      expect(() => executor.apply(proposal.id, name, 'tester'))
        .withContext(name)
        .toThrow(jasmine.objectContaining({ errorName: 'SessionEnding' }));
    }
    expect(store.jobs()).toEqual([]);
  });

  it('keeps the audit trail append-only', () => {
    store.audit({
      event: 'approved',
      proposalId: null,
      jobId: null,
      action: null,
      params: null,
      caller: 'x',
      result: '',
    });
    const db = (store as unknown as { db: { prepare(sql: string): { run(): unknown } } }).db;
    expect(() => db.prepare("UPDATE audit SET result = 'forged'").run()).toThrowError(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrowError(/append-only/);
  });

  it('marks jobs a crash cut off as failed when the store opens again', () => {
    const proposal = propose('lamp');
    const job = store.addJob({
      proposalId: proposal.id,
      action: 'test.turn_on',
      params: {},
      subject: 'lamp',
      undoOf: null,
      caller: 'x',
    });
    store.updateJob(job.id, { state: 'running' });
    store.close();
    store = new FixesStore(`${dir.path}/fixes.db`);
    expect(store.job(job.id)).toEqual(
      jasmine.objectContaining({ state: 'failed', summary: jasmine.stringMatching(/Interrupted/) }),
    );
  });
});
