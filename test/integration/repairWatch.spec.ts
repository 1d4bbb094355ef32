// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { OBJECT_PATH } from '../../service/src/interfaces.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { quietWatch, waitFor } from '../support/service.js';
import { addProperties, fail, SERVICE, UNIT, update } from '../support/systemdMock.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const PROPOSALS = 'io.github.steward.Steward1.Proposals';

interface Changed {
  id: string;
  actions: string[];
  explanation: string;
}

// A unit that failed with a bare exit status gets no restart until something it needs changed. The service
// notices the repair by itself (inotify on the unit's files, systemd's signals for the units it requires) and
// signals ProposalChanged with the restart: nobody reads the proposal again for it. systemd is python3-dbusmock's
// stand-in (as in every integration spec); the files and their inotify events are real.
describe('a repair noticed by the service', () => {
  let scenario: UnitScenario;
  let journal: string;
  let units: string;
  const changed: Changed[] = [];

  const proposalFor = async (unit: string) =>
    (await scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'all') })).find((p) => p.subject === unit);
  const actionsOf = (proposal: Record<string, unknown>) =>
    (proposal.actions as Record<string, Variant>[]).map((action) => String(plain(action).name));

  /** A service unit as systemd describes it: its file, what it runs, what it requires, when it failed. */
  const describeUnit = async (unit: string, requires: string[]) => {
    const fragment = join(units, unit);
    await writeFile(fragment, '[Service]\nExecStart=/usr/bin/true\n');
    await addProperties(scenario.client, unit, UNIT, {
      FragmentPath: new Variant('s', fragment),
      DropInPaths: new Variant('as', []),
      Requires: new Variant('as', requires),
      Wants: new Variant('as', []),
      // A millisecond on: the file's mtime has finer grain than Date.now().
      InactiveEnterTimestamp: new Variant('t', BigInt(Date.now() + 1) * 1000n),
      ActiveEnterTimestamp: new Variant('t', 0n),
    });
    await addProperties(scenario.client, unit, SERVICE, {
      ExecStart: new Variant('a(sasbttttuii)', [['/usr/bin/true', ['/usr/bin/true'], false, 0, 0, 0, 0, 0, 0, 0]]),
    });
    return fragment;
  };

  const heldBack = async (unit: string) => {
    await fail(scenario.client, unit, { status: 1 });
    await appendToJournal(journal, [unitFailure(unit)]);
    await waitFor(async () => (await proposalFor(unit)) !== undefined, `a proposal for ${unit}`);
    const proposal = (await proposalFor(unit))!;
    expect(actionsOf(proposal)).toEqual(['info.show_logs']);
    return String(proposal.id);
  };

  beforeAll(async () => {
    scenario = await startUnitScenario(['edited.service', 'needy.service', 'database.service'], async (home) => {
      journal = join(home, 'journal');
      units = join(home, 'units');
      await mkdir(journal);
      await mkdir(units);
      return { watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }) };
    });
    await new SignalRouter(scenario.client).subscribe(
      { interface: PROPOSALS, path: OBJECT_PATH, member: 'ProposalChanged' },
      ([id, proposal]) => {
        const dict = plain(proposal as Record<string, Variant>);
        changed.push({
          id: String(id),
          actions: actionsOf(dict),
          explanation: String(dict.explanation),
        });
      },
    );
  });

  afterAll(() => scenario.stop());

  const restartOffered = (id: string) =>
    waitFor(
      () => changed.some((c) => c.id === id && c.actions.includes('systemd.restart_unit')),
      `ProposalChanged with a restart for proposal ${id}`,
    );

  it('offers the restart once a file the unit is made of changes, without being asked', async () => {
    const fragment = await describeUnit('edited.service', []);
    const id = await heldBack('edited.service');
    // Nothing changed yet: the service must not have offered a restart by itself.
    expect(changed.filter((c) => c.id === id && c.actions.includes('systemd.restart_unit'))).toEqual([]);
    // The user's repair, as an editor saves it: a new file renamed over the old one.
    await writeFile(`${fragment}.new`, '[Service]\nExecStart=/usr/bin/true --fixed\n');
    await rename(`${fragment}.new`, fragment);
    await restartOffered(id);
    const last = changed.filter((c) => c.id === id).at(-1)!;
    expect(last.actions).toEqual(['info.show_logs', 'systemd.restart_unit']);
    expect(last.explanation).toContain(`${fragment} changed`);
  });

  it('offers the restart once a unit it requires becomes active', async () => {
    await describeUnit('needy.service', ['database.service']);
    await addProperties(scenario.client, 'database.service', UNIT, { ActiveEnterTimestamp: new Variant('t', 0n) });
    const id = await heldBack('needy.service');
    await update(scenario.client, 'database.service', UNIT, {
      ActiveState: new Variant('s', 'active'),
      ActiveEnterTimestamp: new Variant('t', BigInt(Date.now()) * 1000n),
    });
    await restartOffered(id);
    expect(changed.filter((c) => c.id === id).at(-1)!.explanation).toContain('database.service started');
  });
});
