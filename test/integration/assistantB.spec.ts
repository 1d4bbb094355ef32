// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { readFileBounded } from '../../service/src/assistant/live/files.js';
import { type JournalSource, searchJournal } from '../../service/src/assistant/live/journal.js';
import { packageStatus, searchPackages } from '../../service/src/assistant/live/packages.js';
import { auditSummaries, findingSummaries, proposalSummaries } from '../../service/src/assistant/live/records.js';
import { readUnit } from '../../service/src/assistant/live/units.js';
import type { JournalLine, JournalQuery } from '../../service/src/assistant/machine.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { FixesStore, type ProposedAction } from '../../service/src/fixes/store.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { type PackageKit, startPackageKit } from '../support/packagekit.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  addService,
  fail,
  MANAGER_PATH,
  mockCall,
  SERVICE,
  startMockSystemd,
  stopMockSystemd,
  UNIT,
  update,
} from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const MANAGER = 'org.freedesktop.systemd1.Manager';
const unitPath = (unit: string) => `${MANAGER_PATH}/unit/${unit.replace(/[.-]/g, '_')}`;

// As systemd does, GetUnit answers only for loaded units; here the inactive ones
// count as not loaded (garbage-collected), so only LoadUnit finds them.
const GET_LOADED_UNIT = `
unit = self.units.get(args[0])
if unit is None or objects[unit].props['${UNIT}']['ActiveState'] == 'inactive':
    raise dbus.exceptions.DBusException('Unit %s not loaded.' % args[0], name='org.freedesktop.systemd1.NoSuchUnit')
ret = unit
`;

describe('the assistant reading units from systemd', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  const changedAt = new Date('2026-11-21T10:02:13.250Z');

  /** Properties systemd has and the mock template lacks. */
  const addProperties = (unit: string, iface: string, properties: Record<string, Variant>) =>
    mockCall(client, unitPath(unit), 'AddProperties', 'sa{sv}', [iface, properties]);
  const describeUnit = (unit: string, description: string, subState: string, changedUs: bigint) =>
    addProperties(unit, UNIT, {
      Description: new Variant('s', description),
      SubState: new Variant('s', subState),
      StateChangeTimestamp: new Variant('t', changedUs),
    });

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = await startMockSystemd(bus, client);
    await mockCall(client, MANAGER_PATH, 'AddMethod', 'sssss', [MANAGER, 'GetUnit', 's', 'o', GET_LOADED_UNIT]);
    await addService(client, 'backup.service');
    await addProperties('backup.service', SERVICE, { MainPID: new Variant('u', 0) });
    await fail(client, 'backup.service', { status: 3 });
    await describeUnit('backup.service', 'Nightly backup', 'failed', BigInt(changedAt.getTime()) * 1000n);
    await addService(client, 'web.service');
    await addProperties('web.service', SERVICE, { MainPID: new Variant('u', 4242) });
    await update(client, 'web.service', UNIT, { ActiveState: new Variant('s', 'active') });
    await describeUnit('web.service', 'Web server', 'running', BigInt(changedAt.getTime()) * 1000n);
    await mockCall(client, MANAGER_PATH, 'AddMockUnit', 's', ['cleanup.timer']);
    await describeUnit('cleanup.timer', 'Daily cleanup', 'dead', 0n);
  });

  afterAll(async () => {
    await stopMockSystemd(mock);
    await bus.stop();
  });

  it('reads a failed service: its state, how its run ended and since when', async () => {
    expect(await readUnit(client, 'backup.service', 'system')).toEqual({
      name: 'backup.service',
      scope: 'system',
      description: 'Nightly backup',
      loadState: 'loaded',
      activeState: 'failed',
      subState: 'failed',
      result: 'exit-code',
      mainPid: 0,
      since: new Date(changedAt.getTime()),
    });
  });

  it("reads a running service's main process", async () => {
    const unit = await readUnit(client, 'web.service', 'user');
    expect(unit).toEqual(jasmine.objectContaining({ scope: 'user', activeState: 'active', mainPid: 4242 }));
  });

  it('loads a unit that is not loaded; a unit that is not a service has no result, and no time for never changing', async () => {
    expect(await readUnit(client, 'cleanup.timer', 'system')).toEqual({
      name: 'cleanup.timer',
      scope: 'system',
      description: 'Daily cleanup',
      loadState: 'loaded',
      activeState: 'inactive',
      subState: 'dead',
      result: '',
      mainPid: 0,
      since: null,
    });
  });

  it('answers null for a unit systemd has no file for', async () => {
    expect(await readUnit(client, 'no-such-thing.service', 'system')).toBeNull();
  });

  it('says so when no service manager runs on the bus', async () => {
    const empty = await startPrivateBus();
    try {
      const other = await empty.connect();
      await expectAsync(readUnit(other, 'backup.service', 'system')).toBeRejectedWithError(
        "systemd's service manager is not running.",
      );
    } finally {
      await empty.stop();
    }
  });
});

