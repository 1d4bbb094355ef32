// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  homeEnv,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { plain } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';

// The service speaks the session's language: a failed unit's finding, the
// proposal for it and the core's StateReason come translated over D-Bus.
describe('the service in the session language', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let systemd: ChildProcess;
  let home: TempDir;
  let service: RunningService;

  /** Starts the service with `locale` as LANG, watching the mock's user units, and fails backup.service. */
  async function failUnitWith(locale: Record<string, string>) {
    home = await makeTempDir();
    await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
    await writeFile(
      join(home.path, 'config', 'steward', 'config.json'),
      JSON.stringify({ watch: quietWatch({ units: true }) }),
    );
    // Journals of its own, empty: where journald runs (a desktop, a booted system) the journal since the failure
    // has lines, and the proposal would begin with showing them.
    const journals = {
      STEWARD_TEST_SYSTEM_JOURNAL: join(home.path, 'system-journal'),
      STEWARD_TEST_USER_JOURNAL: join(home.path, 'user-journal'),
    };
    for (const journal of Object.values(journals)) await mkdir(journal);
    service = spawnService(bus.address, {
      ...homeEnv(home.path),
      ...journals,
      XDG_DATA_HOME: join(home.path, 'data'),
      ...locale,
    });
    await waitUntilReady(client, service);
    await fail(client, 'backup.service', { result: 'watchdog' });
    const proposal = await waitForOne(PROPOSALS, 'a proposal for backup.service');
    const finding = await waitForOne(FINDINGS, 'the unit-failed finding');
    const actions = (proposal.actions as Record<string, Variant>[]).map(plain);
    const [reason] = await call('org.freedesktop.DBus.Properties', 'Get', 'ss', [
      'io.github.steward.Steward1',
      'StateReason',
    ]);
    return {
      finding: finding.title,
      proposal: proposal.title,
      actions: actions.map((action) => action.title),
      reason: (reason as Variant<string>).value,
    };
  }

  const call = (iface: string, member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });

  async function waitForOne(iface: string, what: string): Promise<Record<string, unknown>> {
    const list = async () => {
      const [dicts] = await call(iface, 'List', 'a{sv}', [{ state: new Variant('s', 'all') }]);
      return (dicts as Record<string, Variant>[]).map(plain).find((item) => item.subject === 'backup.service');
    };
    await waitFor(async () => (await list()) !== undefined, what);
    return (await list())!;
  }

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    systemd = await startMockSystemd(bus, client);
    await addService(client, 'backup.service');
  });

  afterEach(async () => {
    await service.stop();
    await stopMockSystemd(systemd);
    await bus.stop();
    await home.remove();
  });

  it('reports in German with LANG=de_DE.UTF-8', async () => {
    expect(await failUnitWith({ LANG: 'de_DE.UTF-8' })).toEqual({
      finding: 'backup.service ist fehlgeschlagen (Watchdog-Zeitüberschreitung)',
      proposal: 'backup.service neu starten',
      // The mock's unit wrote no log lines: "Show logs" would show nothing, so it is not offered.
      actions: ['Einen Dienst neu starten'],
      reason: 'Ein Problem erfordert Aufmerksamkeit.',
    });
  });

  it('reports in French for a territory without its own catalog (LC_MESSAGES=fr_CA.UTF-8)', async () => {
    expect(await failUnitWith({ LANG: 'C.UTF-8', LC_MESSAGES: 'fr_CA.UTF-8' })).toEqual({
      finding: 'backup.service a échoué (délai du chien de garde dépassé)',
      proposal: 'Redémarrer backup.service',
      actions: ['Redémarrer un service'],
      reason: 'Un problème requiert votre attention.',
    });
  });

  it('reports in English with LANG=C, even when LANGUAGE asks for German', async () => {
    expect(await failUnitWith({ LANG: 'C', LANGUAGE: 'de' })).toEqual({
      finding: 'backup.service failed (watchdog timeout)',
      proposal: 'Restart backup.service',
      actions: ['Restart a service'],
      reason: 'A problem needs attention.',
    });
  });
});
