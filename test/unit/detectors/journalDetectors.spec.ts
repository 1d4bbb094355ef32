// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Detector } from '../../../service/src/findings/types.js';
import { AuthFailuresDetector } from '../../../service/src/kinds/authFailures/detector.js';
import { CoredumpDetector } from '../../../service/src/kinds/crash/coredumpDetector.js';
import { CrashLoopDetector } from '../../../service/src/kinds/crashLoop/detector.js';
import { DnsFailureDetector } from '../../../service/src/kinds/dnsFailure/detector.js';
import { FilesystemErrorDetector } from '../../../service/src/kinds/filesystemError/detector.js';
import { OomKillDetector } from '../../../service/src/kinds/oomKill/detector.js';
import { PackageManagerErrorDetector } from '../../../service/src/kinds/packageManagerError/detector.js';
import { ThermalThrottlingDetector } from '../../../service/src/kinds/thermal/detector.js';
import { journalEvent, journalEvents, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

/** [subject, title] of each report a detector makes on a fixture, after checking kind and severity. */
function reported(detector: Detector, fixture: string, severity: string): [string, string][] {
  const reports = reportsOf(runDetector(detector, journalEvents(fixture)));
  for (const report of reports) {
    expect(report.kind).toBe(detector.kinds[0]!);
    expect(report.severity).toBe(severity);
    expect(report.evidence[0]!.kind).toBe('journal');
    expect(report.evidence[0]!.cursor).toMatch(/^s=fixture;i=/);
  }
  return reports.map((r) => [r.subject, r.title]);
}

describe('the crash-loop detector', () => {
  it('reports a unit restarted three times or more within the window, and systemd giving up', () => {
    expect(reported(new CrashLoopDetector(), 'crash-loop', 'error')).toEqual([
      ['smbd.service', 'smbd.service is crash-looping (restarted 3 times)'],
      ['smbd.service', 'smbd.service is crash-looping (restarted 4 times)'],
      ['smbd.service', 'smbd.service is crash-looping (restarted 5 times)'],
      ['smbd.service', 'smbd.service keeps failing; systemd stopped restarting it'],
    ]);
  });

  it('does not count restarts spread over hours as a loop', () => {
    const detector = new CrashLoopDetector();
    const restarts = [1, 2, 3, 4].map((n) =>
      journalEvent({
        __REALTIME_TIMESTAMP: String(1_773_479_523_000_000 + n * 3_600_000_000),
        MESSAGE: `backup.service: Scheduled restart job, restart counter is at ${n}.`,
        MESSAGE_ID: '5eb03494b6584870a536b337290809b3',
        N_RESTARTS: String(n),
        UNIT: 'backup.service',
        SYSLOG_IDENTIFIER: 'systemd',
        _PID: '1',
        _UID: '0',
      }),
    );
    expect(runDetector(detector, restarts)).toEqual([]);
  });
});

describe('the coredump detector', () => {
  it('reports each crash with the executable as subject and the signal in the title', () => {
    const detector = new CoredumpDetector();
    const reports = reportsOf(runDetector(detector, journalEvents('coredump')));
    expect(reports.map((r) => [r.subject, r.title, r.severity])).toEqual([
      ['/usr/bin/gnome-calculator', 'gnome-calculator crashed (SIGSEGV)', 'error'],
      ['/usr/libexec/packagekitd', 'packagekitd crashed (SIGABRT) in packagekit.service', 'error'],
    ]);
    // The stack trace stays in the journal; the evidence is the first line.
    expect(reports[0]!.evidence[0]!.text).toBe('Process 48213 (gnome-calculato) of user 1000 dumped core.');
  });
});

describe('the oom-kill detector', () => {
  it('reports kernel OOM kills once each, and systemd-oomd kills', () => {
    expect(reported(new OomKillDetector(), 'oom-kill', 'error')).toEqual([
      ['firefox', 'firefox was killed: the system ran out of memory'],
      ['nodeapp.service', 'node of nodeapp.service was killed: it reached its memory limit'],
      [
        'app-org.chromium.Chromium-5123.scope',
        'systemd-oomd killed app-org.chromium.Chromium-5123.scope: under memory pressure',
      ],
    ]);
  });

  it('reports a "Killed process" line without the oom-kill line before it', () => {
    const event = journalEvent({
      MESSAGE:
        'Out of memory: Killed process 812 (java) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:9012kB oom_score_adj:0',
      _TRANSPORT: 'kernel',
      SYSLOG_IDENTIFIER: 'kernel',
      __REALTIME_TIMESTAMP: '1773479523000000',
    });
    expect(reportsOf(new OomKillDetector().detect(event)).map((r) => r.subject)).toEqual(['java']);
  });
});

describe('the filesystem-error detector', () => {
  it('reports ext4, btrfs and xfs errors by device, as critical, and leaves failing disks to storage-error', () => {
    expect(reported(new FilesystemErrorDetector(), 'filesystem-error', 'critical')).toEqual([
      ['nvme0n1p2', 'ext4 filesystem errors on nvme0n1p2'],
      ['sda2', 'Btrfs filesystem errors on sda2'],
      ['sda2', 'Btrfs filesystem errors on sda2'],
      ['dm-2', 'XFS filesystem errors on dm-2'],
      ['dm-2', 'XFS filesystem errors on dm-2'],
    ]);
  });

  it('ignores the same words when a program, not the kernel, logs them', () => {
    const event = journalEvent({
      MESSAGE: 'EXT4-fs error (device sda1): test',
      SYSLOG_IDENTIFIER: 'logger',
      _TRANSPORT: 'syslog',
    });
    expect(new FilesystemErrorDetector().detect(event)).toEqual([]);
  });
});

describe('the dns-failure detector', () => {
  it('reports degraded DNS servers, DNSSEC failures and failed lookups, and resolves a server that recovers', () => {
    const outputs = runDetector(new DnsFailureDetector(), journalEvents('dns-failure'));
    expect(reportsOf(outputs).map((r) => [r.subject, r.title, r.severity])).toEqual([
      ['192.168.178.1', 'DNS server 192.168.178.1 is not answering properly', 'warning'],
      ['192.168.178.1', 'DNS server 192.168.178.1 is not answering properly', 'warning'],
      ['', 'DNSSEC validation failed for debian.org IN DNSKEY (failed-auxiliary)', 'warning'],
      ['', 'Name resolution failed', 'warning'],
      ['', 'Name resolution failed for connectivity-check.ubuntu.com', 'warning'],
    ]);
    expect(resolutionsOf(outputs).map((r) => [r.kind, r.subject])).toEqual([['dns-failure', '192.168.178.1']]);
  });
});

describe('the auth-failures detector', () => {
  it('reports failures from one address or for one user within ten minutes past its threshold', () => {
    expect(reported(new AuthFailuresDetector({ threshold: 5 }), 'auth-failures', 'warning')).toEqual([
      ['203.0.113.45', '5 failed login attempts from 203.0.113.45 within 10 minutes'],
      ['203.0.113.45', '6 failed login attempts from 203.0.113.45 within 10 minutes'],
      // sudo's pam_unix lines count as they come; its "3 incorrect password attempts" repeats them.
      ['alice', '5 failed login attempts for user alice within 10 minutes'],
      ['alice', '6 failed login attempts for user alice within 10 minutes'],
    ]);
  });

  it('forgets failures older than the window', () => {
    const detector = new AuthFailuresDetector({ threshold: 2, windowMs: 60_000 });
    const failure = (seconds: number) =>
      journalEvent({
        __REALTIME_TIMESTAMP: String(1_773_479_523_000_000 + seconds * 1_000_000),
        MESSAGE: 'Failed password for root from 198.51.100.9 port 40000 ssh2',
        SYSLOG_IDENTIFIER: 'sshd',
      });
    expect(runDetector(detector, [failure(0), failure(61), failure(200)])).toEqual([]);
    expect(reportsOf(runDetector(detector, [failure(230)])).length).toBe(1);
  });
});

describe('the package-manager-error detector', () => {
  it('reports dpkg, apt, PackageKit and dnf failures by package or tool', () => {
    expect(reported(new PackageManagerErrorDetector(), 'package-manager-error', 'warning')).toEqual([
      ['apt', 'apt could not lock the package database (held by apt)'],
      ['linux-image-6.1.0-28-amd64', 'dpkg could not configure linux-image-6.1.0-28-amd64'],
      ['dpkg', 'Installing packages failed: dpkg returned error code 1'],
      ['google-chrome-stable', 'apt could not find the package google-chrome-stable'],
      ['libssl3', 'dpkg could not install libssl3'],
      ['PackageKit', 'PackageKit could not update packages'],
      ['dnf', 'dnf could not download metadata for the repository updates'],
      ['dnf', 'dnf transaction failed: transaction test error'],
    ]);
  });
});

describe('the thermal-throttling detector', () => {
  it('reports throttling and resolves once every throttled CPU is back to normal', () => {
    const outputs = runDetector(new ThermalThrottlingDetector(), journalEvents('thermal-throttling'));
    expect(
      outputs.map((o) => ('report' in o ? `report ${o.report.severity}` : `resolve ${o.resolve.subject}`)),
    ).toEqual(['report warning', 'report warning', 'report warning', 'resolve ', 'report warning', 'resolve ']);
    expect(reportsOf(outputs)[0]!.title).toBe(
      'The CPU is overheating and slowed down (CPU core 2 above its temperature limit)',
    );
  });
});

describe('the journal detectors under a flood', () => {
  it('handle 100 000 identical failures in bounded time, reporting each occurrence past the threshold', () => {
    const detector = new AuthFailuresDetector();
    const start = 1_773_479_523_000_000;
    const events = Array.from({ length: 100_000 }, (_, i) =>
      journalEvent(
        {
          __REALTIME_TIMESTAMP: String(start + i * 1000),
          MESSAGE: 'Failed password for root from 203.0.113.45 port 40530 ssh2',
          SYSLOG_IDENTIFIER: 'sshd',
        },
        i,
      ),
    );
    const began = performance.now();
    const reports = reportsOf(runDetector(detector, events));
    expect(performance.now() - began).toBeLessThan(5000);
    expect(reports.length).toBe(100_000 - 2);
    expect(reports.at(-1)!.title).toBe('100000 failed login attempts from 203.0.113.45 within 10 minutes');
  });
});

describe('the auth-failures thresholds a person would want', () => {
  const sudo = (message: string) => journalEvent({ MESSAGE: message, SYSLOG_IDENTIFIER: 'sudo', _COMM: 'sudo' });

  it('tell of three failed sudo attempts and of a locked account, not of one typo', () => {
    expect(
      reportsOf(
        new AuthFailuresDetector().detect(
          sudo('alice : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt'),
        ),
      ),
    ).toEqual([]);
    expect(
      reportsOf(
        new AuthFailuresDetector().detect(
          sudo(
            'alice : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt',
          ),
        ),
      ).map((r) => r.title),
    ).toEqual(['3 failed login attempts for user alice within 10 minutes']);
    const locked = journalEvent({
      MESSAGE: 'pam_faillock(sudo:auth): Consecutive login failures for user bob account temporarily locked',
      SYSLOG_IDENTIFIER: 'sudo',
    });
    expect(reportsOf(new AuthFailuresDetector().detect(locked)).map((r) => r.title)).toEqual([
      'The account bob was locked after repeated failed logins',
    ]);
  });
});
