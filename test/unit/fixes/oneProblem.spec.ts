// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { FindingWithEvidence } from '../../../service/src/findings/store.js';
import type { Evidence } from '../../../service/src/findings/types.js';
import { placesOf, sameProblem, takesOver, tiedThrough } from '../../../service/src/fixes/oneProblem.js';

const finding = (
  kind: string,
  subject: string,
  evidence: Partial<Evidence>[] = [],
  reportedBy = '',
): FindingWithEvidence => ({
  id: 1,
  kind,
  subject,
  severity: 'error',
  title: '',
  state: 'active',
  firstSeen: new Date(0),
  lastSeen: new Date(0),
  resolvedAt: null,
  count: 1,
  ignored: false,
  explanation: null,
  likelyCause: null,
  vouchedBy: null,
  reportedBy,
  evidence: evidence.map((e) => ({ kind: 'journal', text: '', at: new Date(0), ...e })),
});

/** The writer of head's line, as attribution.ts names a program that vouches only for itself. */
const HEAD = 'head (uid 0, /usr/bin/head, rec.service)';

describe('findings of one problem', () => {
  it('are a full file system and the unit whose line said so, by the line’s unit or the file on the mount', () => {
    const full = placesOf(finding('disk-critical', '/srv/spool', [{ kind: 'metric', path: '/srv/spool' }]));
    const line = placesOf(finding('no-space', '/srv/spool', [{ path: '/srv/spool/capture', unit: 'rec.service' }]));
    expect(sameProblem(full, line)).toBeTrue();
    expect(sameProblem(line, placesOf(finding('unit-failed', 'rec.service')))).toBeTrue();
    expect(sameProblem(full, placesOf(finding('unit-failed', 'other.service')))).toBeFalse();
  });

  it('are a finding about a unit and a line that unit wrote, in one run of both, not an hour apart', () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 9) + minutes * 60_000);
    const device = placesOf(finding('sound-error', 'plug:{hw:1}', [{ unit: 'pipewire.service', at: at(0) }]));
    const daemonAt = (minutes: number) =>
      placesOf(finding('sound-error', 'pipewire.service', [{ unit: 'pipewire.service', at: at(minutes) }]));
    expect(sameProblem(device, daemonAt(2))).toBeTrue();
    expect(sameProblem(daemonAt(60), device)).toBeFalse();
    expect(sameProblem(device, daemonAt(60))).toBeFalse();
    // A failed unit known only from systemd's state has no lines to tell its runs apart.
    expect(sameProblem(device, placesOf(finding('unit-failed', 'pipewire.service')))).toBeTrue();
    // A manager's line about the unit (a refused drop-in) is about it whenever the unit failed.
    const refused = {
      ...finding('config-error', '/etc/x.conf', [{ path: '/etc/x.conf', unit: 'pipewire.service', at: at(60) }]),
      vouchedBy: 'user-manager' as const,
    };
    const failedLong = placesOf(finding('unit-failed', 'pipewire.service', [{ unit: 'pipewire.service', at: at(0) }]));
    expect(sameProblem(placesOf(refused), failedLong)).toBeTrue();
  });

  it('are an fstab line and the mount made from it, not every mount of that fstab', () => {
    const error = placesOf(finding('config-error', '/etc/fstab', [{ path: '/etc/fstab', line: 2 }]));
    const photos = placesOf(finding('unit-failed', 'srv-photos.mount'), ['/run/systemd/generator/x', '/etc/fstab:2']);
    const music = placesOf(finding('unit-failed', 'srv-music.mount'), ['/run/systemd/generator/y', '/etc/fstab:3']);
    expect(sameProblem(error, photos)).toBeTrue();
    expect(sameProblem(error, music)).toBeFalse();
    expect(sameProblem(photos, music)).toBeFalse();
  });

  it('are not two findings that only came from one daemon’s lines', () => {
    const refused = placesOf(
      finding('config-error', '/etc/ssh/sshd_config', [{ path: '/etc/ssh/sshd_config', unit: 'ssh.service' }]),
    );
    const logins = placesOf(finding('auth-failures', 'alice', [{ unit: 'ssh.service' }]));
    expect(sameProblem(refused, logins)).toBeFalse();
    expect(sameProblem(refused, placesOf(finding('unit-failed', 'ssh.service')))).toBeTrue();
  });

  it('are one unit’s same error said with where and, in the same run, without', () => {
    const at = (minutes: number) => new Date(minutes * 60_000);
    const spool = placesOf(
      finding('no-space', '/srv/spool', [{ path: '/srv/spool/capture', unit: 'rec.service', at: at(0) }]),
    );
    const head = placesOf(finding('no-space', 'head', [{ unit: 'rec.service', at: at(0) }], HEAD));
    expect(sameProblem(spool, head)).toBeTrue();
    expect(sameProblem(head, spool)).toBeTrue();
    // Another run of the unit, an hour on, is not told apart by its words alone; nor another kind of its lines.
    expect(
      sameProblem(spool, placesOf(finding('no-space', 'head', [{ unit: 'rec.service', at: at(60) }], HEAD))),
    ).toBeFalse();
    expect(
      sameProblem(spool, placesOf(finding('dns-failure', 'rec', [{ unit: 'rec.service', at: at(0) }]))),
    ).toBeFalse();
    // Two mounts the unit named, each said where: two problems.
    const other = placesOf(finding('no-space', '/var/log', [{ path: '/var/log/x', unit: 'rec.service', at: at(0) }]));
    expect(sameProblem(spool, other)).toBeFalse();
  });

  it('are not two programs’ crashes one reporter recorded in one run, one with the program’s file, one without', () => {
    // systemd-coredump writes about other programs: its unit ran for both records, neither crash is its own.
    const at = new Date(0);
    const reporter = 'systemd-coredum (uid 0, /usr/lib/systemd/systemd-coredump, crash-report.service)';
    const named = placesOf(finding('coredump', 'gjs-console', [{ unit: 'crash-report.service', at }], reporter));
    const filed = placesOf(finding('coredump', '/usr/bin/gym-app', [{ unit: 'crash-report.service', at }], reporter));
    expect(sameProblem(named, filed)).toBeFalse();
    expect(tiedThrough(filed, named)).toBeFalse();
    // Nor dpkg's line beside a package its database holds unfinished: dpkg wrote it about a package, not itself.
    const summary = placesOf(
      finding('package-manager-error', 'dpkg', [{ unit: 'upgrade.service', at }], 'dpkg (uid 0, upgrade.service)'),
    );
    const tool = placesOf(
      finding(
        'package-manager-error',
        'gym-tool',
        [
          { path: '/var/lib/dpkg/status', at },
          { unit: 'upgrade.service', at },
        ],
        'dpkg (uid 0, upgrade.service)',
      ),
    );
    expect(sameProblem(summary, tool)).toBeFalse();
  });

  it('are not two things one daemon wrote about in one run, neither naming where', () => {
    // resolved on two DNS servers, PipeWire on two devices: the daemon that wrote both lines is no failure of theirs.
    const at = new Date(0);
    const first = placesOf(finding('dns-failure', '192.0.2.1', [{ unit: 'systemd-resolved.service', at }]));
    const second = placesOf(finding('dns-failure', '192.0.2.2', [{ unit: 'systemd-resolved.service', at }]));
    expect(sameProblem(first, second)).toBeFalse();
    const card = placesOf(finding('sound-unavailable', 'hw:0,10', [{ unit: 'pipewire.service', at }]));
    const sink = placesOf(finding('sound-unavailable', 'front:0', [{ unit: 'pipewire.service', at }]));
    expect(sameProblem(card, sink)).toBeFalse();
  });

  it('are a unit that failed and a finding about the program of its own that wrote its lines in that run', () => {
    const at = (minutes: number) => new Date(minutes * 60_000);
    // dpkg, killed inside gym-install.service: its lines are the unit's, its cut-off run is dpkg's database's.
    const killed = (lines: Partial<Evidence>[]) =>
      placesOf({
        ...finding('unit-failed', 'gym-install.service', [
          ...lines,
          { unit: 'gym-install.service', at: at(10), text: "gym-install.service: Failed with result 'signal'." },
        ]),
        vouchedBy: 'system-manager',
      });
    // Steward's own reading of dpkg's database vouches for it.
    const interrupted = placesOf({
      ...finding('package-manager-error', 'dpkg', [{ kind: 'text', path: '/var/lib/dpkg/updates', at: at(10) }]),
      vouchedBy: 'steward',
    });
    expect(sameProblem(killed([{ writer: 'dpkg', at: at(9) }]), interrupted)).toBeTrue();
    // Known before its lines come: the program systemd's record says its ExecStart= runs.
    const recorded = placesOf(
      { ...finding('unit-failed', 'gym-install.service'), vouchedBy: 'system-manager' },
      ['/run/systemd/transient/gym-install.service'],
      ['dpkg'],
    );
    expect(sameProblem(recorded, interrupted)).toBeTrue();
    // Not a unit that ran it in another run, hours from it.
    const hoursLater = placesOf(
      {
        ...finding('unit-failed', 'gym-install.service', [{ unit: 'gym-install.service', at: at(300) }]),
        vouchedBy: 'system-manager',
      },
      [],
      ['dpkg'],
    );
    expect(sameProblem(hoursLater, interrupted)).toBeFalse();
    // A program's own line about its run in another unit says nothing of the next unit that runs it.
    const javaFull = placesOf(
      finding('no-space', 'java', [{ unit: 'gym-java-disk.service', writer: 'java', at: at(9) }], 'java'),
    );
    const javaPort = placesOf(
      {
        ...finding('unit-failed', 'gym-java-port.service', [{ writer: 'java', at: at(10) }]),
        vouchedBy: 'system-manager',
      },
      [],
      ['java'],
    );
    expect(sameProblem(javaPort, javaFull)).toBeFalse();
    // Not when another program wrote its lines, nor when dpkg wrote them in a run long before.
    expect(sameProblem(killed([{ writer: 'sh', at: at(9) }]), interrupted)).toBeFalse();
    expect(sameProblem(killed([{ writer: 'dpkg', at: at(-60) }]), interrupted)).toBeFalse();
    // Nor a line of another unit that dpkg wrote, nor a finding about a file rather than a unit.
    expect(sameProblem(killed([{ writer: 'dpkg', unit: 'gym-apt.service', at: at(9) }]), interrupted)).toBeFalse();
    const file = placesOf(finding('config-error', '/etc/x.conf', [{ path: '/etc/x.conf', writer: 'dpkg', at: at(9) }]));
    expect(sameProblem(file, interrupted)).toBeFalse();
  });

  it('never meet at the root or the whole machine', () => {
    const root = placesOf(finding('disk-low', '/', [{ path: '/' }]));
    expect(sameProblem(root, placesOf(finding('config-error', '/etc/x.conf', [{ path: '/etc/x.conf' }])))).toBeFalse();
    expect(sameProblem(placesOf(finding('thermal', '')), placesOf(finding('memory-pressure', '')))).toBeFalse();
  });
});

