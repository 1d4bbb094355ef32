// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { OBJECT_PATH } from '../../service/src/dbus/interfaces.js';
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

// A unit failed just after its configuration file changed: the restore comes first, and the restart only once the
// file changed again since the failure. Applying the restore is that change: the service offers the restart by itself.
describe('a restored configuration noticed by the service', () => {
  let scenario: UnitScenario;
  let journal: string;
  let confDirectory: string;
  let conf: string;
  const changed: Changed[] = [];
  const good = 'interval=30\n';

  beforeAll(async () => {
    // Listed in the configuration below: configuration wherever the checkout is (a file under /tmp is not otherwise).
    await mkdir(join(process.cwd(), 'test-results'), { recursive: true });
    confDirectory = await mkdtemp(join(process.cwd(), 'test-results', 'feed-'));
    conf = join(confDirectory, 'feed.conf');
    scenario = await startUnitScenario(['feed.service'], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      // There before the service starts: its first version is the one kept as known-good.
      await writeFile(conf, good);
      return {
        watch: quietWatch({
          journal: { system: false, user: false, directories: [journal] },
          files: { watchDefaults: false, paths: [conf] },
        }),
      };
    });
    await new SignalRouter(scenario.client).subscribe(
      { interface: PROPOSALS, path: OBJECT_PATH, member: 'ProposalChanged' },
      ([id, proposal]) => {
        const dict = plain(proposal as Record<string, Variant>);
        changed.push({
          id: String(id),
          actions: (dict.actions as Record<string, Variant>[]).map((action) => String(plain(action).name)),
          explanation: String(dict.explanation),
        });
      },
    );
  });

  afterAll(async () => {
    await scenario.stop();
    await rm(confDirectory, { recursive: true, force: true });
  });

  it('offers the restart once the restore put back the version the unit worked with', async () => {
    const knownGood = join(scenario.home.path, 'state', 'steward', 'known-good', 'index.json');
    const versions = async () =>
      (JSON.parse(await readFile(knownGood, 'utf8').catch(() => '{}')) as { files?: Record<string, unknown[]> })
        .files?.[conf]?.length ?? 0;
    await waitFor(async () => (await versions()) === 1, 'the watcher to keep the first version');
    await writeFile(conf, 'interval=30s\n');
    await waitFor(async () => (await versions()) >= 2, 'the watcher to keep the edited version beside the first');
    await addProperties(scenario.client, 'feed.service', UNIT, {
      FragmentPath: new Variant('s', ''),
      DropInPaths: new Variant('as', []),
      Requires: new Variant('as', []),
      Wants: new Variant('as', []),
      InactiveEnterTimestamp: new Variant('t', BigInt(Date.now() + 1) * 1000n),
      ActiveEnterTimestamp: new Variant('t', 0n),
    });
    await addProperties(scenario.client, 'feed.service', SERVICE, {
      ExecStart: new Variant('a(sasbttttuii)', [['/usr/bin/feed', ['/usr/bin/feed'], false, 0, 0, 0, 0, 0, 0, 0]]),
    });
    await fail(scenario.client, 'feed.service', { status: 78 });
    // The program's own last line names the file: what ties the change to the failure.
    await appendToJournal(journal, [
      {
        MESSAGE: `feed: ${conf}: interval must be a whole number of seconds`,
        PRIORITY: '3',
        SYSLOG_IDENTIFIER: 'feed',
        _PID: '4242',
        _UID: '1000',
        _COMM: 'feed',
        _EXE: '/usr/bin/feed',
        _SYSTEMD_USER_UNIT: 'feed.service',
        _TRANSPORT: 'stdout',
      },
      unitFailure('feed.service'),
    ]);
    const proposalFor = async () =>
      (await scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'all') })).find(
        (p) => p.subject === 'feed.service' && p.kind === 'config-changed-before-failure',
      );
    await waitFor(async () => (await proposalFor()) !== undefined, 'the proposal to put the file back');
    const proposal = (await proposalFor())!;
    const actions = (proposal.actions as Record<string, Variant>[]).map(plain);
    expect(actions[0]?.name).toBe('config.restore');
    expect(actions[0]?.details).toContain('-interval=30s');
    expect(actions.map((action) => action.name)).not.toContain('systemd.restart_unit');
    // The failed unit's own proposal gives way to this one.
    const others = await scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'open') });
    expect(others.filter((p) => p.subject === 'feed.service').map((p) => p.kind)).toEqual([
      'config-changed-before-failure',
    ]);

    const id = String(proposal.id);
    await scenario.call(PROPOSALS, 'Apply', 'ss', [id, 'config.restore']);
    // The file holds the version the restore would put back: nothing left to restore, the restart comes first. (The
    // restore's job and the repair watch each signal the proposal; on a busy machine their order varies.)
    const latest = () => changed.filter((c) => c.id === id).at(-1);
    await waitFor(
      () => latest()?.actions[0] === 'systemd.restart_unit',
      `ProposalChanged with the restart first for proposal ${id}`,
    );
    expect(await readFile(conf, 'utf8')).toBe(good);
    expect(latest()!.actions).not.toContain('config.restore');
    expect(latest()!.explanation).toContain(`${conf} changed: a restart may now succeed`);
  });
});
