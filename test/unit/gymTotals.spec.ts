// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The day's accounting (test/gym/totals.ts): which findings are one problem, and which problems are beyond those the
// scenarios injected.
import type { Signal } from '../gym/agentClient.js';
import {
  type DayFinding,
  extraProblems,
  ownProgram,
  problemsOf,
  twoProposalsAtOnce,
  type Window,
} from '../gym/totals.js';

let ids = 0;
const finding = (kind: string, subject: string, raisedIn: string, places: string[] = []): DayFinding => ({
  id: String(++ids),
  kind,
  subject,
  raisedIn,
  raisedAt: ids,
  evidence: [],
  places,
  ownLine: false,
});
const window = (scenario: string, problems: number, expected: { kind: string; subject: string } | null): Window => ({
  scenario,
  problems,
  from: 0,
  to: 0,
  expected,
});
const subjects = (problems: DayFinding[][]) => problems.map((problem) => problem.map((f) => f.subject).sort());

describe('the day’s problems', () => {
  it('are findings that share a subject, a unit their lines came from, or a file on one mount', () => {
    const problems = problemsOf([
      finding('no-space', '/srv/spool', 'disk', ['/srv/spool/capture', 'rec.service']),
      finding('unit-failed', 'rec.service', 'disk'),
      finding('disk-critical', '/srv/spool', 'disk'),
      finding('config-error', '/etc/ssh/sshd_config', 'ssh', ['ssh.service']),
      finding('auth-failures', 'alice', 'auth', ['ssh.service']),
    ]);
    expect(subjects(problems)).toEqual([
      ['/srv/spool', '/srv/spool', 'rec.service'],
      ['/etc/ssh/sshd_config'],
      ['alice'],
    ]);
  });

  it('are not joined by unrecognised errors whose lines came from several units, but by a cause they share', () => {
    const problems = problemsOf([
      finding('unit-failed', 'gym-pre.service', 'pre'),
      finding('unit-failed', 'gym-lister.service', 'lister'),
      finding('unrecognised-errors', 'systemd', 'pre', ['gym-pre.service', 'gym-lister.service']),
      finding('config-error', '/etc/ssh/sshd_config.d/gym.conf', 'ssh', ['ssh.service']),
      finding('crash-loop', 'ssh.service', 'ssh'),
      finding('unit-failed', 'gym-newsfeed.service', 'dns'),
      finding('unit-failed', 'gym-pysync.service', 'python'),
      finding('dns-failure', '', 'dns', ['gym-newsfeed.service', 'gym-pysync.service']),
    ]);
    expect(subjects(problems)).toEqual([
      ['gym-pre.service'],
      ['gym-lister.service'],
      ['systemd'],
      ['/etc/ssh/sshd_config.d/gym.conf', 'ssh.service'],
      ['', 'gym-newsfeed.service', 'gym-pysync.service'],
    ]);
  });

  it('are a unit and the program of its own that wrote its lines: dpkg killed in gym-install.service, dpkg’s run', () => {
    const dpkgLine = { _PID: '812', _COMM: 'dpkg', _SYSTEMD_UNIT: 'gym-install.service' };
    const managerLine = { _PID: '1', _COMM: 'systemd', _SYSTEMD_UNIT: 'init.scope', UNIT: 'gym-install.service' };
    expect(ownProgram(dpkgLine, 'gym-install.service')).toEqual(['dpkg']);
    expect(ownProgram(managerLine, 'gym-install.service')).toEqual([]);
    expect(ownProgram(dpkgLine, 'gym-apt.service')).toEqual([]);
    const killed = { ...finding('unit-failed', 'gym-install.service', 'dpkg'), vouched: true, programs: ['dpkg'] };
    // Steward's reading of dpkg's database vouches for it.
    const interrupted = {
      ...finding('package-manager-error', 'dpkg', 'dpkg', ['/var/lib/dpkg/updates']),
      vouched: true,
    };
    expect(problemsOf([killed, interrupted]).length).toBe(1);
    // java's own word about its full disk in another unit is that run's, not the next java unit's.
    const javaFull = finding('no-space', 'java', 'java-disk-full', ['gym-java-disk.service']);
    const javaPort = { ...finding('unit-failed', 'gym-java-port.service', 'java-port-held'), programs: ['java'] };
    expect(problemsOf([javaFull, javaPort]).length).toBe(2);
    // Within one run only: dpkg's interrupted run an hour after the unit failed is another run's.
    const hour = 3_600_000;
    const seenAt = (at: number) => ({ seen: { first: at, last: at + 1000 } });
    expect(
      problemsOf([
        { ...killed, ...seenAt(0) },
        { ...interrupted, ...seenAt(60_000) },
      ]).length,
    ).toBe(1);
    expect(
      problemsOf([
        { ...killed, ...seenAt(0) },
        { ...interrupted, ...seenAt(hour) },
      ]).length,
    ).toBe(2);
    // Of two units that ran dpkg minutes apart, dpkg's unfinished run is the last one's.
    const upgrade = { ...finding('unit-failed', 'gym-upgrade.service', 'half'), programs: ['dpkg'], ...seenAt(0) };
    const install = { ...killed, ...seenAt(120_000) };
    const grouped = problemsOf([upgrade, install, { ...interrupted, ...seenAt(180_000) }]);
    expect(grouped.map((problem) => problem.map((f) => f.subject).sort())).toEqual([
      ['gym-upgrade.service'],
      ['dpkg', 'gym-install.service'],
    ]);
  });

  it('are extra beyond what their window injected, the row’s own problem counted wherever it was first raised', () => {
    const forged = finding('unit-failed', 'ssh.service', 'forged-lines');
    const real = finding('config-error', '/etc/ssh/sshd_config.d/gym.conf', 'sshd-config-error', ['ssh.service']);
    const claim = finding('unrecognised-errors', 'systemd', 'forged-lines');
    const readBack = finding('config-error', '/etc/gym.conf\\n', 'sshd-config-error', ['steward.service']);
    const idle = finding('disk-low', '/home', 'while idle');
    const windows = [
      window('forged-lines', 1, null),
      window('sshd-config-error', 1, { kind: 'config-error', subject: '/etc/ssh/sshd_config.d/gym.conf' }),
    ];
    const extra = extraProblems(problemsOf([forged, real, claim, readBack, idle]), windows);
    expect(subjects(extra)).toEqual([['/etc/gym.conf\\n'], ['/home']]);
  });
});

