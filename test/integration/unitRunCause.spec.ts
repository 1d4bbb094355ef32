// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A finding come again keeps lines of its earlier occurrence: the cause a failed unit's proposal names is read from
// the runs since systemd last started it (InactiveExitTimestamp), not from a drop-in deleted since.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import type { Evidence } from '../../service/src/findings/types.js';
import type { ActionContext, Preview } from '../../service/src/fixes/action.js';
import { type CandidateAction, Playbooks } from '../../service/src/fixes/playbooks.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { busContext } from '../support/busContext.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { addProperties, addService, fail, startMockSystemd, stopMockSystemd, UNIT } from '../support/systemdMock.js';

const PLAYBOOKS = new Playbooks(KINDS);
const STARTED = new Date(Date.UTC(2026, 10, 27, 9, 40, 0));
const at = (seconds: number) => new Date(STARTED.getTime() + seconds * 1000);

/** ssh.service's lines: a drop-in's error a scenario before, then this run's missing host keys. */
const EVIDENCE: Partial<Evidence>[] = [
  { text: '/etc/ssh/sshd_config.d/gym.conf line 2: Bad configuration option: PermitRootLogn', at: at(-40) },
  { text: '/etc/ssh/sshd_config.d/gym.conf: terminating, 1 bad configuration options', at: at(-40) },
  { text: 'sshd: no hostkeys available -- exiting.', at: at(1) },
  { text: "ssh.service: Failed with result 'exit-code'.", at: at(2) },
];

describe('the cause of a failed unit’s runs', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  let context: ActionContext;

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = await startMockSystemd(bus, client);
    const connection = await bus.connect();
    context = busContext(connection);
  });

  afterEach(async () => {
    await stopMockSystemd(mock);
    await bus.stop();
  });

  const tools = () => ({
    context,
    async preview(candidate: CandidateAction): Promise<Preview | null> {
      const { scope } = candidate.params as { scope?: string };
      if (candidate.name === 'systemd.start_unit' && scope !== 'system') return null;
      return { summary: '', details: [`details of ${candidate.name}`], changesNothing: false };
    },
  });

  async function draftFor(kind: string, unit: string) {
    const finding = findingWithEvidence(kind, unit, {
      evidence: EVIDENCE.map((fields) => ({ kind: 'journal', text: '', at: STARTED, journal: 'system', ...fields })),
    });
    return (await PLAYBOOKS.draftFor(finding, tools()))?.actions.map((action) => action.name) ?? [];
  }

  it('reads only the lines since systemd last started the unit', async () => {
    await addService(client, 'ssh.service');
    await fail(client, 'ssh.service', { status: 255 });
    await addProperties(client, 'ssh.service', UNIT, {
      InactiveExitTimestamp: new Variant('t', BigInt(STARTED.getTime()) * 1000n),
    });
    for (const kind of ['unit-failed', 'crash-loop']) {
      const steps = await draftFor(kind, 'ssh.service');
      expect(steps[0]).withContext(kind).toBe('info.unit_failure');
      expect(steps).withContext(kind).not.toContain('config.show_error');
    }
  });

  it('reads every line where systemd has no time for the start', async () => {
    await addService(client, 'ssh.service');
    await fail(client, 'ssh.service', { status: 255 });
    expect(await draftFor('crash-loop', 'ssh.service')).toContain('config.show_error');
  });
});
