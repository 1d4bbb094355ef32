// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../../service/src/dbus/client.js';
import type { ActionContext } from '../../../service/src/fixes/action.js';
import { UnitManager } from '../../../service/src/fixes/actions/systemdUnits.js';
import { RepairWatch } from '../../../service/src/fixes/repairWatch.js';
import type { FixesStore, Proposal } from '../../../service/src/fixes/store.js';
import type { Logger } from '../../../service/src/logging.js';

const quiet = { debug() {}, info() {}, warning() {}, error() {} } as unknown as Logger;

/** A playbook's proposal for a failed unit whose restart is held back until `path` exists. */
function heldBack(id: number, path: string): Proposal {
  return {
    id,
    kind: 'unit-failed',
    subject: `unit-${id}.service`,
    state: 'open',
    findingId: id,
    trust: { origin: 'playbook' },
    actions: [
      { name: 'info.unit_failure', params: { unit: `unit-${id}.service`, scope: 'user' } },
      { name: 'info.path_access', params: { path, unit: `unit-${id}.service`, scope: 'user' } },
    ],
  } as unknown as Proposal;
}

// A repair is noticed by inotify on the proposal's own paths, and by every job systemd ends (a backend it connects to
// may have started). In a long day twenty proposals wait with their restart held back and systemd ends a job every
// few seconds: each job made every one of them due again, once per job, and their looks queued up ahead of the one
// proposal whose own file had just appeared (the gym's go-file-appears, 30 s without its restart).
describe('RepairWatch on a busy day', () => {
  let directory: string;
  let jobEnded: (() => void) | null;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'steward-repair-'));
    jobEnded = null;
    spyOn(SignalRouter.prototype, 'subscribe').and.callFake((_filter, handler) => {
      jobEnded = () => handler([1, '/org/freedesktop/systemd1/job/1', 'some.service', 'done'], {} as never);
      return Promise.resolve(() => Promise.resolve());
    });
    spyOn(UnitManager.prototype, 'failureContext').and.resolveTo({ paths: [], dependencies: [] });
  });

  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('looks at the proposal whose own file appeared before the ones any job made due, once each', async () => {
    const proposals = new Map<number, Proposal>();
    for (let id = 1; id <= 20; id++) proposals.set(id, heldBack(id, join(directory, `unit-${id}`, 'settings.json')));
    const store = {
      proposals: () => [...proposals.values()],
      proposal: (id: number) => proposals.get(id) ?? null,
    } as unknown as FixesStore;
    const redrafts: number[] = [];
    const watch = new RepairWatch({
      store,
      context: { sessionBus: {} as MessageBus, systemBus: null } as unknown as ActionContext,
      log: quiet,
      settleMs: 5,
      // A draft takes its time on a busy machine (the unit's state over D-Bus, its files, its lines).
      redraft: async (proposal) => {
        redrafts.push(proposal.id);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return proposal;
      },
    });
    watch.sync();
    const settled = async (count: number) => {
      while (redrafts.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    // Each proposal is drafted once as it is first watched.
    await settled(20);
    expect(jobEnded).not.toBeNull();
    // Ten jobs end, each after the last one's changes settled: every watched proposal is due again.
    for (let job = 0; job < 10; job++) {
      jobEnded!();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    // The first proposal's own repair: the folder its program needs, and its file.
    await mkdir(join(directory, 'unit-1'));
    await writeFile(join(directory, 'unit-1', 'settings.json'), '{}\n');
    const appeared = redrafts.length;
    await settled(appeared + 1);
    while (!redrafts.slice(appeared).includes(1)) await new Promise((resolve) => setTimeout(resolve, 5));
    // Its look came next but for the one already under way (and the folder's own look, before its file was written).
    expect(redrafts.slice(appeared).indexOf(1)).toBeLessThanOrEqual(2);
    // More jobs end; then a new proposal waits for its repair: it is watched (and drafted) before the looks they made due.
    for (let job = 0; job < 5; job++) {
      jobEnded!();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    proposals.set(21, heldBack(21, join(directory, 'unit-21', 'settings.json')));
    const added = redrafts.length;
    watch.sync();
    while (!redrafts.slice(added).includes(21)) await new Promise((resolve) => setTimeout(resolve, 5));
    // Ahead of it at most the look under way and the one look the jobs queued before it came: on a busy machine the
    // last job's changes may settle after the waits above, and the look they queue is due before the new proposal.
    expect(redrafts.slice(added).indexOf(21)).toBeLessThanOrEqual(2);
    await watch.stop();
    // However many jobs ended while they waited, each proposal was looked at again at most once per look it had
    // queued: the first drafts, and no more than one look waiting beside the one under way.
    const perProposal = new Map<number, number>();
    for (const id of redrafts.slice(0, appeared)) perProposal.set(id, (perProposal.get(id) ?? 0) + 1);
    expect(Math.max(...perProposal.values())).toBeLessThanOrEqual(3);
  }, 20_000);
});