describe('a finding a waiting proposal stands for besides its own', () => {
  const at = (minutes: number) => new Date(minutes * 60_000);

  it('ties a new finding to that proposal through a file or mount both name, or one unit’s same error in one run', () => {
    const status = placesOf(
      finding('package-manager-error', 'gym-tool', [{ path: '/var/lib/dpkg/status', at: at(0) }]),
    );
    const term = placesOf(finding('package-manager-error', 'gym-term', [{ path: '/var/lib/dpkg/status', at: at(5) }]));
    expect(tiedThrough(term, status)).toBeTrue();
    const spool = placesOf(
      finding('no-space', '/srv/spool', [{ path: '/srv/spool/capture', unit: 'rec.service', at: at(0) }]),
    );
    expect(
      tiedThrough(placesOf(finding('no-space', 'head', [{ unit: 'rec.service', at: at(1) }], HEAD)), spool),
    ).toBeTrue();
  });

  it('ties the unit whose run wrote its lines, in that run: the upgrade whose dpkg left a package half-configured', () => {
    const tool = placesOf(
      finding('package-manager-error', 'gym-tool', [
        { path: '/var/lib/dpkg/status', at: at(0) },
        { unit: 'gym-upgrade.service', at: at(0) },
      ]),
    );
    const upgradeAt = (minutes: number) =>
      placesOf(finding('unit-failed', 'gym-upgrade.service', [{ unit: 'gym-upgrade.service', at: at(minutes) }]));
    expect(tiedThrough(upgradeAt(1), tool)).toBeTrue();
    expect(tiedThrough(upgradeAt(90), tool)).toBeFalse();
  });

  it('never ties through the unit or daemon it is about, which every line of that daemon names', () => {
    // PipeWire's own error, which a device's proposal stands for: later lines of PipeWire about other devices name
    // pipewire.service too, and are their own problems.
    const daemon = placesOf(
      finding('sound-unavailable', 'pipewire.service', [{ unit: 'pipewire.service', at: at(0) }]),
    );
    const device = placesOf(finding('sound-unavailable', 'front:0', [{ unit: 'pipewire.service', at: at(60) }]));
    expect(sameProblem(device, daemon)).toBeFalse();
    expect(tiedThrough(device, daemon)).toBeFalse();
    // Nor in one run, where the two are one problem: neither names where.
    const soon = placesOf(finding('sound-unavailable', 'front:0', [{ unit: 'pipewire.service', at: at(1) }]));
    expect(sameProblem(soon, daemon)).toBeTrue();
    expect(tiedThrough(soon, daemon)).toBeFalse();
    // A failed resolver's record and a later lookup of a program that talks to it.
    const resolver = placesOf(finding('unit-failed', 'systemd-resolved.service'));
    const lookup = placesOf(finding('dns-failure', '', [{ unit: 'systemd-resolved.service', at: at(60) }]));
    expect(sameProblem(lookup, resolver)).toBeTrue();
    expect(tiedThrough(lookup, resolver)).toBeFalse();
  });
});

