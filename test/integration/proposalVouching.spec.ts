// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { Attribution } from '../../service/src/findings/attribution.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { Fixes } from '../../service/src/fixes/fixes.js';
import { createLogger } from '../../service/src/logging.js';
import { KnownGoodStore, sha256 } from '../../service/src/storage/knownGoodStore.js';
import { NetworkActionBus } from '../support/networkMocks.js';
import { playbookFixes } from '../support/playbookFixes.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A program's own line may be forged by anyone who can log: it may put a look one click away, never a change.
// A program's own line may be forged by anyone who can log: it may put a look one click away, never a change aimed
// at what the line named.
describe('proposals for what only a program reported', () => {
  let dir: TempDir;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let findings: FindingsStore;
  let fixes: Fixes;
  let unitFile: string;

  beforeAll(async () => {
    dir = await makeTempDir();
    const home = join(dir.path, 'home');
    const state = join(dir.path, 'state');
    // A user unit the file watcher saw change: a known-good copy of it is kept, so config.restore fits.
    unitFile = join(home, '.config', 'systemd', 'user', 'sync.service');
    await mkdir(join(home, '.config', 'systemd', 'user'), { recursive: true });
    await mkdir(state);
    const good = Buffer.from('[Service]\nExecStart=/usr/bin/true\n');
    const bad = Buffer.from('[Service]\nExecStart=/usr/bin/true\nRestrat=always\n');
    const log = createLogger({ write: () => undefined });
    const knownGood = new KnownGoodStore(join(state, 'known-good'), { home }, 1024 * 1024, 5, log);
    await knownGood.load();
    await knownGood.record(unitFile, sha256(good), good);
    await writeFile(unitFile, bad);
    await knownGood.record(unitFile, sha256(bad), bad);
    bus = await startPrivateBus();
    serviceBus = await bus.connect();
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    fixes = playbookFixes(serviceBus, findings, home, state, log);
  });

  afterAll(async () => {
    await fixes.stop();
    findings.close();
    serviceBus.disconnect();
    await bus.stop();
    await dir.remove();
  });

  const report = (attribution: Attribution) =>
    findings.report({
      kind: 'config-error',
      subject: unitFile,
      severity: 'error',
      title: `Error in ${unitFile}, line 3`,
      at: new Date(),
      evidence: [
        {
          kind: 'journal',
          text: `${unitFile}:3: Unknown key name 'Restrat' in section 'Service', ignoring.`,
          path: unitFile,
          line: 3,
          at: new Date(),
        },
      ],
      attribution,
    });
  const proposalOf = (findingId: number) => fixes.store.proposalForFinding(findingId);
  const names = (findingId: number) => proposalOf(findingId)?.actions.map((action) => action.name) ?? [];

  it('shows the line a program named, and restores the file only once a trusted writer vouches for it', async () => {
    const added = report({ vouchedBy: null, reportedBy: 'sync-helper (uid 1000, /usr/bin/sync-helper)' });
    fixes.considerFindings([added]);
    // Asked before the proposer decided, it says so: never that a fix is withheld while one is on its way.
    expect(fixes.whyNoProposal(added.finding)).toBe('Steward is still working out a fix');
    await waitFor(() => proposalOf(added.finding.id) !== null, 'the proposal for the program’s word');
    expect(names(added.finding.id)[0]).toBe('config.show_error');
    expect(names(added.finding.id)).not.toContain('config.restore');
    expect(proposalOf(added.finding.id)?.actions.every((action) => action.readOnly)).toBeTrue();
    expect(proposalOf(added.finding.id)?.actions[0]?.preview.details).toContain('>     3  Restrat=always');
    expect(fixes.whyNoProposal(added.finding)).toBeNull();

    // The user's manager says the same of the file: the known-good copy joins the waiting proposal.
    const vouched = report({ vouchedBy: 'user-manager', reportedBy: 'your systemd' });
    expect(vouched.change).toBe('updated');
    fixes.considerFindings([vouched]);
    await waitFor(() => names(added.finding.id).includes('config.restore'), 'the restore once vouched for');
    expect(names(added.finding.id)[0]).toBe('config.show_error');
    expect(proposalOf(added.finding.id)?.trust.vouchedBy).toBe('user-manager');
  });

  it('shows the line the program named last, as the file has it now', async () => {
    const file = join(dir.path, 'home', '.config', 'systemd', 'user', 'backup.service');
    await writeFile(file, '[Service]\nExecStrat=/usr/bin/true\nRestrat=always\n');
    const at = (line: number, key: string) =>
      findings.report({
        kind: 'config-error',
        subject: file,
        severity: 'error',
        title: `Error in ${file}, line ${line}`,
        at: new Date(),
        evidence: [
          {
            kind: 'journal',
            text: `${file}:${line}: Unknown key name '${key}' in section 'Service', ignoring.`,
            path: file,
            line,
            at: new Date(),
          },
        ],
        attribution: { vouchedBy: null, reportedBy: 'sync-helper (uid 1000, /usr/bin/sync-helper)' },
      });
    const shown = (findingId: number) => proposalOf(findingId)?.actions[0]?.params;
    const first = at(2, 'ExecStrat');
    fixes.considerFindings([first]);
    await waitFor(() => proposalOf(first.finding.id) !== null, 'the proposal for line 2');
    expect(shown(first.finding.id)).toEqual({ path: file, line: 2 });

    // Line 2 was fixed; the program now refuses line 3 of the same file: the waiting proposal shows that one.
    const repeat = at(3, 'Restrat');
    expect(repeat.change).toBe('updated');
    fixes.considerFindings([repeat]);
    await waitFor(() => (shown(first.finding.id) as { line?: number })?.line === 3, 'the proposal for line 3');
    expect(names(first.finding.id)[0]).toBe('config.show_error');
    expect(proposalOf(first.finding.id)?.actions[0]?.preview.details).toContain('>     3  Restrat=always');
  });
});