describe('the assistant searching the journal', () => {
  let temp: TempDir;
  let first: string;
  let second: string;
  // Whole seconds, an hour ago: journalctl's --since and --until take seconds.
  const start = Math.floor(Date.now() / 1000) - 3600;
  const at = (seconds: number) => BigInt(start + seconds) * 1_000_000n;
  const entry = (seconds: number, priority: number, unit: string, message: string): ExportEntry => ({
    MESSAGE: message,
    PRIORITY: String(priority),
    _SYSTEMD_UNIT: unit,
    SYSLOG_IDENTIFIER: unit.replace(/\.service$/, 'd'),
    realtime: at(seconds),
  });
  const source = (...directories: string[]): JournalSource => ({ directories, system: false, user: false });
  const search = (query: Partial<JournalQuery>, from = source(first)) => searchJournal({ limit: 50, ...query }, from);
  const messages = (lines: JournalLine[]) => lines.map((line) => line.message);

  beforeAll(async () => {
    temp = await makeTempDir();
    first = join(temp.path, 'first');
    second = join(temp.path, 'second');
    await Promise.all([mkdir(first), mkdir(second)]);
    await appendToJournal(first, [
      entry(0, 3, 'bluetooth.service', 'Failed to set mode: Blocked through rfkill'),
      entry(1, 6, 'NetworkManager.service', 'dhcp4 lease renewed'),
      entry(2, 4, 'bluetooth.service', 'hci0: firmware (v2.1) \u001b[31mmissing\u001b[0m'),
      {
        ...entry(3, 2, 'user@1000.service', 'tracker crashed'),
        _SYSTEMD_USER_UNIT: 'tracker.service',
        SYSLOG_IDENTIFIER: 'tracker-miner',
        // journalctl --user-unit also matches the user's id.
        _UID: String(process.getuid?.()),
      },
      entry(600, 3, 'cups.service', 'cups: printer FAILED to answer'),
    ]);
    await appendToJournal(second, [
      entry(1, 4, 'disk.service', 'second journal, early'),
      entry(700, 4, 'disk.service', 'second journal, late'),
    ]);
  });

  afterAll(() => temp.remove());

  it('returns every line oldest first, with its time, priority, unit and identifier', async () => {
    const lines = await search({});
    expect(messages(lines)).toEqual([
      'Failed to set mode: Blocked through rfkill',
      'dhcp4 lease renewed',
      'hci0: firmware (v2.1) missing',
      'tracker crashed',
      'cups: printer FAILED to answer',
    ]);
    expect(lines[0]).toEqual({
      time: new Date((start + 0) * 1000),
      priority: 3,
      unit: 'bluetooth.service',
      identifier: 'bluetoothd',
      message: 'Failed to set mode: Blocked through rfkill',
    });
    expect(lines[3]).toEqual(jasmine.objectContaining({ unit: 'tracker.service', identifier: 'tracker-miner' }));
  });

  it('keeps lines of the given priority and more important ones', async () => {
    expect(messages(await search({ priority: 3 }))).toEqual([
      'Failed to set mode: Blocked through rfkill',
      'tracker crashed',
      'cups: printer FAILED to answer',
    ]);
  });

  it('keeps lines within the time range, both ends included', async () => {
    const lines = await search({ since: new Date((start + 1) * 1000), until: new Date((start + 3) * 1000) });
    expect(messages(lines)).toEqual(['dhcp4 lease renewed', 'hci0: firmware (v2.1) missing', 'tracker crashed']);
  });

  it("keeps a system unit's lines, or a user unit's", async () => {
    expect(messages(await search({ unit: 'bluetooth.service', scope: 'system' }))).toEqual([
      'Failed to set mode: Blocked through rfkill',
      'hci0: firmware (v2.1) missing',
    ]);
    expect(messages(await search({ unit: 'tracker.service', scope: 'user' }))).toEqual(['tracker crashed']);
  });

  it('matches text in any case and literally, not as a pattern', async () => {
    expect(messages(await search({ text: 'failed' }))).toEqual([
      'Failed to set mode: Blocked through rfkill',
      'cups: printer FAILED to answer',
    ]);
    expect(messages(await search({ text: '(v2.1)' }))).toEqual(['hci0: firmware (v2.1) missing']);
    expect(await search({ text: 'v2.1.' })).toEqual([]);
  });

  it('returns the newest matching lines, oldest first, even when newer lines do not match', async () => {
    expect(messages(await search({ limit: 2 }))).toEqual(['tracker crashed', 'cups: printer FAILED to answer']);
    expect(messages(await search({ limit: 1, text: 'rfkill' }))).toEqual([
      'Failed to set mode: Blocked through rfkill',
    ]);
  });

  it('merges several journal directories by time and keeps the newest', async () => {
    const lines = await search({ limit: 3 }, source(first, second));
    expect(messages(lines)).toEqual(['tracker crashed', 'cups: printer FAILED to answer', 'second journal, late']);
    expect(messages(await search({ unit: 'disk.service' }, source(first, second)))).toEqual([
      'second journal, early',
      'second journal, late',
    ]);
  });

  it('answers from the journals it can read and fails with a plain message when it can read none', async () => {
    const missing = join(temp.path, 'missing');
    expect((await search({}, source(missing, second))).length).toBe(2);
    await expectAsync(search({}, source(missing))).toBeRejectedWithError(/journalctl failed: .*No such file/);
  });

  it('finds no lines in a directory without journal files', async () => {
    const empty = join(temp.path, 'empty');
    await mkdir(empty);
    expect(await search({}, source(empty))).toEqual([]);
  });
});

