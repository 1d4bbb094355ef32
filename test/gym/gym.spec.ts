// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The gym's core scenarios (those marked "core") in `npm test`: a real systemd booted as PID 1, Steward as
// the user's real service, real faults, real polkit. `npm run gym` runs them all and prints the score.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';

import { SYSTEM_PATH } from '../e2e/harness/run.js';
import { runGym, type Score, scoreTable } from './gym.js';
import { loadScenarios } from './scenario.js';
import { type Row, writeScore } from './score.js';

/** The root filesystem is built once per recipe (minutes, cached); boot and the core scenarios take well under one. */
const GYM_TIMEOUT_MS = 15 * 60_000;
const TOOLS = ['mmdebstrap', 'unshare', 'nsenter', 'setpriv', 'flock', 'chroot', 'ip', 'losetup'];
/**
 * The kernel's log, which the system's journald reads; loop devices, which the ext4 and I/O error scenarios attach;
 * FUSE, whose file system fails the I/O error scenario's reads.
 */
const DEVICES = ['/dev/kmsg', '/dev/loop-control', '/dev/fuse'];

function onSystemPath(command: string): boolean {
  return SYSTEM_PATH.split(':').some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why this machine cannot boot the gym's system, or undefined when it can. */
function unmetRequirement(): string | undefined {
  if (process.getuid?.() !== 0) return 'the gym needs root (namespaces, mounts, a cgroup of its own)';
  const missing = TOOLS.filter((tool) => !onSystemPath(tool));
  if (missing.length > 0) {
    return `the gym needs ${missing.join(', ')} (apt-get install mmdebstrap util-linux mount iproute2)`;
  }
  const absent = DEVICES.filter((device) => !existsSync(device));
  if (absent.length > 0) return `the gym needs ${absent.join(' and ')} from the host's kernel`;
  return undefined;
}
const unmet = unmetRequirement();

describe('the gym: Steward in a booted Debian system', () => {
  let score: Score;
  const row = (name: string): Row => {
    const found = score.rows.find((candidate) => candidate.scenario === name);
    if (!found) throw new Error(`no row for ${name}`);
    return found;
  };

  beforeEach(() => {
    if (unmet) pending(unmet);
  });

  beforeAll(async () => {
    if (unmet && process.env.CI === 'true') throw new Error(`${unmet}; CI must run it`);
    if (unmet) return;
    const core = (await loadScenarios()).filter((scenario) => scenario.core);
    score = await runGym(core);
    await writeScore(join(process.cwd(), 'test-results', 'gym', 'core-score.json'), score);
  }, GYM_TIMEOUT_MS);

  it('runs every core scenario', () => {
    expect(score.rows.map((r) => r.scenario).sort()).toEqual([
      'boot-noise',
      'crash-loop',
      'ext4-corrupted',
      'forged-lines',
      'forged-shell-moved-cgroup',
      'forged-shell-other-user',
      'forged-shell-system-account',
      'forged-shell-unit-name',
      'masked-dependency',
      'oom-memory-max',
      'other-user-pipewire',
      'storage-io-error',
      'unit-exits-1',
      'user-unit-fails',
      'workdir-missing',
    ]);
  });

  it('holds every scenario to one open proposal per finding and no restart while a check fails', () => {
    expect(score.rules)
      .withContext(scoreTable(score))
      .toEqual(jasmine.objectContaining({ duplicates: 0, restartsWhileFailing: 0 }));
    // The gym made checks of its own while faults stood, and found them failing, so the rule was tried.
    expect(score.rules.checksFailed).withContext(scoreTable(score)).toBeGreaterThan(0);
  });

  it('heals a service that exited 1 once its cause is gone: detected, restarted through polkit, undone', () => {
    expect(row('unit-exits-1'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          detected: true,
          finding: jasmine.objectContaining({ kind: 'unit-failed', subject: 'gym-worker.service' }),
          firstStep: { expected: 'info.unit_failure', got: 'info.unit_failure', right: true },
          applied: { state: 'fixed', right: true },
          healthy: true,
          resolved: true,
          undone: true,
          pass: true,
        }),
      );
  });

  // Was an integration spec against python-dbusmock's systemd: the whole path from a real user manager's
  // signals and journal to the Findings interface, and back to resolved once the unit runs again.
  it('reports a user unit as it fails, with its exit code, and resolves it when it is active again', () => {
    expect(row('user-unit-fails'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          finding: {
            kind: 'unit-failed',
            subject: 'gym-sync.service',
            title: 'gym-sync.service failed (exit code 1)',
            severity: 'error',
          },
          applied: { state: 'fixed', right: true },
          healthy: true,
          resolved: true,
          undone: true,
          pass: true,
        }),
      );
  });

  it('sees a crash loop for what it is, clears the start limit before starting it again, and resolves it then', () => {
    expect(row('crash-loop'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          detected: true,
          finding: jasmine.objectContaining({ kind: 'crash-loop', subject: 'gym-flappy.service' }),
          applied: { state: 'fixed', right: true },
          healthy: true,
          // The start's verification saw the unit active: nothing else tells that a crash loop ended.
          resolved: true,
          undone: true,
          pass: true,
        }),
      );
  });

  it('offers no restart while the working directory is missing, shows the setting, and restarts once it exists', () => {
    expect(row('workdir-missing'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          finding: jasmine.objectContaining({ kind: 'unit-failed', subject: 'gym-site.service' }),
          // The scenario's notOffered: the first proposal has no restart.
          firstStep: { expected: 'info.unit_failure', got: 'info.unit_failure', right: true },
          firstShown: jasmine.stringContaining('The setting behind it: WorkingDirectory=/srv/gym-site'),
          applied: { state: 'fixed', right: true },
          healthy: true,
          resolved: true,
          undone: true,
          pass: true,
        }),
      );
  });

  it('unmasks a masked requirement as a second step, then offers and applies the restart it allows', () => {
    expect(row('masked-dependency'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          finding: jasmine.objectContaining({ kind: 'unit-failed', subject: 'gym-app.service' }),
          firstShown: jasmine.stringContaining('It requires gym-db.service, which is masked'),
          applied: { state: 'fixed', right: true },
          healthy: true,
          resolved: true,
          undone: true,
          pass: true,
        }),
      );
  });

  // The kernel's own lines (/dev/kmsg, read by the system's journald) about a loop device's ext4 whose directory
  // block fails its checksum; what sysfs and the mount table say of it after the kernel made it read-only.
  it('finds a corrupted ext4 from the kernel’s lines, and shows the device, its errors and that it went read-only', () => {
    expect(row('ext4-corrupted'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          detected: true,
          finding: jasmine.objectContaining({ kind: 'filesystem-error', subject: jasmine.stringMatching(/^loop\d+$/) }),
          firstStep: { expected: 'info.filesystem_errors', got: 'info.filesystem_errors', right: true },
          applied: { state: 'done', right: true },
          shown: jasmine.stringMatching(/^\/dev\/loop\d+ \(ext4\) is mounted on \/srv\/data and is read-only now/),
          pass: true,
        }),
      );
    expect(row('ext4-corrupted').shown).toContain('The kernel recorded 1 error on it since its last check (fsck).');
  });

  // The block layer's own line about a loop device whose backing file's reads fail (a FUSE file system answering
  // EIO); UDisks2 does not run there, and what the kernel publishes names the file and the file system under it.
  it('finds a loop device’s I/O error from the kernel’s line, and shows the file behind it and its FUSE file system', () => {
    expect(row('storage-io-error'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          detected: true,
          finding: jasmine.objectContaining({ kind: 'storage-error', subject: jasmine.stringMatching(/^loop\d+$/) }),
          firstStep: { expected: 'info.block_device', got: 'info.block_device', right: true },
          applied: { state: 'done', right: true },
          shown: jasmine.stringMatching(/^\/dev\/loop\d+ as the kernel sees it:\n/),
          pass: true,
        }),
      );
    expect(row('storage-io-error').shown).toMatch(
      /^\/dev\/loop\d+ is a loop device: its data is the file \/srv\/failing\/disk\.img\.$/m,
    );
    expect(row('storage-io-error').shown).toContain(
      'That file is on /srv/failing, a FUSE file system (fuse, from gym-failing-image)',
    );
  });

  // The kernel's OOM kill in a v1 memory cgroup named as systemd names the service's (the host's controller, which
  // the system's cgroup2 lacks); the PID in its lines is the host's.
  it('finds a service the kernel killed at its memory limit, and shows what it held against that limit', () => {
    expect(row('oom-memory-max'))
      .withContext(scoreTable(score))
      .toEqual(
        jasmine.objectContaining({
          detected: true,
          finding: jasmine.objectContaining({ kind: 'oom-kill', subject: 'gym-hog.service' }),
          firstStep: { expected: 'info.oom_kill', got: 'info.oom_kill', right: true },
          applied: { state: 'done', right: true },
          shown: jasmine.stringMatching(
            /the kernel killed tail \(PID \d+\) at its memory limit in \/.*gym-hog\.service/,
          ),
          pass: true,
        }),
      );
    expect(row('oom-memory-max').shown).toContain('against a limit of 34 MB');
  });

  it('makes no actionable proposal from lines an unprivileged process forged as systemd and the kernel', () => {
    expect(row('forged-lines'))
      .withContext(scoreTable(score))
      .toEqual(jasmine.objectContaining({ pass: true }));
  });

  // Issue 62: GNOME Shell's words from processes that are not the session's shell, with real _UID, unit and _EXE.
  const FORGED_SHELL: [string, string][] = [
    ['forged-shell-other-user', 'another user in an ssh session'],
    ['forged-shell-system-account', 'a system account from cron'],
    ['forged-shell-unit-name', "the user's own process in a unit named like the shell's"],
    ['forged-shell-moved-cgroup', "the user's own process moved into the shell's cgroup"],
  ];
  for (const [name, writer] of FORGED_SHELL)
    it(`raises nothing from GNOME Shell's words written by a copy of logger named gnome-shell: ${writer}`, () => {
      expect(row(name))
        .withContext(scoreTable(score))
        .toEqual(jasmine.objectContaining({ reason: null, pass: true }));
    });

  it("raises nothing from another user's service manager reporting its own PipeWire failure", () => {
    expect(row('other-user-pipewire'))
      .withContext(scoreTable(score))
      .toEqual(jasmine.objectContaining({ reason: null, pass: true }));
  });

  it('raises nothing for an ordinary boot and an administrator’s ordinary actions', () => {
    expect(row('boot-noise'))
      .withContext(scoreTable(score))
      .toEqual(jasmine.objectContaining({ pass: true }));
  });
});
