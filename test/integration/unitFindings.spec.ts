// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { quietWatch, waitFor } from '../support/service.js';
import { fail, UNIT, update } from '../support/systemdMock.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';

// The whole path for units: systemd's D-Bus signals → the unit source → the
// unit-failed detector → the store → the Findings interface.
describe('findings from systemd unit states, on the bus', () => {
  let scenario: UnitScenario;

  const findingOf = async (unit: string) =>
    (await scenario.list(FINDINGS, 'List', { state: new Variant('s', 'all') })).find((f) => f.subject === unit);

  beforeAll(async () => {
    scenario = await startUnitScenario(['backup.service'], async () => ({ watch: quietWatch({ units: true }) }));
  });

  afterAll(() => scenario.stop());

  it('reports a user unit as it fails, with its exit code, and resolves it when it is active again', async () => {
    const { client } = scenario;
    const [capabilities] = await scenario.call('org.freedesktop.DBus.Properties', 'Get', 'ss', [
      'io.github.steward.Steward1',
      'Capabilities',
    ]);
    expect((capabilities as Variant<string[]>).value).toContain('systemd.user');

    await fail(client, 'backup.service', { status: 3 });
    await waitFor(async () => (await findingOf('backup.service')) !== undefined, 'the unit-failed finding');
    expect(await findingOf('backup.service')).toEqual(
      jasmine.objectContaining({
        kind: 'unit-failed',
        severity: 'error',
        state: 'active',
        title: 'backup.service failed (exit code 3)',
        count: 1,
      }),
    );

    await update(client, 'backup.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await waitFor(async () => (await findingOf('backup.service'))?.state === 'resolved', 'the finding to resolve');
    expect((await findingOf('backup.service'))?.count).toBe(1);
  });
});
