// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { PackageManagerErrorDetector } from '../../../service/src/kinds/packageManagerError/detector.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const titles = (identifier: string, messages: string[]) =>
  reportsOf(
    runDetector(
      new PackageManagerErrorDetector(),
      messages.map((message, i) =>
        journalEvent(
          { MESSAGE: message, SYSLOG_IDENTIFIER: identifier, _COMM: identifier, _PID: '4242', _UID: '0' },
          i,
        ),
      ),
    ),
  ).map((r) => [r.subject, r.title]);

describe('the package-manager-error detector on the wordings of each package manager', () => {
  it("reads apt's and dpkg's failures (Debian 11 to sid, Ubuntu 20.04 to 26.04)", () => {
    expect(
      titles('apt-get', [
        'E: Sub-process /usr/bin/dpkg returned an error code (1)',
        // as copied into a forum post, path spaced out
        'E: Subprocess / usr / bin / dpkg returned an error code (1)',
        "E: dpkg was interrupted, you must manually run 'sudo dpkg --configure -a' to correct the problem.",
        "E: Package 'python-minimal' has no installation candidate",
        "E: Unmet dependencies. Try 'apt --fix-broken install' with no packages (or specify a solution).",
        'E: Unable to correct problems, you have held broken packages.',
      ]),
    ).toEqual([
      ['dpkg', 'Installing packages failed: dpkg returned error code 1'],
      ['dpkg', 'Installing packages failed: dpkg returned error code 1'],
      ['dpkg', 'An earlier package installation was interrupted and must be finished'],
      ['python-minimal', 'apt could not find the package python-minimal'],
      ['apt', 'apt cannot resolve the packages’ dependencies'],
      ['apt', 'apt cannot resolve the packages’ dependencies'],
    ]);
    expect(
      titles('dpkg', [
        // dpkg before 1.17 named no "package"
        'dpkg: error processing kali-defaults (--configure):',
        'Errors were encountered while processing:',
        'dpkg: error: dpkg frontend lock was locked by another process with pid 1234',
      ]),
    ).toEqual([
      ['kali-defaults', 'dpkg could not configure kali-defaults'],
      ['dpkg', 'dpkg could not install or configure some packages'],
      ['dpkg', 'dpkg could not install or configure some packages'],
    ]);
  });

  it('gives dpkg’s summary the package it names, as dpkg’s own error about that package has it', () => {
    // dpkg 1.22 (src/main/errors.c) lists the packages on the lines after its summary: the run stopped on the first.
    const line = (message: string, index: number, pid = '4242') =>
      journalEvent({ MESSAGE: message, SYSLOG_IDENTIFIER: 'dpkg', _COMM: 'dpkg', _PID: pid, _UID: '0' }, index);
    const reports = reportsOf(
      runDetector(new PackageManagerErrorDetector(), [
        line('dpkg: error processing package gym-tool (--configure):', 0),
        line('Errors were encountered while processing:', 1),
        // Another process's line between them is no part of its list.
        line(' unrelated', 2, '777'),
        line(' gym-tool', 3),
        line(' gym-term', 4),
      ]),
    );
    expect(reports.map((r) => [r.subject, r.title])).toEqual([
      ['gym-tool', 'dpkg could not configure gym-tool'],
      ['gym-tool', 'dpkg could not install or configure gym-tool'],
    ]);
    // Both its lines are its evidence: the summary and the package.
    expect(reports[1]?.evidence.map((e) => e.text)).toEqual(['Errors were encountered while processing:', ' gym-tool']);
    // A frontend that joined them; and a summary whose list never came names dpkg, as before.
    expect(
      titles('apt-get', ['Errors were encountered while processing: /var/cache/apt/archives/libfoo1_1.2-3_amd64.deb']),
    ).toEqual([['libfoo1', 'dpkg could not install or configure libfoo1']]);
  });

  it('reports a summary whose list never came about dpkg once its wait is over', () => {
    const at = (seconds: number) => String(Date.UTC(2026, 10, 26, 12, 0, seconds) * 1000);
    const line = (message: string, seconds: number, pid = '4242') =>
      journalEvent({
        MESSAGE: message,
        SYSLOG_IDENTIFIER: 'dpkg',
        _COMM: 'dpkg',
        _PID: pid,
        _UID: '0',
        __REALTIME_TIMESTAMP: at(seconds),
      });
    const detector = new PackageManagerErrorDetector();
    // Another writer's line a second later is no end of the wait; one written ten seconds later shows it is over.
    expect(detector.detect(line('Errors were encountered while processing:', 0))).toEqual([]);
    expect(detector.heldUntil()).toBeDefined();
    expect(detector.detect(line('Setting up gym-term (1.0) ...', 1, '777'))).toEqual([]);
    const late = reportsOf(detector.detect(line('Setting up gym-term (1.0) ...', 10, '777')));
    expect(late.map((r) => [r.subject, r.evidence.map((e) => e.text)])).toEqual([
      ['dpkg', ['Errors were encountered while processing:']],
    ]);
    expect(detector.heldUntil()).toBeUndefined();

    // Where the journal falls silent, the pipeline's timer asks for it by the machine's clock.
    detector.detect(line('Errors were encountered while processing:', 20));
    expect(detector.expire(Date.now() - 60_000)).toEqual([]);
    const expired = detector.expire(Number.POSITIVE_INFINITY);
    expect(expired.map(({ output }) => ('report' in output ? output.report.subject : ''))).toEqual(['dpkg']);
    expect(expired[0]?.event.type).toBe('journal');
    expect(detector.heldUntil()).toBeUndefined();
  });

  it("reads apt's repository signature errors by repository", () => {
    expect(
      titles('apt', [
        "W: GPG error: http://ppa.launchpad.net/numix/ppa/ubuntu jammy InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 52B709720F164EEB",
        "E: The repository 'http://ppa.launchpad.net/numix/ppa/ubuntu jammy InRelease' is not signed.",
        'W: An error occurred during the signature verification. The repository is not updated and the previous index files will be used. GPG error: https://packages.gitlab.com/gitlab/gitlab-ee/debian stretch InRelease: The following signatures were invalid: EXPKEYSIG 3F01618A51312F3F GitLab B.V.',
        "E: The repository 'http://deb.example.org/debian bookworm Release' does not have a Release file.",
      ]),
    ).toEqual([
      [
        'http://ppa.launchpad.net/numix/ppa/ubuntu jammy',
        'apt cannot verify the repository http://ppa.launchpad.net/numix/ppa/ubuntu jammy: its signing key is not installed',
      ],
      [
        'http://ppa.launchpad.net/numix/ppa/ubuntu jammy',
        'apt cannot use the repository http://ppa.launchpad.net/numix/ppa/ubuntu jammy',
      ],
      [
        'https://packages.gitlab.com/gitlab/gitlab-ee/debian stretch',
        'apt cannot verify the repository https://packages.gitlab.com/gitlab/gitlab-ee/debian stretch: its signature is invalid or expired',
      ],
      [
        'http://deb.example.org/debian bookworm',
        'apt cannot use the repository http://deb.example.org/debian bookworm',
      ],
    ]);
  });

  it('reads dnf 4 and dnf5 (Fedora 38+)', () => {
    expect(
      titles('dnf', [
        // dnf5, Fedora 41+
        "Errors during downloading metadata for repository 'updates':",
        'Error: GPG check FAILED',
        'Error: \n Problem: conflicting requests\n  - nothing provides libfoo.so.1 needed by bar-1.0-1.fc39.x86_64',
      ]),
    ).toEqual([
      ['dnf', 'dnf could not download metadata for the repository updates'],
      ['dnf', 'dnf transaction failed: gpg check failed'],
      ['dnf', 'dnf cannot resolve the packages’ dependencies'],
    ]);
  });

  it('reads pacman (Arch)', () => {
    expect(
      titles('pacman', [
        'error: failed to commit transaction (conflicting files)',
        'error: failed to prepare transaction (could not satisfy dependencies)',
        'error: target not found: yay',
        'error: failed to synchronize all databases (unexpected error)',
        'Errors occurred, no packages were upgraded.',
      ]),
    ).toEqual([
      ['pacman', 'pacman transaction failed: conflicting files'],
      ['pacman', 'pacman transaction failed: could not satisfy dependencies'],
      ['yay', 'pacman could not find the package yay'],
      ['pacman', 'pacman could not update the system'],
      ['pacman', 'pacman could not update the system'],
    ]);
  });

  it('stays silent on look-alike lines', () => {
    expect(
      titles('apt', [
        'W: Some index files failed to download. They have been ignored, or old ones used instead.',
        'N: See apt-secure(8) manpage for repository creation and user configuration details.',
        'Hit:2 http://be.archive.ubuntu.com/ubuntu xenial InRelease',
        'dpkg-statoverride: error: error creating new backup file',
      ]),
    ).toEqual([]);
    // the same words from programs that are not the package manager
    expect(
      titles('myapp', ['Error: Transaction test error', 'error: failed to commit transaction (database)']),
    ).toEqual([]);
    expect(titles('gnome-shell', ['Errors were encountered while processing:'])).toEqual([]);
    expect(
      titles('PackageKit', [
        'get-updates transaction /4_cdacedaa from uid 1000 finished with success after 7067ms',
        'new update-packages transaction /5_bebacaaa scheduled from uid 1000',
      ]),
    ).toEqual([]);
  });

  it("takes no line in a package manager's name from a process that is not root's", () => {
    const forged = (message: string, identifier: string) =>
      journalEvent({ MESSAGE: message, SYSLOG_IDENTIFIER: identifier, _COMM: 'python3', _PID: '4242', _UID: '1000' });
    expect(
      reportsOf(
        runDetector(new PackageManagerErrorDetector(), [
          forged('E: Sub-process /usr/bin/dpkg returned an error code (1)', 'apt-get'),
          forged('dpkg: error processing package sudo (--configure):', 'dpkg'),
          forged('error: failed to commit transaction (conflicting files)', 'pacman'),
        ]),
      ),
    ).toEqual([]);
  });
});