// NetworkManager's own line that a device failed for want of secrets: its state confirms the device is there and
// not connected, and only then is connecting it again offered.
describe('proposals for a Wi-Fi password NetworkManager lacked', () => {
  let dir: TempDir;
  let net: NetworkActionBus;
  let serviceBus: MessageBus;
  let findings: FindingsStore;
  let fixes: Fixes;

  beforeEach(async () => {
    dir = await makeTempDir();
    await mkdir(join(dir.path, 'state'));
    net = await NetworkActionBus.start();
    serviceBus = await net.bus.connect();
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    const log = createLogger({ write: () => undefined });
    fixes = playbookFixes(serviceBus, findings, join(dir.path, 'home'), join(dir.path, 'state'), log);
    fixes.setSystemBus(serviceBus);
  });

  afterEach(async () => {
    await fixes.stop();
    findings.close();
    serviceBus.disconnect();
    await net.stop();
    await dir.remove();
  });

  const noSecrets = (device: string) => {
    const change = findings.report({
      kind: 'wifi-secrets',
      subject: device,
      severity: 'warning',
      title: `${device} could not connect: the network's password is missing`,
      at: new Date(),
      evidence: [
        {
          kind: 'journal',
          text: `device (${device}): state change: need-auth -> failed (reason 'no-secrets', sys-iface-state: 'managed')`,
          at: new Date(),
        },
      ],
      attribution: { vouchedBy: null, reportedBy: 'NetworkManager (uid 0, /usr/sbin/NetworkManager)' },
    });
    fixes.considerFindings([change]);
    return change.finding;
  };

  it('connects the device that failed where NetworkManager has it and it is not connected', async () => {
    const nm = await net.startNetworkManager();
    await nm.addWiredConnection('Wired connection 1', '5f0ba6d2-3c4e-4b7a-9d61-0c2f1e8a7b35');
    await nm.addWiFiNetwork('wlan0', 'Home');

    const finding = noSecrets('wlan0');
    await waitFor(() => fixes.store.proposalForFinding(finding.id) !== null, 'the proposal');
    expect(fixes.store.proposalForFinding(finding.id)?.actions.map(({ name, params }) => [name, params])).toEqual([
      ['network.connect_device', { interface: 'wlan0' }],
    ]);
  });

  it('offers nothing where NetworkManager has no such device, or it is connected', async () => {
    const nm = await net.startNetworkManager();
    await nm.addWiredConnection('Wired connection 1', '5f0ba6d2-3c4e-4b7a-9d61-0c2f1e8a7b35');

    for (const device of ['wlan7', 'eth0']) {
      const finding = noSecrets(device);
      const decided = () => fixes.whyNoProposal(finding) !== 'Steward is still working out a fix';
      await waitFor(decided, `the proposer to decide on ${device}`);
      expect(fixes.store.proposalForFinding(finding.id)).withContext(device).toBeNull();
      expect(fixes.whyNoProposal(finding)).withContext(device).toBe('nothing in its fix applies on this computer now');
    }
  });
});
