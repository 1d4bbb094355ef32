// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ActionContext } from '../../service/src/fixes/action.js';
import { type CandidateAction, Playbooks } from '../../service/src/fixes/playbooks.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { type PackageKit, startPackageKit } from '../support/packagekit.js';

const PLAYBOOKS = new Playbooks(KINDS);

const failedUnit = (lines: string[]) =>
  findingWithEvidence('unit-failed', 'backup.service', {
    title: 'backup.service failed (exit code 203)',
    evidence: lines.map((text) => ({ kind: 'journal', text, at: new Date() })),
  });

// A unit that fails because its program is missing: the playbook asks the real
// PackageKit (dummy backend) which package provides it and offers to install it.
describe('the unit-failed playbook with PackageKit', () => {
  let packageKit: PackageKit;
  let context: ActionContext;

  beforeAll(async () => {
    packageKit = await startPackageKit();
    context = {
      sessionBus: packageKit.client,
      systemBus: packageKit.client,
      home: '/nonexistent',
      cacheHome: '/nonexistent',
      dataHome: '/nonexistent',
      knownGoodDirectory: '/nonexistent',
      log: createLogger({ level: 'error', journal: false, write: () => undefined }),
    };
  });

  afterAll(async () => {
    await packageKit.stop();
  });

  // The unit is the user manager's: that is where a start would go.
  const preview = async (candidate: CandidateAction) =>
    candidate.params.scope === 'user' ? { summary: '', details: [], changesNothing: false } : null;

  it('offers to install the package that provides a missing program, then to restart the unit', async () => {
    const draft = await PLAYBOOKS.draftFor(
      failedUnit([
        "backup.service: Failed with result 'exit-code'.",
        'backup.service: Failed to locate executable /usr/bin/vips-doc-viewer: No such file or directory',
      ]),
      { context, preview },
    );
    expect(draft?.title).toBe('Install vips-doc for backup.service');
    expect(draft?.explanation).toContain('/usr/bin/vips-doc-viewer is missing');
    expect(draft?.actions).toEqual([
      { name: 'packages.install', params: { packages: ['vips-doc'] } },
      { name: 'systemd.restart_unit', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
  });

  it('offers to install the package that provides a module the program could not load, then to restart it', async () => {
    const draft = await PLAYBOOKS.draftFor(
      failedUnit([
        "backup.service: Failed with result 'exit-code'.",
        'backup.service: Main process exited, code=exited, status=1/FAILURE',
        "ModuleNotFoundError: No module named 'vips_doc'",
      ]),
      { context, preview },
    );
    expect(draft?.title).toBe('Install vips-doc for backup.service');
    expect(draft?.explanation).toContain('it cannot load vips_doc, which the package vips-doc provides');
    expect(draft?.actions.map((action) => action.name)).toEqual([
      'packages.install',
      'systemd.restart_unit',
      'info.show_logs',
    ]);
  });

  it('offers to install the package that provides a command the shell could not find (status 127), then to restart', async () => {
    const draft = await PLAYBOOKS.draftFor(
      failedUnit([
        "backup.service: Failed with result 'exit-code'.",
        'backup.service: Main process exited, code=exited, status=127/n/a',
        '/usr/local/bin/backup: 3: vips-doc-viewer: not found',
      ]),
      { context, preview },
    );
    expect(draft?.title).toBe('Install vips-doc for backup.service');
    expect(draft?.explanation).toContain(
      'the shell could not find the command vips-doc-viewer it runs, which the package vips-doc provides',
    );
    expect(draft?.actions.map((action) => action.name)).toEqual([
      'packages.install',
      'systemd.restart_unit',
      'info.show_logs',
    ]);
  });

  it('offers no restart for a bare exit code nor for a missing program with no system bus to ask', async () => {
    const plain = await PLAYBOOKS.draftFor(failedUnit(["backup.service: Failed with result 'exit-code'."]), {
      context,
      preview,
    });
    // The stand-in preview says systemd recorded the run: what it recorded comes before the logs.
    expect(plain?.actions.map((action) => action.name)).toEqual(['info.unit_failure', 'info.show_logs']);
    const offline = await PLAYBOOKS.draftFor(
      failedUnit(['backup.service: Failed to locate executable /usr/bin/x: No such file or directory']),
      { context: { ...context, systemBus: null }, preview },
    );
    expect(offline?.title).toBe('See why systemd could not start backup.service');
    expect(offline?.actions.map((action) => action.name)).toEqual(['info.unit_failure', 'info.show_logs']);
  });
});
