// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { errorOf } from '../support/errors.js';
import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  homeEnv,
  OBJECT_PATH,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const ERROR = 'io.github.steward.Steward1.Error';
const run = promisify(execFile);

const healthy: ExportEntry = {
  MESSAGE: 'Started session-1.scope - Session 1 of User alice.',
  PRIORITY: '6',
  SYSLOG_IDENTIFIER: 'systemd',
  _SYSTEMD_UNIT: 'init.scope',
  _TRANSPORT: 'journal',
};

describe('findings from a followed journal, on the bus', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let journal: string;
  let service: RunningService;
  let client: MessageBus;
  let env: NodeJS.ProcessEnv;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: FINDINGS, member, signature, body });
  const list = async (filter: Record<string, Variant> = {}) => {
    const [findings] = await call('List', 'a{sv}', [filter]);
    return (findings as Record<string, Variant>[]).map((finding) =>
      Object.fromEntries(Object.entries(finding).map(([key, value]) => [key, value.value])),
    );
  };
  const countOf = async (subject: string) =>
    Number((await list({ state: new Variant('s', 'all') })).find((f) => f.subject === subject)?.count ?? 0);
  const start = async () => {
    service = spawnService(bus.address, env);
    await waitUntilReady(client, service);
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    journal = join(home.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [healthy]);
    await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
    await writeFile(
      join(home.path, 'config', 'steward', 'config.json'),
      JSON.stringify({
        watch: {
          journal: { system: false, user: false, directories: [journal] },
          disks: { mounts: [] },
          files: { watchDefaults: false },
        },
      }),
    );
    env = { ...homeEnv(home.path), XDG_DATA_HOME: join(home.path, 'data'), OLLAMA_MODELS: join(home.path, 'none') };
    await start();
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('announces a unit failure appended while it follows, and gdbus sees the signal', async () => {
    const monitor = spawn('gdbus', ['monitor', '--session', '--dest', BUS_NAME, '--object-path', OBJECT_PATH], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    });
    const lines: string[] = [];
    createInterface({ input: monitor.stdout }).on('line', (line) => lines.push(line));
    await waitFor(() => lines.some((line) => line.startsWith('Monitoring signals')), 'gdbus monitor');
    await appendToJournal(journal, [
      // A unit no desktop component owns (a component's own unit failing is its kind's finding, componentUnits.ts).
      {
        MESSAGE: 'src/main.c:main() Unable to get on D-Bus',
        PRIORITY: '3',
        SYSLOG_IDENTIFIER: 'backupd',
        _SYSTEMD_UNIT: 'backup.service',
        _TRANSPORT: 'stdout',
      },
      unitFailure('backup.service'),
    ]);
    await waitFor(
      () => lines.some((line) => line.includes(`${FINDINGS}.FindingAdded`) && line.includes('backup.service')),
      'FindingAdded in gdbus monitor',
    );
    monitor.kill();

    const [finding] = (await list()).filter((f) => f.subject === 'backup.service');
    expect(finding).toEqual(
      jasmine.objectContaining({ kind: 'unit-failed', severity: 'error', state: 'active', count: 1, ignored: false }),
    );
    const [full] = await call('Get', 's', [finding!.id]);
    const evidence = (full as Record<string, Variant>).evidence!.value as Record<string, Variant>[];
    expect(evidence[0]?.text?.value).toBe("backup.service: Failed with result 'exit-code'.");
    expect(evidence[0]?.cursor?.value).toMatch(/^s=/);
    expect(evidence[1]?.text?.value).toBe('src/main.c:main() Unable to get on D-Bus');

    const { stdout } = await run(process.execPath, [CLI_SCRIPT, 'findings'], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    });
    expect(stdout).toContain('backup.service');
    const core = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: ['io.github.steward.Steward1', 'State'],
    });
    expect((core[0] as Variant).value).toBe('attention');
  });

  it('says why a finding has no proposal, on the bus and in findings show, once the proposer has decided', async () => {
    // A program's error repeated, in words no detector knows: shown, with no fix to propose and no model to ask.
    await appendToJournal(
      journal,
      [0, 1, 2, 3, 4].map((card) => ({
        MESSAGE: `spa.alsa: hw:${card},0: snd_pcm_avail after recover: Broken pipe`,
        PRIORITY: '3',
        SYSLOG_IDENTIFIER: 'wireplumber',
        _COMM: 'wireplumber',
        _PID: '4242',
        _UID: '1000',
        _TRANSPORT: 'journal',
      })),
    );
    await waitFor(async () => (await list()).some((f) => f.kind === 'unrecognised-errors'), 'the finding');
    const finding = (await list()).find((f) => f.kind === 'unrecognised-errors')!;
    const reasonNow = async () => {
      const [full] = await call('Get', 's', [finding.id]);
      return (full as Record<string, Variant>)['no-proposal-reason']?.value as string | undefined;
    };
    // Until the proposer has considered it, the reason says so, never a guess at what it will decide.
    await waitFor(async () => (await reasonNow()) !== 'Steward is still working out a fix', 'the proposer’s decision');
    const reason = await reasonNow();
    expect(reason).toBe('Steward has no fix for this kind of problem; it is shown so that you know');
    const { stdout } = await run(process.execPath, [CLI_SCRIPT, 'findings', 'show', String(finding.id)], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    });
    expect(stdout).toContain(`No fix proposed: ${String(reason)}.`);
  });

  it('proposes only steps that look for what a program alone reported', async () => {
    // Only the program's own line says the disk is full: what fills it may be shown, nothing may be changed.
    await appendToJournal(journal, [
      {
        MESSAGE: 'rsync: [receiver] write failed on "/backup/photos/img_0001.jpg": No space left on device (28)',
        PRIORITY: '3',
        SYSLOG_IDENTIFIER: 'rsync',
        _COMM: 'rsync',
        _PID: '4242',
        _UID: '1000',
        _TRANSPORT: 'stdout',
      },
    ]);
    await waitFor(async () => (await list()).some((f) => f.kind === 'no-space'), 'the no-space finding');
    const finding = (await list()).find((f) => f.kind === 'no-space')!;
    const shown = async () =>
      (
        await run(process.execPath, [CLI_SCRIPT, 'findings', 'show', String(finding.id)], {
          env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
        })
      ).stdout;
    await waitFor(async () => (await shown()).includes('Proposal '), 'the proposal in findings show');
    const [full] = await call('Get', 's', [finding.id]);
    expect((full as Record<string, Variant>)['no-proposal-reason']).toBeUndefined();
    const stdout = await shown();
    expect(stdout).toContain('info.disk_usage');
    for (const change of ['files.clear_cache', 'files.empty_trash', 'journal.vacuum'])
      expect(stdout).not.toContain(change);
  });

  it('prints each step of its proposal in findings show, with what a read-only step shows', async () => {
    // systemd-resolved's own line, by its trusted fields: it downgraded a server that garbled its answers.
    await appendToJournal(journal, [
      {
        MESSAGE: 'Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 192.0.2.53.',
        PRIORITY: '6',
        SYSLOG_IDENTIFIER: 'systemd-resolved',
        _COMM: 'systemd-resolve',
        _EXE: '/usr/lib/systemd/systemd-resolved',
        _SYSTEMD_UNIT: 'systemd-resolved.service',
        _PID: '812',
        _UID: '991',
        _TRANSPORT: 'journal',
      },
    ]);
    await waitFor(async () => (await list()).some((f) => f.kind === 'dns-failure'), 'the dns-failure finding');
    const finding = (await list()).find((f) => f.kind === 'dns-failure')!;
    const shown = async () =>
      (
        await run(process.execPath, [CLI_SCRIPT, 'findings', 'show', String(finding.id)], {
          env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
        })
      ).stdout;
    await waitFor(async () => (await shown()).includes('Proposal '), 'the proposal in findings show');
    const stdout = await shown();
    expect(stdout).toContain('info.dns_servers: Show the DNS servers and which one is in use');
    // No resolved on this test's buses: the step shows what /etc/resolv.conf names instead.
    expect(stdout).toContain('systemd-resolved is not running: programs read the DNS servers from /etc/resolv.conf');
  });

  it('turns a flood of the same failure into one finding with a count', async () => {
    await appendToJournal(
      journal,
      Array.from({ length: 2000 }, () => unitFailure('flood.service')),
    );
    await waitFor(async () => (await countOf('flood.service')) === 2000, 'the flood to be counted');
    expect((await list()).filter((f) => f.subject === 'flood.service').length).toBe(1);
  });

  it('loses and repeats nothing across kill -9 and a restart, resuming at its cursor', async () => {
    await appendToJournal(journal, [unitFailure('crashy.service')]);
    await waitFor(async () => (await countOf('crashy.service')) === 1, 'the first failure');
    const earlier = await list({ state: new Variant('s', 'all') });
    await service.stop('SIGKILL');
    // More than the 10 entries journalctl shows by default when it follows.
    await appendToJournal(
      journal,
      Array.from({ length: 12 }, () => unitFailure('crashy.service')),
    );
    await start();
    await waitFor(async () => (await countOf('crashy.service')) === 13, 'the failures made while it was down');
    await appendToJournal(journal, [healthy]);
    // Nothing further may arrive: a repeat would push the count past 13.
    await appendToJournal(journal, [unitFailure('marker.service')]);
    await waitFor(async () => (await countOf('marker.service')) === 1, 'a later entry');
    expect(await countOf('crashy.service')).toBe(13);
    // Entries from before the crash were not read twice.
    for (const finding of earlier.filter((f) => f.subject !== 'crashy.service')) {
      expect(await countOf(String(finding.subject)))
        .withContext(String(finding.subject))
        .toBe(Number(finding.count));
    }
  });

  it('ignores and unignores, and answers bad arguments with named errors', async () => {
    await appendToJournal(journal, [unitFailure('noisy.service')]);
    await waitFor(async () => (await countOf('noisy.service')) === 1, 'the failure to ignore');
    await call('Ignore', 'sss', ['unit-failed', 'noisy.service', 'always']);
    expect((await list()).some((f) => f.subject === 'noisy.service')).toBeFalse();
    expect(
      (await list({ 'include-ignored': new Variant('b', true) })).some((f) => f.subject === 'noisy.service'),
    ).toBeTrue();
    const [rules] = await call('ListIgnoreRules');
    expect((rules as Record<string, Variant>[]).map((r) => r.subject?.value)).toEqual(['noisy.service']);
    await call('Unignore', 'ss', ['unit-failed', 'noisy.service']);
    expect((await list()).some((f) => f.subject === 'noisy.service')).toBeTrue();

    const cases: [string, string, unknown[], string, RegExp][] = [
      ['Get', 's', ['abc'], 'InvalidArgs', /id/],
      ['Get', 's', ['999999'], 'NotFound', /999999/],
      ['List', 'a{sv}', [{ state: new Variant('s', 'sleeping') }], 'InvalidArgs', /state/],
      ['List', 'a{sv}', [{ colour: new Variant('s', 'red') }], 'InvalidArgs', /colour/],
      ['Ignore', 'sss', ['Unit Failed', '', 'always'], 'InvalidArgs', /kind/],
      ['Ignore', 'sss', ['unit-failed', '', 'sometimes'], 'InvalidArgs', /mode/],
      [
        'Ignore',
        'sss',
        ['unit-faild', '', 'always'],
        'InvalidArgs',
        /no finding of the kind “unit-faild”.*unit-failed/,
      ],
      ['Unignore', 'ss', ['unit-failed', 'never-ignored.service'], 'NotFound', /no rule/],
    ];
    for (const [member, signature, body, name, pattern] of cases) {
      const error = await errorOf(call(member, signature, body));
      expect(error.type).withContext(member).toBe(`${ERROR}.${name}`);
      expect(error.text).withContext(member).toMatch(pattern);
    }
  });
});
