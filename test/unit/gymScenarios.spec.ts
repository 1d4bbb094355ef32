// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { loadScenarios, type Scenario, sharedUnits } from '../gym/scenario.js';

const scenario = (name: string, unitFile: string, subject: string): Scenario => ({
  name,
  title: name,
  core: false,
  polkit: 'allow',
  prepare: [{ write: unitFile, content: '[Service]\nExecStart=/bin/false\n', mode: '0644', as: 'root' }],
  fault: [{ run: ['systemctl', 'start', subject], as: 'root', mayFail: true }],
  expect: {
    finding: { kind: ['unit-failed'], subject },
    firstStep: 'info.unit_failure',
    apply: ['info.unit_failure'],
    applyState: 'done',
  } as Scenario['expect'],
  cleanup: [],
  detectTimeoutSeconds: 30,
});

describe('the gym’s scenarios', () => {
  it('each make and judge units of their own', async () => {
    const scenarios = await loadScenarios();
    expect(scenarios.length).toBeGreaterThan(50);
    expect(sharedUnits(scenarios)).toEqual([]);
  });

  it('are refused where two name the same unit, system or user, as file or as the finding’s subject', () => {
    expect(
      sharedUnits([
        scenario('exec-not-executable', '/etc/systemd/system/gym-sync.service', 'gym-sync.service'),
        scenario('user-unit-fails', '/home/tester/.config/systemd/user/gym-sync.service', 'gym-sync.service'),
        scenario('other', '/etc/systemd/system/gym-other.service', 'gym-other.service'),
      ]),
    ).toEqual(['gym-sync.service: exec-not-executable, user-unit-fails']);
    // A drop-in is no unit of its own; a subject that is no unit (a mount point, a link) is not counted.
    expect(
      sharedUnits([
        scenario('a', '/etc/systemd/system/gym-x.service.d/override.conf', '/srv/spool'),
        scenario('b', '/etc/systemd/system/gym-y.service', '/srv/spool'),
      ]),
    ).toEqual([]);
  });
});
