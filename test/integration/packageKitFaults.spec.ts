// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A PackageKit that misbehaves (test/support/packageKitStandIn.py, a python3-dbusmock template on a private bus)
// against the proposer: one hung transaction once stopped every later proposal, and a package id with a 1 MB
// version became a proposal whose preview held it twice.
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { peerWaits } from '../../service/src/dbus/peerWaits.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { FindingReport } from '../../service/src/findings/types.js';
import type { Fixes } from '../../service/src/fixes/fixes.js';
import { createLogger } from '../../service/src/logging.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { playbookFixes } from '../support/playbookFixes.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { setUnitState, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PACKAGEKIT = 'org.freedesktop.PackageKit';
const STAND_IN = join(process.cwd(), 'test', 'support', 'packageKitStandIn.py');
/** Each finding's draft may take this long here: far more than a draft without PackageKit takes on a busy machine. */
const DRAFT_DEADLINE_MS = 10_000;

describe('the proposer against a PackageKit that misbehaves (stand-in: python3-dbusmock)', () => {
  let dir: TempDir;
  let home: string;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let client: MessageBus;
  let packageKit: ChildProcess | undefined;
  let systemd: ChildProcess;
  let findings: FindingsStore;
  let fixes: Fixes;
  let logLines: string[];

  const setMode = (mode: 'hang' | 'leave' | 'huge' | 'finish') =>
    callMethod(client, {
      destination: PACKAGEKIT,
      path: '/org/freedesktop/PackageKit',
      interface: `${PACKAGEKIT}.Mock`,
      member: 'SetMode',
      signature: 's',
      body: [mode],
    });
  const packageKitCalls = async () =>
    Number(
      (
        await callMethod(client, {
          destination: PACKAGEKIT,
          path: '/org/freedesktop/PackageKit',
          interface: `${PACKAGEKIT}.Mock`,
          member: 'CallCount',
        })
      )[0],
    );

  beforeEach(async () => {
    dir = await makeTempDir();
    home = join(dir.path, 'home');
    const state = join(dir.path, 'state');
    await mkdir(join(home, '.config', 'systemd', 'user'), { recursive: true });
    await mkdir(state);
    bus = await startPrivateBus();
    serviceBus = await bus.connect();
    client = await bus.connect();
    packageKit = await startDbusmock(bus, client, PACKAGEKIT, ['--template', STAND_IN]);
    // systemd knows the failed unit, or its playbook proposes nothing about it (a forged name).
    systemd = await startMockSystemd(bus, client);
    await setUnitState(client, 'backup.service', 'failed');
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    logLines = [];
    fixes = playbookFixes(
      serviceBus,
      findings,
      home,
      state,
      createLogger({ write: (line) => logLines.push(line) }),
      undefined,
      DRAFT_DEADLINE_MS,
    );
    fixes.setSystemBus(serviceBus);
  });

  afterEach(async () => {
    await fixes.stop();
    findings.close();
    if (packageKit) await stopMock(packageKit);
    await stopMockSystemd(systemd);
    client.disconnect();
    serviceBus.disconnect();
    await bus.stop();
    await dir.remove();
  });

  /** A unit whose program is missing: its playbook asks PackageKit which package provides it. */
  const missingProgram = (): FindingReport => ({
    kind: 'unit-failed',
    subject: 'backup.service',
    severity: 'warning',
    title: 'backup.service failed (exit code 203)',
    at: new Date(),
    evidence: [
      { kind: 'journal', text: "backup.service: Failed with result 'exit-code'.", at: new Date() },
      {
        kind: 'journal',
        text: 'backup.service: Failed to locate executable /usr/bin/vips-doc-viewer: No such file or directory',
        at: new Date(),
      },
    ],
    attribution: { vouchedBy: 'system-manager', reportedBy: 'systemd' },
  });

  /** A user unit's file with a line systemd refuses: its proposal needs no PackageKit (as recurringFailure.spec.ts). */
  async function configError(name: string): Promise<FindingReport> {
    const file = join(home, '.config', 'systemd', 'user', name);
    await writeFile(file, '[Service]\nExecStart=/usr/bin/true\nRestrat=always\n');
    return {
      kind: 'config-error',
      subject: file,
      severity: 'error',
      title: `Error in ${file}, line 3`,
      at: new Date(),
      evidence: [
        {
          kind: 'journal',
          text: `${file}:3: Unknown key name 'Restrat' in section 'Service', ignoring.`,
          path: file,
          line: 3,
          at: new Date(),
        },
      ],
      attribution: { vouchedBy: 'system-manager', reportedBy: 'systemd' },
    };
  }

  it('proposes for later findings while a PackageKit transaction never finishes, and says which service is stuck', async () => {
    await setMode('hang');
    const stuck = findings.report(missingProgram());
    fixes.considerFindings([stuck]);
    await waitFor(async () => (await packageKitCalls()) > 0, 'the playbook to ask PackageKit');

    const later = findings.report(await configError('sync.service'));
    fixes.considerFindings([later]);
    await waitFor(() => fixes.store.proposalForFinding(later.finding.id) !== null, 'the later finding’s proposal');

    await waitFor(
      () => /ran out of time/.test(fixes.whyNoProposal(findings.get(stuck.finding.id)!) ?? ''),
      'the stuck finding to say it ran out of time',
    );
    expect(fixes.whyNoProposal(findings.get(stuck.finding.id)!)).toContain(PACKAGEKIT);
    expect(Object.keys(peerWaits.stuckPeers)).toContain(PACKAGEKIT);

    // PackageKit answers again: it is no longer named stuck, and the unit's next failure gets its proposal.
    await setMode('finish');
    fixes.considerFindings([findings.report(await configError('other.service'))]);
    fixes.considerFindings([findings.report(missingProgram())]);
    await fixes.proposalsSettled();
    expect(Object.keys(peerWaits.stuckPeers)).not.toContain(PACKAGEKIT);
  });

  it('proposes for later findings when PackageKit leaves the bus mid-transaction', async () => {
    await setMode('leave');
    const exited = new Promise((resolve) => packageKit!.once('exit', resolve));
    const cutOff = findings.report(missingProgram());
    fixes.considerFindings([cutOff]);
    await exited;
    packageKit = undefined;

    const later = findings.report(await configError('sync.service'));
    fixes.considerFindings([later]);
    await waitFor(() => fixes.store.proposalForFinding(later.finding.id) !== null, 'the later finding’s proposal');
    await fixes.proposalsSettled();
    // The cut-off finding's turn ended when PackageKit left, not at its deadline.
    expect(fixes.whyNoProposal(findings.get(cutOff.finding.id)!) ?? '').not.toMatch(/still working|ran out of time/);
  });

  it('keeps a package id with a 1 MB version out of the proposal, and says PackageKit answered out of bounds', async () => {
    await setMode('huge');
    const change = findings.report(missingProgram());
    fixes.considerFindings([change]);
    await fixes.proposalsSettled();
    const proposal = fixes.store.proposalForFinding(change.finding.id);
    expect(proposal).not.toBeNull();
    const row = JSON.stringify(proposal);
    expect(row.length).withContext('the proposal as stored and sent').toBeLessThan(20_000);
    expect(row).not.toContain('vvvvvvvvvv');
    expect(logLines.some((line) => /answered something unexpected/.test(line) && line.includes(PACKAGEKIT)))
      .withContext(logLines.join('\n'))
      .toBeTrue();
  });
});
