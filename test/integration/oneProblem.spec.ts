// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One problem, one proposal (issue 61): findings that share a subject, a file, a mount or a unit have one proposal
// between them, however far apart they come; a proposal about a unit or a file that is gone is withdrawn. The
// proposer with its playbooks, the findings store, and python3-dbusmock's systemd as the user's manager.
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { OBJECT_PATH, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { Evidence, FindingReport } from '../../service/src/findings/types.js';
import type { Fixes } from '../../service/src/fixes/fixes.js';
import { createLogger } from '../../service/src/logging.js';
import { appendToJournal } from '../support/journal.js';
import { playbookFixes } from '../support/playbookFixes.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import {
  addProperties,
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

const GRACE_MS = 1_000;
const HOUR_MS = 60 * 60_000;

describe('one problem, one proposal', () => {
  let dir: TempDir;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let client: MessageBus;
  let systemd: ChildProcess;
  let findings: FindingsStore;
  let fixes: Fixes;
  let home: string;
  /** ProposalRemoved, as a client hears it. */
  let removed: string[];
  /** ProposalAdded and ProposalRemoved in the order a client hears them. */
  let heard: [string, string][];

  beforeEach(async () => {
    dir = await makeTempDir();
    home = join(dir.path, 'home');
    await mkdir(join(home, '.config', 'systemd', 'user'), { recursive: true });
    await mkdir(join(dir.path, 'state'));
    bus = await startPrivateBus();
    client = await bus.connect();
    systemd = await startMockSystemd(bus, client);
    for (const unit of ['gym-reader.service', 'gym-recorder.service']) await addService(client, unit);
    serviceBus = await bus.connect();
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    const log = createLogger({ write: () => undefined });
    fixes = playbookFixes(serviceBus, findings, home, join(dir.path, 'state'), log, GRACE_MS);
    removed = [];
    heard = [];
    const router = new SignalRouter(client);
    await router.subscribe({ path: OBJECT_PATH, interface: PROPOSALS_INTERFACE, member: 'ProposalRemoved' }, ([id]) => {
      removed.push(String(id));
      heard.push(['removed', String(id)]);
    });
    await router.subscribe(
      { path: OBJECT_PATH, interface: PROPOSALS_INTERFACE, member: 'ProposalAdded' },
      ([proposal]) => heard.push(['added', String((proposal as Record<string, Variant>).id?.value)]),
    );
  });

  afterEach(async () => {
    await fixes.stop();
    findings.close();
    serviceBus.disconnect();
    client.disconnect();
    await stopMockSystemd(systemd);
    await bus.stop();
    await dir.remove();
  });

  const line = (text: string, more: Partial<Evidence> = {}, at = new Date()): Evidence => ({
    kind: 'journal',
    text,
    cursor: `s=${Math.random()}`,
    at,
    ...more,
  });
  const unitFailed = (unit: string, at = new Date()): FindingReport => ({
    kind: 'unit-failed',
    subject: unit,
    severity: 'error',
    title: `${unit} failed (exit code 1)`,
    at,
    evidence: [line(`${unit}: Failed with result 'exit-code'.`, { unit }, at)],
    attribution: { vouchedBy: 'user-manager', reportedBy: 'your systemd' },
  });
  /** Reports `report`, has it considered, and waits until the proposer is done with it. */
  const raise = async (report: FindingReport) => {
    const change = findings.report(report);
    fixes.considerFindings([change]);
    await fixes.proposalsSettled();
    return change.finding;
  };
  const waiting = () => fixes.store.proposals(['open', 'not-fixed']);
  /** Gives a failed service the properties systemd's record of it is read from (UnitManager.record). */
  const addRecord = (unit: string, fragment: string) =>
    addProperties(client, unit, UNIT, {
      SubState: new Variant('s', 'failed'),
      FragmentPath: new Variant('s', fragment),
      InvocationID: new Variant('ay', Buffer.alloc(16)),
      Requires: new Variant('as', []),
      BindsTo: new Variant('as', []),
      Requisite: new Variant('as', []),
    });
  /** A transient unit whose ExecStart runs dpkg, killed: its failure, as systemd's D-Bus state shows it first. */
  const failedDpkgUnit = async (unit: string) => {
    await addService(client, unit);
    await addRecord(unit, `/run/systemd/transient/${unit}`);
    await addProperties(client, unit, SERVICE, {
      ExecStart: new Variant('a(sasbttttuii)', [
        ['/usr/bin/dpkg', ['dpkg', '--install', `/srv/${unit}.deb`], false, 0n, 0n, 0n, 0n, 0, 0, 0],
      ]),
    });
    await fail(client, unit, { signal: 9 });
    return raise(unitFailed(unit));
  };
  /** dpkg's unfinished run, as Steward's reading of its database tells it (no program's word: no attribution). */
  const dpkgUnfinished = (): FindingReport => ({
    kind: 'no-space',
    subject: 'dpkg',
    severity: 'error',
    title: 'dpkg could not finish: no space left',
    at: new Date(),
    evidence: [{ kind: 'text', text: '/var/lib/dpkg/updates holds 1 change dpkg did not finish', at: new Date() }],
  });
  /** A user unit's drop-in with a line systemd refuses, which Steward may show (the user's manager's own files). */
  const refusedDropIn = async () => {
    const config = join(home, '.config', 'systemd', 'user', 'gym-reader.service.d', 'colour.conf');
    await mkdir(join(config, '..'));
    await writeFile(config, '[Service]\nColour=blue\n');
    return config;
  };
  /** The user's manager refusing line 2 of `config`, gym-reader.service's drop-in. */
  const configError = (config: string): FindingReport => ({
    kind: 'config-error',
    subject: config,
    severity: 'error',
    title: `Error in ${config}, line 2`,
    at: new Date(),
    evidence: [
      line(`${config}:2: Unknown key name 'Colour' in section 'Service', ignoring.`, {
        path: config,
        line: 2,
        unit: 'gym-reader.service',
      }),
    ],
    attribution: { vouchedBy: 'user-manager', reportedBy: 'your systemd' },
  });

  it('gives a configuration error and the unit that refused it, hours apart, one proposal: the error’s', async () => {
    const config = await refusedDropIn();
    await fail(client, 'gym-reader.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-reader.service', new Date(Date.now() - 2 * HOUR_MS)));
    expect(waiting().map((p) => p.subject)).toEqual(['gym-reader.service']);
    const error = await raise(configError(config));
    // The error says more of why than the failure: its proposal takes the unit's place, never beside it.
    expect(waiting().map((p) => p.findingId)).toEqual([error.id]);
    expect(fixes.store.proposalForFinding(unit.id)?.state).toBe('resolved');
    expect(fixes.whyNoProposal(findings.get(unit.id)!)).toContain(fixes.store.proposalForFinding(error.id)!.title);
    await waitFor(() => removed.length > 0, 'ProposalRemoved as a client hears it');
    expect(removed).toEqual([String(fixes.store.proposalForFinding(unit.id)!.id)]);
  });

  it('never has two proposals wait at once for two findings of one problem drafted side by side', async () => {
    const config = await refusedDropIn();
    await fail(client, 'gym-reader.service', { result: 'watchdog' });
    // The failure first, the error a moment later: both are drafted before either has its proposal.
    const unit = findings.report(unitFailed('gym-reader.service'));
    const error = findings.report(configError(config));
    fixes.considerFindings([unit, error]);
    await fixes.proposalsSettled();
    expect(waiting().map((p) => p.findingId)).toEqual([error.finding.id]);
    await waitFor(() => heard.some(([what]) => what === 'added'), 'the proposal as a client hears it');
    let most = 0;
    const now = new Set<string>();
    for (const [what, id] of heard) {
      if (what === 'added') now.add(id);
      else now.delete(id);
      most = Math.max(most, now.size);
    }
    expect(most).withContext(JSON.stringify(heard)).toBe(1);
  });

  it('gives the configuration error the proposal while the unit that refused it is between two starts', async () => {
    const config = await refusedDropIn();
    await fail(client, 'gym-reader.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-reader.service'));
    // Restart=always: the unit starts again, its failure resolves for a moment, and its proposal waits out the grace.
    fixes.considerFindings([findings.resolve({ kind: 'unit-failed', subject: 'gym-reader.service', at: new Date() })!]);
    await fixes.proposalsSettled();
    expect(waiting().map((p) => p.findingId)).toEqual([unit.id]);
    const error = await raise(configError(config));
    expect(waiting().map((p) => p.findingId)).toEqual([error.id]);
    expect(fixes.store.proposalForFinding(unit.id)?.state).toBe('resolved');
  });

  /** A full /srv/spool, as a program run by `unit` said it. */
  const noSpace = (unit = 'gym-recorder.service'): FindingReport => ({
    kind: 'no-space',
    subject: '/srv/spool',
    severity: 'error',
    title: 'No space left on /srv/spool',
    at: new Date(),
    evidence: [line('write /srv/spool/capture: No space left on device', { path: '/srv/spool/capture', unit })],
    attribution: { vouchedBy: null, reportedBy: `sh (uid 0, ${unit})` },
  });

  it('gives a full file system and the unit that could not write to it one proposal, the full disk first', async () => {
    const full = await raise(noSpace());
    await fail(client, 'gym-recorder.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-recorder.service'));
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    expect(fixes.store.proposalForFinding(unit.id)).toBeNull();
  });

  it('gives the full file system the proposal where the unit’s failure came first', async () => {
    await fail(client, 'gym-recorder.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-recorder.service'));
    const full = await raise(noSpace());
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    expect(fixes.store.proposalForFinding(unit.id)?.state).toBe('resolved');
  });

  it('gives one proposal to a finding that comes back with the line of a unit whose failure had its own', async () => {
    const full = await raise(noSpace('gym-reader.service'));
    await fail(client, 'gym-recorder.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-recorder.service'));
    // Nothing links the two yet (systemd tells of a failure before its lines are read): each has its own.
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([full.id, unit.id]));
    // The recorder's line, read a moment later, makes the full spool its cause: one problem, the full disk's.
    await raise(noSpace('gym-recorder.service'));
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    expect(fixes.store.proposalForFinding(unit.id)?.state).toBe('resolved');
    expect(fixes.whyNoProposal(findings.get(unit.id)!)).toContain(fixes.store.proposalForFinding(full.id)!.title);
    await waitFor(() => removed.length > 0, 'ProposalRemoved as a client hears it');
    expect(removed).toEqual([String(fixes.store.proposalForFinding(unit.id)!.id)]);
  });

  /** Whether two proposals ever waited at once, as a client heard them. */
  const mostAtOnce = () => {
    let most = 0;
    const now = new Set<string>();
    for (const [what, id] of heard) {
      if (what === 'added') now.add(id);
      else now.delete(id);
      most = Math.max(most, now.size);
    }
    return most;
  };

  it('gives a finding another’s proposal stood for its own once it comes again in a run nothing ties to that', async () => {
    const full = await raise(noSpace());
    const headLine = (at: Date): FindingReport => ({
      kind: 'no-space',
      subject: 'head',
      severity: 'error',
      title: 'head ran out of disk space',
      at,
      evidence: [
        line("head: error writing 'standard output': No space left on device", { unit: 'gym-recorder.service' }, at),
      ],
      attribution: { vouchedBy: null, reportedBy: 'head (uid 0, gym-recorder.service)' },
    });
    // The same unit's same error in the same run, without where: one problem, the spool's.
    const head = await raise(headLine(new Date()));
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    // An hour on, the unit's next run says it again: nothing ties that run to the spool.
    await raise(headLine(new Date(Date.now() + HOUR_MS)));
    await waitFor(() => waiting().some((p) => p.findingId === head.id), 'a proposal of its own');
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([full.id, head.id]));
  });

  it('gives a unit’s full file system and its line that did not say where one proposal, the file system’s', async () => {
    // A file system of its own (root mounts a tmpfs), so that its fix is not the one for /.
    if (process.getuid?.() !== 0) throw new Error('this spec mounts a tmpfs: run it as root');
    const spool = join(dir.path, 'spool');
    await mkdir(spool);
    await promisify(execFile)('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', spool]);
    try {
      await mkdir(join(spool, 'capture'));
      await writeFile(join(spool, 'capture', 'part1'), Buffer.alloc(512 * 1024));
      // "head: error writing 'standard output': No space left on device", then the same run's line with the path.
      const program = await raise({
        kind: 'no-space',
        subject: 'head',
        severity: 'error',
        title: 'head ran out of disk space',
        at: new Date(),
        evidence: [
          line("head: error writing 'standard output': No space left on device", { unit: 'gym-recorder.service' }),
        ],
        attribution: { vouchedBy: null, reportedBy: 'head (uid 0, gym-recorder.service)' },
      });
      expect(waiting().map((p) => p.findingId)).toEqual([program.id]);
      const full = await raise({
        ...noSpace(),
        subject: spool,
        title: `No space left on ${spool}`,
        evidence: [
          line(`write ${spool}/capture/part2: No space left on device`, {
            path: `${spool}/capture/part2`,
            unit: 'gym-recorder.service',
          }),
        ],
      });
      // The one that names the mount says where: it takes the program's place, never beside it.
      expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
      const title = fixes.store.proposalForFinding(full.id)!.title;
      expect(fixes.whyNoProposal(findings.get(program.id)!)).toContain(title);
      await fail(client, 'gym-recorder.service', { result: 'watchdog' });
      await raise(unitFailed('gym-recorder.service'));
      expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
      await waitFor(() => removed.length > 0, 'ProposalRemoved as a client hears it');
      expect(mostAtOnce()).withContext(JSON.stringify(heard)).toBe(1);
    } finally {
      await promisify(execFile)('umount', ['--lazy', spool]);
    }
  });

  it('gives a unit that failed and a finding about the program its ExecStart runs one proposal, before its lines', async () => {
    // Killed half-way: systemd's record of the failure first, as its D-Bus state shows it before its lines.
    const unit = await failedDpkgUnit('gym-install.service');
    expect(waiting().map((p) => p.findingId)).toEqual([unit.id]);
    // Then a finding about dpkg that Steward's own reading vouches for (no program's word: no attribution).
    const program = await raise(dpkgUnfinished());
    expect(waiting().map((p) => p.findingId)).toEqual([program.id]);
    await waitFor(() => removed.length > 0, 'ProposalRemoved as a client hears it');
    expect(mostAtOnce()).withContext(JSON.stringify(heard)).toBe(1);
  });

  it('gives every waiting unit that ran a program one proposal once someone vouches for the program’s finding', async () => {
    const first = await failedDpkgUnit('gym-first.service');
    const second = await failedDpkgUnit('gym-second.service');
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([first.id, second.id]));
    const interrupted = dpkgUnfinished();
    // A program's word alone (apt saying so) ties no unit to the program.
    const claimed = await raise({ ...interrupted, attribution: { vouchedBy: null, reportedBy: 'apt-get' } });
    expect(waiting().map((p) => p.findingId)).toEqual(
      jasmine.arrayWithExactContents([first.id, second.id, claimed.id]),
    );
    // Steward's reading of dpkg's database vouches for it: both units' proposals give way to its own.
    await raise(interrupted);
    await waitFor(() => waiting().length === 1, 'one waiting proposal');
    expect(waiting().map((p) => p.findingId)).toEqual([claimed.id]);
  });

  it('takes the place of every waiting proposal of its problem at once, never beside one of them', async () => {
    // Two units' failures, two problems so far.
    const failed = async (unit: string) => {
      await addRecord(unit, `/etc/systemd/user/${unit}`);
      await fail(client, unit, { signal: 9 });
      return raise(unitFailed(unit));
    };
    const reader = await failed('gym-reader.service');
    const recorder = await failed('gym-recorder.service');
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([reader.id, recorder.id]));
    // One drop-in both units' manager refused, in one run of each: one problem, which its proposal stands for alone.
    const config = await refusedDropIn();
    const refused = configError(config);
    const both = await raise({
      ...refused,
      evidence: [...refused.evidence, { ...refused.evidence[0]!, cursor: 's=both', unit: 'gym-recorder.service' }],
    });
    expect(waiting().map((p) => p.findingId)).toEqual([both.id]);
    await waitFor(() => removed.length === 2, 'both ProposalRemoved as a client hears them');
    // Both withdrawn before it was added: never two of one problem at once.
    expect(heard.slice(-3).map(([what]) => what)).toEqual(['removed', 'removed', 'added']);
  });

  it('gives a lookup of a unit whose failure a full disk’s proposal stands for its own proposal: no chain', async () => {
    const full = await raise(noSpace());
    await fail(client, 'gym-recorder.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-recorder.service'));
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    // The same unit's failed lookup names neither the spool nor a line of the full disk's run: another cause.
    const lookup = await raise({
      kind: 'dns-failure',
      subject: 'uploads.example.org',
      severity: 'error',
      title: 'uploads.example.org could not be looked up',
      at: new Date(),
      evidence: [
        line('getaddrinfo uploads.example.org: Temporary failure in name resolution', {
          unit: 'gym-recorder.service',
        }),
      ],
    });
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([full.id, lookup.id]));
    expect(fixes.store.proposalForFinding(lookup.id)!.actions[0]?.name).toBe('info.dns_servers');
    expect(fixes.store.proposalForFinding(unit.id)).toBeNull();
  });

  /** resolved's word on DNS server `server`, `minutes` from now. */
  const degraded = (server: string, minutes: number): FindingReport => {
    const at = new Date(Date.now() + minutes * 60_000);
    return {
      kind: 'dns-failure',
      subject: server,
      severity: 'warning',
      title: `DNS server ${server} is not answering properly`,
      at,
      evidence: [
        line(`Using degraded feature set UDP instead of UDP+EDNS0 for DNS server ${server}.`, { unit: RESOLVED }, at),
      ],
      attribution: { vouchedBy: null, reportedBy: `systemd-resolved (uid 991, ${RESOLVED})` },
    };
  };
  const RESOLVED = 'systemd-resolved.service';

  it('keeps two failures that only talk to one shared daemon two problems, each with its own first step', async () => {
    const first = await raise(degraded('192.0.2.1', 0));
    expect(waiting().map((p) => p.findingId)).toEqual([first.id]);
    // The resolver's own failure is one problem with what it said (the finding's lines are its unit's).
    await addService(client, RESOLVED);
    await fail(client, RESOLVED, { result: 'watchdog' });
    const resolver = await raise(unitFailed(RESOLVED));
    expect(waiting().map((p) => p.findingId)).toEqual([first.id]);
    expect(fixes.store.proposalForFinding(resolver.id)).toBeNull();
    // Other servers resolved writes about, in the same run and an hour on, name systemd-resolved.service too, which
    // names no place of theirs: each is its own problem with its own first step, not one through the daemon.
    const soon = await raise(degraded('192.0.2.2', 1));
    const later = await raise(degraded('198.51.100.7', 60));
    expect(waiting().map((p) => p.findingId)).toEqual(jasmine.arrayWithExactContents([first.id, soon.id, later.id]));
    for (const own of [first, soon, later])
      expect(fixes.store.proposalForFinding(own.id)!.actions[0]?.name).toBe('info.dns_servers');
  });

  const REPORTER = 'gym-crash-report.service';
  /** Fixes that follow a journal of their own (crash reports are read from it), made anew; its directory. */
  const followCrashJournal = async () => {
    const journal = join(dir.path, 'journal');
    await fixes.stop();
    fixes = playbookFixes(
      serviceBus,
      findings,
      home,
      join(dir.path, 'state'),
      createLogger({ write: () => undefined }),
      GRACE_MS,
      undefined,
      [journal],
    );
    return journal;
  };
  /** systemd-coredump's records of `programs`' crashes, in a journal of their own as it writes them from REPORTER. */
  const crashRecords = async (programs: { comm: string; exe?: string }[]) => {
    const journal = join(dir.path, 'journal');
    await mkdir(journal, { recursive: true });
    await appendToJournal(
      journal,
      programs.map(({ comm, exe }) => ({
        MESSAGE: `Process 4242 (${comm}) of user 1000 terminated abnormally with signal 11/SEGV.`,
        MESSAGE_ID: '1f4e0a44a88649939aaea34fc6da8c95',
        SYSLOG_IDENTIFIER: 'systemd-coredump',
        _UID: '0',
        _COMM: 'systemd-coredum',
        _EXE: '/usr/lib/systemd/systemd-coredump',
        _SYSTEMD_UNIT: REPORTER,
        COREDUMP_PID: '4242',
        COREDUMP_COMM: comm,
        COREDUMP_SIGNAL_NAME: 'SIGSEGV',
        ...(exe && { COREDUMP_EXE: exe }),
      })),
    );
    const { stdout } = await promisify(execFile)('journalctl', [`--directory=${journal}`, '--output=json']);
    const cursors = stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => (JSON.parse(entry) as { __CURSOR: string }).__CURSOR);
    return programs.map(({ comm, exe }, index): FindingReport => ({
      kind: 'coredump',
      subject: exe ?? comm,
      severity: 'error',
      title: `${comm} crashed (SIGSEGV)`,
      at: new Date(),
      evidence: [
        line(`Process 4242 (${comm}) of user 1000 terminated abnormally with signal 11/SEGV.`, {
          cursor: cursors[index]!,
          journal,
          unit: REPORTER,
        }),
      ],
      attribution: {
        vouchedBy: null,
        reportedBy: `systemd-coredum (uid 0, /usr/lib/systemd/systemd-coredump, ${REPORTER})`,
      },
    }));
  };

  it('gives each program whose crash one reporter recorded its own proposal, with its file or without', async () => {
    // As the desktop gym's crashes come: one record names only the program's name, the next two its file, all
    // written by systemd-coredump from one unit within minutes. The reporter's unit is no program of theirs.
    await followCrashJournal();
    const records = await crashRecords([
      { comm: 'gjs-console' },
      { comm: 'dash', exe: '/usr/bin/dash' },
      { comm: 'gym-app', exe: '/usr/bin/gym-app' },
    ]);
    const crashes = [];
    for (const record of records) crashes.push(await raise(record));
    expect(waiting().map((p) => p.findingId))
      .withContext(crashes.map((own) => fixes.whyNoProposal(findings.get(own.id)!)).join(' | '))
      .toEqual(jasmine.arrayWithExactContents(crashes.map((own) => own.id)));
    for (const own of crashes) expect(fixes.store.proposalForFinding(own.id)!.actions[0]?.name).toBe('info.coredump');
  });

  it('gives a socket that failed because its service keeps failing and that service one proposal', async () => {
    await addService(client, 'gym-ask.service');
    await addProperties(client, 'gym-ask.service', UNIT, {
      UnitFileState: new Variant('s', 'static'),
      FragmentPath: new Variant('s', '/etc/systemd/user/gym-ask.service'),
    });
    await fail(client, 'gym-ask.service', { result: 'watchdog' });
    const service = await raise(unitFailed('gym-ask.service'));
    // systemd stops triggering the service and fails the socket ('service-start-limit-hit'): the socket starts the
    // service (Triggers), so its failure is the service's problem, not a second one.
    await mockCall(client, MANAGER_PATH, 'AddMockUnit', 's', ['gym-ask.socket']);
    await update(client, 'gym-ask.socket', UNIT, { ActiveState: new Variant('s', 'failed') });
    await addProperties(client, 'gym-ask.socket', UNIT, {
      SubState: new Variant('s', 'failed'),
      FragmentPath: new Variant('s', '/etc/systemd/user/gym-ask.socket'),
      InvocationID: new Variant('ay', Buffer.alloc(16)),
      Requires: new Variant('as', []),
      BindsTo: new Variant('as', []),
      Requisite: new Variant('as', []),
      Triggers: new Variant('as', ['gym-ask.service']),
    });
    const socket = await raise(unitFailed('gym-ask.socket'));
    expect(waiting().map((p) => p.findingId)).toEqual([service.id]);
    expect(fixes.whyNoProposal(findings.get(socket.id)!)).toContain(fixes.store.proposalForFinding(service.id)!.title);
  });

  it('gives the other finding its own proposal once the one that stood for both is withdrawn', async () => {
    const full = await raise({
      kind: 'inode-exhaustion',
      subject: '/srv/mail',
      severity: 'critical',
      title: '/srv/mail is running out of inodes (0 % free)',
      at: new Date(),
      evidence: [{ kind: 'metric', text: '0 of 200 inodes free', path: '/srv/mail', at: new Date() }],
    });
    const again = await raise({
      kind: 'no-space',
      subject: '/srv/mail',
      severity: 'error',
      title: 'No space left on /srv/mail',
      at: new Date(),
      evidence: [
        line('touch: cannot touch /srv/mail/new/msg200: No space left on device', { path: '/srv/mail/new/msg200' }),
      ],
      attribution: { vouchedBy: null, reportedBy: 'touch (uid 0)' },
    });
    expect(waiting().map((p) => p.findingId)).toEqual([full.id]);
    // The inodes are back; the other finding still stands, and is proposed on now.
    fixes.considerFindings([findings.resolve({ kind: 'inode-exhaustion', subject: '/srv/mail', at: new Date() })!]);
    await waitFor(() => waiting().some((p) => p.findingId === again.id), 'the proposal of the finding that stood');
    expect(waiting().map((p) => p.findingId)).toEqual([again.id]);
  });

  it('withdraws the proposal of a unit that is gone, once systemd says so', async () => {
    await fail(client, 'gym-reader.service', { result: 'watchdog' });
    const unit = await raise(unitFailed('gym-reader.service'));
    expect(fixes.store.proposalForFinding(unit.id)?.state).toBe('open');
    // Its file deleted and the manager reloaded: LoadUnit answers not-found, and systemd says it reloaded.
    await update(client, 'gym-reader.service', UNIT, { LoadState: new Variant('s', 'not-found') });
    await mockCall(client, MANAGER_PATH, 'EmitSignal', 'sssav', [
      'org.freedesktop.systemd1.Manager',
      'Reloading',
      'b',
      [new Variant('b', false)],
    ]);
    await waitFor(() => fixes.store.proposalForFinding(unit.id)?.state === 'resolved', 'the withdrawal');
  });

  /** A user unit whose line 3 its manager refuses, and that refusal. */
  const misspeltUnit = () => join(home, '.config', 'systemd', 'user', 'gym-reader.service');
  const MISSPELT = '[Service]\nExecStart=/usr/bin/true\nRestrat=always\n';
  const refusedLine = (config: string): FindingReport => ({
    kind: 'config-error',
    subject: config,
    severity: 'error',
    title: `Error in ${config}, line 3`,
    at: new Date(),
    evidence: [
      line(`${config}:3: Unknown key name 'Restrat' in section 'Service', ignoring.`, { path: config, line: 3 }),
    ],
    attribution: { vouchedBy: 'user-manager', reportedBy: 'your systemd' },
  });

  it('withdraws the proposal about a configuration file that was deleted', async () => {
    const config = misspeltUnit();
    await writeFile(config, MISSPELT);
    const error = await raise(refusedLine(config));
    expect(fixes.store.proposalForFinding(error.id)?.state).toBe('open');
    await rm(config);
    await waitFor(() => fixes.store.proposalForFinding(error.id)?.state === 'resolved', 'the withdrawal');
  });

  it('proposes again on a configuration error named again once its deleted file is back, not before', async () => {
    const config = misspeltUnit();
    await writeFile(config, MISSPELT);
    const error = await raise(refusedLine(config));
    const first = fixes.store.proposalForFinding(error.id)!;
    await rm(config);
    await waitFor(() => fixes.store.proposal(first.id)?.state === 'resolved', 'the withdrawal');

    await raise(refusedLine(config));
    expect(fixes.store.proposalForFinding(error.id)?.id).toBe(first.id);

    await writeFile(config, MISSPELT);
    await raise(refusedLine(config));
    const again = fixes.store.proposalForFinding(error.id)!;
    expect(again.id).not.toBe(first.id);
    expect(again.state).toBe('open');
    expect(again.actions[0]).toEqual(
      jasmine.objectContaining({ name: 'config.show_error', params: { path: config, line: 3 } }),
    );
  });

  it('gives the kernel’s line about a crash and systemd-coredump’s record of it one proposal: the record’s', async () => {
    const journal = await followCrashJournal();
    await mkdir(journal, { recursive: true });
    const segfault =
      'nemo[1183]: segfault at ff10030054 ip 00007fe5ddd9f21b sp 00007ffee7b27a10 error 4 in libgtk-3.so.0';
    const dumped = 'Process 1183 (nemo) of user 1000 dumped core.';
    await appendToJournal(journal, [
      { MESSAGE: segfault, _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', PRIORITY: '6' },
      {
        MESSAGE: dumped,
        MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
        SYSLOG_IDENTIFIER: 'systemd-coredump',
        _UID: '0',
        _COMM: 'systemd-coredum',
        _EXE: '/usr/lib/systemd/systemd-coredump',
        _SYSTEMD_UNIT: REPORTER,
        COREDUMP_PID: '1183',
        COREDUMP_COMM: 'nemo',
        COREDUMP_EXE: '/usr/bin/nemo',
        COREDUMP_SIGNAL_NAME: 'SIGSEGV',
      },
    ]);
    const { stdout } = await promisify(execFile)('journalctl', [`--directory=${journal}`, '--output=json']);
    const [kernelCursor, recordCursor] = stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => (JSON.parse(entry) as { __CURSOR: string }).__CURSOR);
    const recorder = {
      vouchedBy: null,
      reportedBy: `systemd-coredum (uid 0, /usr/lib/systemd/systemd-coredump, ${REPORTER})`,
    };
    const crashTitle = 'nemo crashed (segmentation fault in libgtk-3.so.0)';
    const crash = await raise({
      kind: 'crash',
      subject: 'nemo',
      severity: 'error',
      title: crashTitle,
      at: new Date(),
      evidence: [line(segfault, { cursor: kernelCursor!, journal })],
      attribution: { vouchedBy: 'kernel', reportedBy: 'the kernel' },
    });
    expect(waiting().map((p) => p.findingId))
      .withContext(String(fixes.whyNoProposal(findings.get(crash.id)!)))
      .toEqual([crash.id]);
    // Moments later systemd-coredump's record of PID 1183: the crash detector adds it to the crash, with the file.
    const record = line(dumped, { cursor: recordCursor!, journal, unit: REPORTER });
    const more = findings.report({
      kind: 'crash',
      subject: 'nemo',
      severity: 'error',
      title: crashTitle,
      at: new Date(),
      evidence: [{ ...record, path: '/usr/bin/nemo' }],
      attribution: recorder,
      sameOccurrence: true,
    });
    const core = findings.report({
      kind: 'coredump',
      subject: '/usr/bin/nemo',
      severity: 'error',
      title: 'nemo crashed (SIGSEGV)',
      at: new Date(),
      evidence: [record],
      attribution: recorder,
    });
    fixes.considerFindings([more, core]);
    await fixes.proposalsSettled();
    expect(waiting().map((p) => [p.findingId, p.actions[0]?.name]))
      .withContext(String(fixes.whyNoProposal(findings.get(core.finding.id)!)))
      .toEqual([[core.finding.id, 'info.coredump']]);
    expect(fixes.store.proposalForFinding(crash.id)?.state).toBe('resolved');
    expect(fixes.whyNoProposal(findings.get(crash.id)!)).toContain(
      fixes.store.proposalForFinding(core.finding.id)!.title,
    );
  });
});