describe('the assistant asking PackageKit', () => {
  let packageKit: PackageKit;

  beforeAll(async () => {
    packageKit = await startPackageKit();
  });

  afterAll(() => packageKit.stop());

  // The dummy backend answers every name search with the same few packages.
  it('finds packages by name, with their versions, summaries and whether they are installed', async () => {
    const found = await searchPackages(packageKit.client, 'scribus', 10);
    // The summary is the Package signal's, as the backend words it (the dummy's is mock-translated).
    expect(found).toContain({
      name: 'evince',
      version: '0.9.3-5.fc8',
      arch: 'i386',
      summary: 'PDF Dokument Ƥrŏgrȃɱ',
      installed: true,
    });
    expect(found).toContain({
      name: 'scribus',
      version: '1.3.4-1.fc8',
      arch: 'i386',
      summary: 'Scribus is an desktop open source page layout program',
      installed: false,
    });
  });

  it('keeps to the limit', async () => {
    expect((await searchPackages(packageKit.client, 'glib', 1)).length).toBe(1);
  });

  it('tells an installed package from an available one', async () => {
    expect(await packageStatus(packageKit.client, 'glib2')).toEqual(
      jasmine.objectContaining({ name: 'glib2', installed: true }),
    );
    expect(await packageStatus(packageKit.client, 'foobar')).toEqual(
      jasmine.objectContaining({ name: 'foobar', installed: false }),
    );
  });

  it('says PackageKit is not available without a system bus or without PackageKit on it', async () => {
    await expectAsync(searchPackages(null, 'glib', 5)).toBeRejectedWithError(
      'PackageKit is not available on this computer',
    );
    const empty = await startPrivateBus({ system: true });
    try {
      await expectAsync(packageStatus(await empty.connect(), 'glib2')).toBeRejectedWithError(
        'PackageKit is not available on this computer',
      );
    } finally {
      await empty.stop();
    }
  });
});