describe('two proposals waiting at once', () => {
  const signal = (name: string, ...body: unknown[]): Signal => ({ signal: name, body, at: 0 });
  const proposed = (proposal: string, findingId: string) =>
    signal('Proposals.ProposalAdded', proposal, { 'finding-id': findingId, state: 'open' });
  const tool = finding('package-manager-error', 'gym-tool', 'half', ['/var/lib/dpkg/status', 'gym-upgrade.service']);
  const upgrade = finding('unit-failed', 'gym-upgrade.service', 'half');
  const term = finding('package-manager-error', 'gym-term', 'term', ['/var/lib/dpkg/status']);
  const day = problemsOf([tool, upgrade, term]);
  const before = [
    signal('Findings.FindingAdded', tool.id),
    signal('Findings.FindingAdded', upgrade.id),
    proposed('1', tool.id),
  ];
  const later = [proposed('2', upgrade.id), signal('Findings.FindingAdded', term.id), proposed('3', term.id)];

  it('are one problem only through findings active then', () => {
    expect(day.length).toBe(1);
    const purged = [signal('Findings.FindingResolved', tool.id), signal('Proposals.ProposalRemoved', '1')];
    expect(twoProposalsAtOnce([...before, ...purged, ...later], day)).toEqual([]);
  });

  it('are one problem through a program only once someone vouches for the program’s finding', () => {
    const killed = { ...finding('unit-failed', 'gym-install.service', 'dpkg'), programs: ['dpkg'] };
    const interrupted = { ...finding('package-manager-error', 'dpkg', 'dpkg', ['gym-apt.service']), vouched: true };
    const problems = problemsOf([killed, interrupted]);
    expect(problems.length).toBe(1);
    const added = (id: string, vouchedBy = '') => signal('Findings.FindingAdded', id, { 'vouched-by': vouchedBy });
    const claimFirst = [added(killed.id, 'system-manager'), proposed('1', killed.id), added(interrupted.id)];
    // apt's word alone ties no unit that ran dpkg; Steward's reading of dpkg's database, a moment later, does.
    expect(twoProposalsAtOnce([...claimFirst, proposed('2', interrupted.id)], problems)).toEqual([]);
    const vouchedThen = signal('Findings.FindingUpdated', interrupted.id, { 'vouched-by': 'steward' });
    expect(twoProposalsAtOnce([...claimFirst, vouchedThen, proposed('2', interrupted.id)], problems).length).toBe(1);
  });

  it('are reported while the finding that ties them is active', () => {
    const applied = [signal('Proposals.ProposalChanged', '1', { state: 'done' })];
    const found = twoProposalsAtOnce([...before, ...applied, ...later], day);
    expect(found.length).toBe(1);
    expect(found[0]).toMatch(
      /^proposal 2 \(unit-failed gym-upgrade\.service\) and proposal 3 \(package-manager-error gym-term\) wait at once/,
    );
  });
});