describe('of two findings of one problem, the proposal that stands', () => {
  const of = (kind: string, subject = 'x.service') => ({ kind, subject });

  it('is a cause’s, named in its own terms, over the failed unit’s', () => {
    expect(takesOver(of('dns-failure'), of('unit-failed'))).toBeTrue();
    expect(takesOver(of('unit-failed'), of('dns-failure'))).toBeFalse();
    expect(takesOver(of('package-manager-error'), of('unit-failed'))).toBeTrue();
  });

  it('is what went wrong with the unit itself over its failure', () => {
    expect(takesOver(of('crash-loop'), of('unit-failed'))).toBeTrue();
    expect(takesOver(of('unit-failed'), of('crash-loop'))).toBeFalse();
  });

  it('is the crash of the part a session could not go on without over the session’s end', () => {
    expect(takesOver(of('crash', 'org.gnome.Shell'), of('sign-in-failure', 'org.gnome.Shell'))).toBeTrue();
    expect(takesOver(of('sign-in-failure', 'org.gnome.Shell'), of('crash', 'org.gnome.Shell'))).toBeFalse();
  });

  it('is, of one crash, systemd-coredump’s record with its core and stack over the kernel’s line', () => {
    expect(takesOver(of('coredump', '/usr/bin/nemo'), of('crash', 'nemo'))).toBeTrue();
    expect(takesOver(of('crash', 'nemo'), of('coredump', '/usr/bin/nemo'))).toBeFalse();
    expect(takesOver(of('crash-loop', 'nemo.service'), of('coredump', '/usr/bin/nemo'))).toBeFalse();
  });

  it('is, of two of one kind, the one that names where over the one named after the program that said it', () => {
    expect(takesOver(of('no-space', '/srv/spool'), of('no-space', 'head'))).toBeTrue();
    expect(takesOver(of('no-space', 'head'), of('no-space', '/srv/spool'))).toBeFalse();
    expect(takesOver(of('no-space', '/srv/a'), of('no-space', '/srv/b'))).toBeFalse();
    expect(takesOver(of('config-error', '/etc/x.conf'), of('dns-failure', 'resolver'))).toBeFalse();
    const status = [{ path: '/var/lib/dpkg/status' }];
    expect(
      takesOver({ ...of('package-manager-error', 'gym-tool'), evidence: status }, of('package-manager-error', 'dpkg')),
    ).toBeTrue();
    expect(
      takesOver(of('package-manager-error', 'dpkg'), { ...of('package-manager-error', 'gym-tool'), evidence: status }),
    ).toBeFalse();
  });
});