describe('the assistant reading a file', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  const file = async (name: string, content: string | Buffer) => {
    const path = join(temp.path, name);
    await writeFile(path, content);
    return path;
  };

  it('reads a small text file whole', async () => {
    const path = await file('settings.ini', '[main]\nname=value\n');
    expect(await readFileBounded(path, 8192)).toEqual({
      path,
      text: '[main]\nname=value\n',
      sizeBytes: 18,
      truncated: false,
    });
  });

  it('reads at most the bytes asked for', async () => {
    const path = await file('big.log', 'x'.repeat(10_000));
    const read = await readFileBounded(path, 256);
    expect(read.text).toBe('x'.repeat(256));
    expect(read.sizeBytes).toBe(10_000);
    expect(read.truncated).toBeTrue();
  });

  it('cleans terminal escapes and controls from each line and keeps the lines', async () => {
    const path = await file('app.log', 'one \u001b[31mred\u001b[0m\r\ntwo\u0007\u202e bell\n');
    expect((await readFileBounded(path, 8192)).text).toBe('one red \ntwo bell\n');
  });

  it('replaces invalid UTF-8', async () => {
    const path = await file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await readFileBounded(path, 8192)).text).toBe('caf\ufffd\n');
  });

  it('refuses binary files, directories and symlinks', async () => {
    const binary = await file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    await expectAsync(readFileBounded(binary, 8192)).toBeRejectedWithError(/is a binary file/);
    await expectAsync(readFileBounded(temp.path, 8192)).toBeRejectedWithError(/is not a regular file/);
    const link = join(temp.path, 'link');
    await symlink(await file('target.txt', 'text'), link);
    await expectAsync(readFileBounded(link, 8192)).toBeRejectedWithError(/is not a regular file/);
  });
});

describe("the assistant reading Steward's records", () => {
  let temp: TempDir;
  let findings: FindingsStore;
  let fixes: FixesStore;

  const restart: ProposedAction = {
    name: 'systemd.restart_unit',
    params: { unit: 'backup.service', scope: 'user' },
    title: 'Restart a service',
    risk: 'low',
    needsAuthorization: false,
    readOnly: false,
    preview: { summary: 'Restart backup.service', details: [], changesNothing: false },
    policy: 'ask',
  };

  beforeEach(async () => {
    temp = await makeTempDir();
    findings = new FindingsStore(join(temp.path, 'findings.db'));
    fixes = new FixesStore(join(temp.path, 'fixes.db'));
  });

  afterEach(async () => {
    findings.close();
    fixes.close();
    await temp.remove();
  });

  it('lists active findings, and resolved ones on request', () => {
    const at = new Date('2026-11-21T10:00:00Z');
    const report = (subject: string) =>
      findings.report({
        kind: 'unit-failed',
        severity: 'error',
        subject,
        title: `${subject} failed`,
        evidence: [],
        at,
      });
    const backup = report('backup.service').finding;
    report('backup.service');
    report('web.service');
    findings.resolve({ kind: 'unit-failed', subject: 'web.service', at });

    expect(findingSummaries(findings, false)).toEqual([
      {
        id: backup.id,
        kind: 'unit-failed',
        subject: 'backup.service',
        severity: 'error',
        title: 'backup.service failed',
        state: 'active',
        count: 2,
        lastSeen: at,
        explanation: null,
      },
    ]);
    expect(
      findingSummaries(findings, true)
        .map((finding) => finding.subject)
        .sort(),
    ).toEqual(['backup.service', 'web.service']);
  });

  it('lists open proposals with their actions, and closed ones on request', () => {
    const propose = (subject: string, findingId: number | null) =>
      fixes.addProposal({
        findingId,
        kind: 'unit-failed',
        subject,
        title: `Restart ${subject}`,
        explanation: '',
        actions: [restart],
        trust: { origin: 'playbook', vouchedBy: 'steward', reportedBy: 'Steward', explanationBy: 'steward' },
      });
    const open = propose('backup.service', 7);
    fixes.setProposalState(propose('web.service', null).id, 'fixed');

    expect(proposalSummaries(fixes, false)).toEqual([
      {
        id: open.id,
        title: 'Restart backup.service',
        state: 'open',
        findingId: 7,
        actions: [{ name: 'systemd.restart_unit', risk: 'low', summary: 'Restart backup.service' }],
      },
    ]);
    expect(proposalSummaries(fixes, true).map((proposal) => proposal.state)).toEqual(['fixed', 'open']);
  });

  it('lists the latest audit records, newest first', () => {
    const record = (event: string, result: string) =>
      fixes.audit({
        event,
        proposalId: 3,
        jobId: null,
        action: 'systemd.restart_unit',
        params: null,
        caller: 'test',
        result,
      });
    record('proposed', 'open');
    record('applied', 'running');
    const last = record('finished', 'fixed');

    expect(auditSummaries(fixes, 2)).toEqual([
      { at: last.at, event: 'finished', proposalId: 3, jobId: null, action: 'systemd.restart_unit', result: 'fixed' },
      jasmine.objectContaining({ event: 'applied', result: 'running' }),
    ]);
  });
});
