// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Evidence } from '../../../service/src/findings/types.js';
import type { Preview } from '../../../service/src/fixes/action.js';
import { type CandidateAction, isActionableUnit, Playbooks } from '../../../service/src/fixes/playbooks.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { networkLinks } from '../../../service/src/kinds/noRoute/actions.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext } from './actionContext.js';

const PLAYBOOKS = new Playbooks(KINDS);

const CURSOR =
  's=a00a50bf35dd4661a29607640a08d0e6;i=a;b=5f0c1e2d3a4b4c6d8e9fa0b1c2d3e4f5;m=3f2;t=60a24181e6710;x=40eb1afc';
const FIRST_SEEN = new Date('2026-03-01T10:00:00Z');
/** The kernel's summary line comes just before the kill line the finding was raised at. */
const OOM_SINCE = new Date(FIRST_SEEN.getTime() - 10_000).toISOString();

const finding = (kind: string, subject: string, evidence: Partial<Evidence>[] = [{}]) =>
  findingWithEvidence(kind, subject, {
    firstSeen: FIRST_SEEN,
    lastSeen: FIRST_SEEN,
    evidence: evidence.map((fields) => ({
      kind: 'journal',
      text: 'a log line',
      cursor: CURSOR,
      journal: 'system',
      at: FIRST_SEEN,
      ...fields,
    })),
  });

describe('playbooks', () => {
  let temp: TempDir;
  /** Units the fake user manager knows; every other action previews as fitting. */
  let userUnits: string[];
  /** Actions that do not fit this machine now. */
  let unfit: string[];
  /** Read-only steps with nothing to show now (a port or a lock nobody holds): an empty preview, as the real ones. */
  let nothingToShow: string[];
  const tools = () => ({
    context: homeContext(temp.path),
    async preview(candidate: CandidateAction): Promise<Preview | null> {
      if (unfit.includes(candidate.name)) return null;
      if (nothingToShow.includes(candidate.name)) return { summary: '', details: [], changesNothing: true };
      if (candidate.name !== 'systemd.start_unit')
        return { summary: '', details: [`details of ${candidate.name}`], changesNothing: false };
      const { unit, scope } = candidate.params as { unit: string; scope: string };
      return scope === 'user' && userUnits.includes(unit) ? { summary: '', details: [], changesNothing: false } : null;
    },
  });
  const draft = (kind: string, subject: string, evidence?: Partial<Evidence>[]) =>
    PLAYBOOKS.draftFor(finding(kind, subject, evidence), tools());
  const names = async (kind: string, subject: string, evidence?: Partial<Evidence>[]) =>
    (await draft(kind, subject, evidence))?.actions.map((action) => action.name);

  beforeEach(async () => {
    temp = await makeTempDir();
    userUnits = ['backup.service'];
    unfit = [];
    nothingToShow = [];
  });
  afterEach(() => temp.remove());

  it('starts each kind with its first step', async () => {
    const firstSteps: [string, string, string | undefined][] = [
      ['unit-failed', 'backup.service', 'info.unit_failure'],
      ['crash-loop', 'backup.service', 'info.unit_failure'],
      ['coredump', '/usr/bin/foo', 'info.coredump'],
      ['crash', 'foo', 'info.show_logs'],
      ['oom-kill', 'firefox', 'info.oom_kill'],
      ['storage-error', 'sda', 'info.disk_health'],
      ['filesystem-error', 'sda1', 'info.filesystem_errors'],
      ['gpu-fault', 'nvidia', 'info.show_logs'],
      ['auth-failures', 'sudo', 'info.auth_attempts'],
      ['package-manager-error', 'apt', 'info.show_logs'],
      ['no-space', temp.path, 'info.disk_usage'],
      ['disk-low', '/', 'info.disk_usage'],
      ['disk-critical', '/', 'info.disk_usage'],
      ['inode-exhaustion', '/', 'info.inode_usage'],
      ['memory-pressure', '', 'info.memory_use'],
      ['network-failure', 'enp3s0', 'network.reconnect'],
      ['link-down', 'enp3s0', 'info.link_state'],
      ['wifi-secrets', 'wlan0', 'network.connect_device'],
      ['no-connectivity', '', 'network.reconnect'],
      ['captive-portal', '', 'network.open_portal'],
      ['dns-failure', '', 'info.dns_servers'],
      ['config-error', '/etc/nginx/nginx.conf', 'config.show_error'],
      ['config-changed-before-failure', 'backup.service', 'config.restore'],
      ['thermal-throttling', '', 'info.thermal'],
    ];
    for (const [kind, subject, first] of firstSteps) {
      const evidence =
        kind === 'config-error'
          ? [{ path: '/etc/nginx/nginx.conf', line: 12 }]
          : kind === 'config-changed-before-failure'
            ? [{ kind: 'file' as const, path: '/etc/backup.conf' }]
            : undefined;
      const result = await draft(kind, subject, evidence);
      expect(result).withContext(kind).not.toBeNull();
      expect(result?.actions[0]?.name).withContext(kind).toBe(first);
      expect(result?.title).withContext(kind).toBeTruthy();
      expect(result?.explanation)
        .withContext(kind)
        .toContain(`${subject || 'something'} went wrong`);
    }
  });

  it('shows the session’s cgroup for the session’s memory pressure, and the machine’s alone for the machine’s', async () => {
    const session = '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service';
    const sessions = await draft('memory-pressure', 'user@1000.service', [
      { kind: 'metric', text: 'memory pressure of user@1000.service: …', path: `${session}/memory.pressure` },
    ]);
    expect(sessions?.actions).toEqual([{ name: 'info.memory_use', params: { cgroup: session } }]);
    const machine = await draft('memory-pressure', '', [
      { kind: 'metric', text: 'memory pressure: …', path: '/proc/pressure/memory' },
    ]);
    expect(machine?.actions).toEqual([{ name: 'info.memory_use', params: {} }]);
  });

  it('shows the links the kernel has for a lost default route, the one it went out through first, and no way back without a manager', async () => {
    const links = await networkLinks();
    expect(links.length).withContext('this machine’s network links').toBeGreaterThan(0);
    const wentOut = links.at(-1)!;
    const result = await draft('no-route', '', [
      { kind: 'text', text: 'no default route after a change on somewhere' },
      { kind: 'text', text: `route default via 10.0.0.1 dev ${wentOut}` },
    ]);
    expect(result?.actions[0]).toEqual({ name: 'info.link_state', params: { interface: wentOut } });
    expect(result?.actions.every((action) => action.name === 'info.link_state')).toBeTrue();
    expect(result?.actions.length).toBe(Math.min(links.length, 4));
    expect(result?.explanation).toContain('something went wrong');
  });

  it('connects the device whose Wi-Fi password was missing, never whichever connection is active', async () => {
    const result = await draft('wifi-secrets', 'wlan0');
    expect(result?.title).toBe('Connect wlan0 to the Wi-Fi network again');
    expect(result?.explanation).toContain('Connecting again asks for it');
    expect(result?.actions).toEqual([{ name: 'network.connect_device', params: { interface: 'wlan0' } }]);
    expect(await draft('wifi-secrets', 'Home network')).toBeNull();
  });

  it('opens the sign-in page for a captive portal, and says why', async () => {
    const result = await draft('captive-portal', '');
    expect(result?.title).toBe('Sign in to the network');
    expect(result?.explanation).toContain('it lets nothing through until you sign in there');
    expect(result?.actions).toEqual([{ name: 'network.open_portal', params: {} }]);
  });

  it('shows what systemd recorded of a crash loop and its logs first, then clears the failed state and starts it once its cause can pass: never stop beside restart', async () => {
    const result = await draft('crash-loop', 'backup.service', [
      { journal: 'user', text: "backup.service: Failed with result 'watchdog'." },
    ]);
    expect(result?.title).toBe('Find out why backup.service keeps failing');
    expect(result?.explanation).toContain('Clearing the failed state lets systemd start it again');
    // Offered between two runs too, when systemd has set its record aside for the next start.
    expect(result?.actions).toEqual([
      { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' }, evenIfNothing: true },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'systemd.reset_failed', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'systemd.start_unit', params: { unit: 'backup.service', scope: 'user' } },
    ]);
  });

  it('offers no start nor reset of a crash loop while a cause its lines give stands', async () => {
    for (const text of [
      // OpenSSH's sshd (sshd.c) when no HostKey= file can be read
      'sshd: no hostkeys available -- exiting.',
      'backup: cannot read /etc/backup.conf',
      'OSError: [Errno 99] Cannot assign requested address',
    ]) {
      const result = await draft('crash-loop', 'backup.service', [
        { journal: 'user', text: "backup.service: Failed with result 'exit-code'." },
        { journal: 'user', text },
      ]);
      const steps = result?.actions.map((action) => action.name) ?? [];
      expect(steps[0]).withContext(text).toBe('info.unit_failure');
      expect(steps).withContext(text).not.toContain('systemd.reset_failed');
      expect(steps).withContext(text).not.toContain('systemd.start_unit');
      expect(result?.explanation).withContext(text).toContain('its cause still stands, so no start is offered');
    }
  });

  it('names the command the shell could not find, and offers no restart while it is not installed', async () => {
    const result = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
      { text: '/usr/local/bin/backup: 3: gym-no-such-command: not found' },
    ]);
    expect(result?.title).toBe('See why backup.service cannot run gym-no-such-command');
    expect(result?.explanation).toContain(
      'The shell could not find the command gym-no-such-command it runs (status 127)',
    );
    expect(result?.actions.map((action) => action.name)).toEqual(['info.unit_failure', 'info.show_logs']);
  });

  it('shows the machine’s interfaces for an interface it was told of and does not have, and no restart', async () => {
    const result = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
      { text: 'dnsmasq: unknown interface gym5' },
    ]);
    expect(result?.actions).toEqual([
      { name: 'info.addresses', params: { interface: 'gym5' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    const here = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
      { text: 'dnsmasq: unknown interface lo' },
    ]);
    expect(here?.title).toBe('Restart backup.service');
  });

  it('mentions a configuration file that changed shortly before the failure with nothing linking it, as context only', async () => {
    const knownGood = join(temp.path, '.local', 'state', 'steward', 'known-good');
    await mkdir(knownGood, { recursive: true });
    const other = '/etc/gym-palette/colors.conf';
    await writeFile(
      join(knownGood, 'index.json'),
      JSON.stringify({
        version: 1,
        files: { [other]: ['b', 'a'] },
        copies: {},
        clock: 0,
        changedAt: { [other]: FIRST_SEEN.getTime() - 60_000, '/etc/long-ago.conf': FIRST_SEEN.getTime() - 3_600_000 },
      }),
    );
    const result = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
    ]);
    expect(result?.explanation).toContain(
      `Also changed recently, with nothing linking it to backup.service: ${other}.`,
    );
    expect(result?.actions.map((action) => action.name)).not.toContain('config.restore');
  });

  it('shows what systemd waited for when a start timed out, and offers no restart that waits for the same', async () => {
    expect(
      await draft('unit-failed', 'backup.service', [{ text: "backup.service: Failed with result 'timeout'." }]),
    ).toEqual(
      jasmine.objectContaining({
        title: 'See what systemd waited for while backup.service started',
        actions: [
          { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
          { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
        ],
      }),
    );
  });

  it('reads a failed unit’s logs, then restarts it when its result can pass', async () => {
    expect(
      await draft('unit-failed', 'backup.service', [{ text: "backup.service: Failed with result 'watchdog'." }]),
    ).toEqual(
      jasmine.objectContaining({
        title: 'Restart backup.service',
        actions: [
          { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
          { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
          { name: 'systemd.restart_unit', params: { unit: 'backup.service', scope: 'user' } },
        ],
        // systemd's result in a person's words, not its own keyword.
        explanation: jasmine.stringContaining('systemd says it stopped responding. That can pass'),
      }),
    );
  });

  it('offers no restart when the program stopped on an error of its own, which would recur', async () => {
    for (const text of [
      'Traceback (most recent call last):',
      "KeyError: 'token'",
      "Error: Cannot find module '/srv/app/index.js'",
      'fatal: not a git repository (or any of the parent directories): .git',
    ]) {
      const result = await draft('unit-failed', 'backup.service', [
        { text: "backup.service: Failed with result 'exit-code'." },
        { text },
      ]);
      expect(result?.title).withContext(text).toBe('See why backup.service failed');
      expect(result?.actions.map((action) => action.name))
        .withContext(text)
        .toEqual(['info.unit_failure', 'info.show_logs']);
      expect(result?.explanation).withContext(text).toContain(`“${text}”`);
    }
    // systemd's own words say only that it failed, and nothing it runs or needs changed since: no restart yet.
    const bare = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
    ]);
    expect(bare?.actions.map((action) => action.name)).toEqual(['info.unit_failure', 'info.show_logs']);
    expect(bare?.explanation).toContain('systemd says its program ended with an error, and nothing it runs');
    expect(bare?.explanation).toContain('a restart would fail the same way');
  });

  it('never takes a library’s frame in a traceback for the configuration to fix', async () => {
    // A truncated ~/.config/gym/settings.json, as Python 3.13's json module reports it from its own files.
    const result = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'exit-code'." },
      { text: 'Traceback (most recent call last):' },
      { text: '  File "/usr/lib/python3.13/json/decoder.py", line 361, in raw_decode' },
      { text: '  File "/usr/local/lib/python3.13/site-packages/gym/settings.yaml", line 12, in load' },
      { text: 'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)' },
    ]);
    expect(result?.title).toBe('See why backup.service failed');
    expect(JSON.stringify(result)).not.toContain('decoder.py');
    expect(result?.actions.map((action) => action.name)).toEqual(['info.unit_failure', 'info.show_logs']);
  });

  it('never restarts a unit systemd could not set up, and names the setting and the line', async () => {
    const lines: [string, string, string][] = [
      ['backup.service: Main process exited, code=exited, status=203/EXEC', 'EXEC', 'ExecStart='],
      ['backup.service: Control process exited, code=exited, status=217/USER', 'USER', 'User='],
      ['backup.service: Main process exited, code=exited, status=216/GROUP', 'GROUP', 'Group='],
      ['backup.service: Main process exited, code=exited, status=200/CHDIR', 'CHDIR', 'WorkingDirectory='],
      ['backup.service: Main process exited, code=exited, status=226/NAMESPACE', 'NAMESPACE', 'ReadWritePaths='],
      ['backup.service: Main process exited, code=exited, status=243/CREDENTIALS', 'CREDENTIALS', 'LoadCredential='],
      ['Failed at step EXEC spawning /opt/x/bin/x: No such file or directory', 'EXEC', 'ExecStart='],
    ];
    for (const [text, step, setting] of lines) {
      const result = await draft('unit-failed', 'backup.service', [{ text }]);
      expect(result?.actions.map((action) => action.name))
        .withContext(text)
        .toEqual(['info.unit_failure', 'info.show_logs']);
      expect(result?.explanation).withContext(text).toContain(`(step ${step})`);
      expect(result?.explanation).withContext(text).toContain(setting);
      expect(result?.explanation).withContext(text).toContain(`“${text}”`);
    }
  });

  it('names the holder of a port a unit could not bind, and restarts it only once the port is free', async () => {
    const text = 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)';
    const held = await draft('unit-failed', 'backup.service', [{ text }]);
    expect(held?.actions).toEqual([
      { name: 'info.port_holder', params: { port: 80 } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    expect(held?.explanation).toContain('(details of info.port_holder)');
    const sshd = await draft('unit-failed', 'backup.service', [
      { text: 'error: Bind to port 2222 on 0.0.0.0 failed: Address already in use.' },
    ]);
    expect(sshd?.actions[0]).toEqual({ name: 'info.port_holder', params: { port: 2222 } });
    nothingToShow = ['info.port_holder'];
    const free = await draft('unit-failed', 'backup.service', [{ text }]);
    expect(free?.title).toBe('Restart backup.service: port 80 is free now');
    expect(free?.actions.map((action) => action.name)).toEqual([
      'info.unit_failure',
      'info.show_logs',
      'systemd.restart_unit',
    ]);
  });

  it('checks the path of a missing file a unit failed on, and restarts it only once the path is there', async () => {
    const path = join(temp.path, 'etc', 'gym-board', 'board.json');
    const text = `Error: ENOENT: no such file or directory, open '${path}'`;
    const missing = await draft('unit-failed', 'backup.service', [{ text }]);
    expect(missing?.actions).toEqual([
      { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'info.path_access', params: { path, unit: 'backup.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    expect(missing?.explanation).toContain('failed with ENOENT (No such file or directory) about');
    await mkdir(path, { recursive: true });
    const there = await draft('unit-failed', 'backup.service', [{ text }]);
    expect(there?.title).toBe('Restart backup.service');
    expect(there?.actions.at(-1)?.name).toBe('systemd.restart_unit');
  });

  it('measures the full disk a unit failed on, and shows the configuration line it stopped at, without a restart', async () => {
    const full = await draft('unit-failed', 'backup.service', [
      { text: 'pg_ctl: could not write to file "/var/lib/postgresql/x": No space left on device' },
    ]);
    expect(full?.actions.map((action) => action.name)).toEqual(['info.disk_usage', 'info.show_logs']);
    const config = await draft('unit-failed', 'backup.service', [
      { text: 'AH00526: Syntax error on line 3 of /etc/apache2/sites-enabled/x.conf:' },
    ]);
    expect(config?.actions).toEqual([
      { name: 'config.show_error', params: { path: '/etc/apache2/sites-enabled/x.conf', line: 3 } },
      { name: 'config.validate', params: { path: '/etc/apache2/sites-enabled/x.conf' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    const generic = await draft('unit-failed', 'backup.service', [
      { text: 'Error: invalid value at line 7 of /etc/backup/backup.conf' },
    ]);
    expect(generic?.actions[0]).toEqual({
      name: 'config.show_error',
      params: { path: '/etc/backup/backup.conf', line: 7 },
    });
  });

  it('says which required unit is masked, shows where the mask lives, and offers unmasking only second', async () => {
    const result = await draft('unit-failed', 'backup.service', [
      { text: 'backup.service: Cannot add dependency job, ignoring: Unit postgresql.service is masked.' },
    ]);
    expect(result?.title).toBe('backup.service needs postgresql.service, which is masked');
    expect(result?.explanation).toContain('unmasking is only the second step');
    expect(result?.explanation).toContain('Unit postgresql.service is masked.');
    expect(result?.actions).toEqual([
      { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'systemd.unmask_unit', params: { unit: 'postgresql.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
  });

  it('shows what systemd recorded of a crashed unit first where no crash report was kept', async () => {
    const result = await draft('crash', 'backup.service', [{ journal: 'user' }]);
    expect(result?.actions).toEqual([
      { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    expect(result?.explanation).toContain('the package it comes from');
    unfit = ['info.unit_failure'];
    expect(await names('crash', 'backup.service', [{ journal: 'user' }])).toEqual(['info.show_logs']);
  });

  it('shows the crash report of a core dump first, naming the program as people know it', async () => {
    expect((await draft('coredump', '/usr/bin/foo'))?.title).toBe('See why foo crashed');
    expect((await draft('coredump', '/usr/bin/foo'))?.actions).toEqual([
      { name: 'info.coredump', params: { cursor: CURSOR, scope: 'system' } },
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } },
    ]);
  });

  it('names who holds a package lock, says when it is free, and gives the command for an interrupted dpkg', async () => {
    const text = 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt)';
    const held = await draft('package-manager-error', 'apt', [{ text }]);
    expect(held?.actions[0]).toEqual({ name: 'info.lock_holder', params: { path: '/var/lib/dpkg/lock-frontend' } });
    expect(held?.explanation).toContain('details of info.lock_holder');
    unfit = ['info.lock_holder'];
    const free = await draft('package-manager-error', 'apt', [{ text }]);
    expect(free?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
    expect(free?.explanation).toContain('No process holds /var/lib/dpkg/lock-frontend now');
  });

  it('finishes an interrupted dpkg run first, and only once a failed one’s cause is read', async () => {
    const own = { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR, sameWriter: true } };
    const repair = { name: 'packages.repair_system', params: {} };
    const interruptedLine = {
      text: "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.",
    };
    const interrupted = await draft('package-manager-error', 'dpkg', [interruptedLine]);
    expect(interrupted?.actions).toEqual([repair, own]);
    expect(interrupted?.explanation).toContain('`dpkg --configure -a`');
    expect(interrupted?.explanation).toContain('cannot be undone');
    // A maintainer script failed: finishing again fails the same way until its cause is fixed.
    const failed = await draft('package-manager-error', 'gym-tool', [
      { text: 'dpkg: error processing package gym-tool (--configure):' },
    ]);
    expect(failed?.actions).toEqual([{ name: 'info.dpkg_audit', params: {} }, own, repair]);
    expect(failed?.explanation).toContain('which packages dpkg’s database holds unfinished');
    // dpkg's database shows nothing left: no repair, and the explanation says the run was finished since.
    unfit = ['packages.repair_system'];
    const finished = await draft('package-manager-error', 'dpkg', [interruptedLine]);
    expect(finished?.actions).toEqual([own]);
    expect(finished?.explanation).toContain('nothing left to finish');
    // Other apt errors are not about an unfinished run.
    unfit = [];
    expect(await names('package-manager-error', 'foo', [{ text: 'E: Unable to locate package foo' }])).toEqual([
      'info.show_logs',
    ]);
  });

  it('says who tried to sign in and from where', async () => {
    const result = await draft('auth-failures', 'sshd', [
      { text: 'Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2' },
      { text: 'Failed password for root from 203.0.113.9 port 4243 ssh2' },
      { text: 'Failed password for invalid user admin from 198.51.100.7 port 22 ssh2' },
    ]);
    expect(result?.explanation).toContain('Attempts as admin, root from 203.0.113.9, 198.51.100.7.');
  });

  it('runs nothing for a GPU fallen off the bus, and says why', async () => {
    const result = await draft('gpu-fault', 'nvidia', [
      { text: 'NVRM: GPU 0000:01:00.0: GPU has fallen off the bus.' },
    ]);
    expect(result?.title).toBe('The graphics card stopped answering');
    expect(result?.explanation).toContain('no command brings it back');
    expect(result?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
  });

  it('never names init.scope or any scope as a target, nor a unit systemd does not know', async () => {
    userUnits.push('init.scope', 'session-2.scope');
    for (const subject of ['init.scope', 'session-2.scope', 'gone.service', '$(reboot).service'])
      for (const kind of ['unit-failed', 'crash-loop'])
        expect(await draft(kind, subject))
          .withContext(`${kind} ${subject}`)
          .toBeNull();
    // Other kinds read the lines around the evidence instead of a scope's log.
    expect((await draft('oom-kill', 'init.scope'))?.actions).toEqual([
      { name: 'info.oom_kill', params: { since: OOM_SINCE } },
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } },
    ]);
    expect(isActionableUnit('init.scope')).toBeFalse();
    expect(isActionableUnit('app-gnome-x-1.scope')).toBeFalse();
    expect(isActionableUnit('(resolved')).toBeFalse();
    expect(isActionableUnit('backup.service')).toBeTrue();
  });

  it('reads the log of a unit named by another kind of finding', async () => {
    userUnits.push('build.service');
    expect((await draft('oom-kill', 'build.service', [{ journal: 'user' }]))?.actions).toEqual([
      { name: 'info.oom_kill', params: { since: OOM_SINCE, unit: 'build.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'build.service', scope: 'user' } },
    ]);
  });

  it('reads a finding from an extra journal directory there', async () => {
    const directory = '/var/lib/machines/box/journal';
    const result = await draft('crash-loop', 'backup.service', [{ journal: directory }]);
    expect(result?.actions[1]).toEqual({
      name: 'info.show_logs',
      params: { unit: 'backup.service', scope: 'user', directory },
    });
    expect((await draft('oom-kill', 'firefox', [{ journal: directory }]))?.actions).toEqual([
      { name: 'info.oom_kill', params: { since: OOM_SINCE, directory } },
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR, directory } },
    ]);
  });

  it('reads the user journal for a finding from it, and the journal since the finding began without a cursor', async () => {
    // The attempts are counted from the detector's window before the finding was raised.
    const since = new Date(FIRST_SEEN.getTime() - 10 * 60_000).toISOString();
    expect((await draft('auth-failures', 'sudo', [{ journal: 'user' }]))?.actions).toEqual([
      { name: 'info.auth_attempts', params: { cursor: CURSOR, since, scope: 'user' } },
      { name: 'info.show_logs', params: { scope: 'user', cursor: CURSOR, sameWriter: true } },
    ]);
    expect((await draft('package-manager-error', 'apt', [{ cursor: undefined, journal: undefined }]))?.actions).toEqual(
      [{ name: 'info.show_logs', params: { scope: 'system', since: FIRST_SEEN.toISOString() } }],
    );
  });

  it('keeps the missing-package fix: install first', async () => {
    // Without a system bus PackageKit cannot be asked: the logs, and no restart of a program that is missing.
    expect(
      await names('unit-failed', 'backup.service', [
        { text: 'Failed to locate executable /usr/bin/backup: No such file or directory' },
      ]),
    ).toEqual(['info.unit_failure', 'info.show_logs']);
  });

  it('reads the logs of a failed unit first only where systemd recorded no ended process', async () => {
    unfit = ['info.unit_failure'];
    expect(
      await names('unit-failed', 'backup.service', [{ text: "backup.service: Failed with result 'watchdog'." }]),
    ).toEqual(['info.show_logs', 'systemd.restart_unit']);
  });

  it('shows what a unit killed for memory held, and offers no restart that grows into the same kill', async () => {
    const result = await draft('unit-failed', 'backup.service', [
      { text: "backup.service: Failed with result 'oom-kill'." },
    ]);
    expect(result?.title).toBe('See what backup.service held when it was killed for memory');
    expect(result?.actions).toEqual([
      { name: 'info.oom_kill', params: { since: OOM_SINCE, unit: 'backup.service', scope: 'user' } },
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
    ]);
  });

  it('restarts a unit killed by SIGKILL only where the kernel’s lines show no OOM kill in its cgroup', async () => {
    const killed = [{ text: "backup.service: Failed with result 'signal'." }];
    expect(await draft('unit-failed', 'backup.service', killed)).toEqual(
      jasmine.objectContaining({
        actions: [
          { name: 'info.oom_kill', params: { since: OOM_SINCE, unit: 'backup.service', scope: 'user', inUnit: true } },
          { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
        ],
      }),
    );
    unfit = ['info.oom_kill'];
    expect(await names('unit-failed', 'backup.service', killed)).toEqual([
      'info.unit_failure',
      'info.show_logs',
      'systemd.restart_unit',
    ]);
  });

  it('shows what fills the mount of a full disk first, then what frees it', async () => {
    await mkdir(join(temp.path, '.local', 'share', 'Trash'), { recursive: true });
    const result = await draft('no-space', `${temp.path}/build/out.o`, [{ path: `${temp.path}/build/out.o` }]);
    expect(result?.title).toMatch(/^Free space on \//);
    const [first] = result!.actions;
    expect(first?.name).toBe('info.disk_usage');
    const mount = (first?.params as { path: string }).path;
    expect(`${temp.path}/`.startsWith(mount === '/' ? '/' : `${mount}/`)).toBeTrue();
    // The temporary home is on that mount: its trash is offered after the measurement.
    expect(result?.actions.map((action) => action.name)).toContain('files.empty_trash');
  });

  it('measures the root for a full disk a program reported without naming a path', async () => {
    const result = await draft('no-space', 'node', [{ text: 'Error: ENOSPC: no space left on device, write' }]);
    expect(result?.actions[0]).toEqual({ name: 'info.disk_usage', params: { path: '/' } });
  });

  it('shows a configuration error’s line, runs the validator, and offers the known-good copy', async () => {
    const result = await draft('config-error', '/etc/nginx/sites-enabled/default', [
      {
        text: 'nginx: [emerg] unknown directive "servr" in /etc/nginx/sites-enabled/default:12',
        path: '/etc/nginx/sites-enabled/default',
        line: 12,
      },
    ]);
    expect(result?.title).toBe('Fix the error in /etc/nginx/sites-enabled/default');
    expect(result?.actions).toEqual([
      { name: 'config.show_error', params: { path: '/etc/nginx/sites-enabled/default', line: 12 } },
      { name: 'config.validate', params: { path: '/etc/nginx/sites-enabled/default' } },
      { name: 'config.restore', params: { path: '/etc/nginx/sites-enabled/default' } },
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR, sameWriter: true } },
    ]);
    expect(result?.explanation).toContain('refused line 12 of /etc/nginx/sites-enabled/default');
    expect(result?.explanation).toContain('unknown directive "servr"');
    const withoutLine = await draft('config-error', '/etc/x.conf', [{ path: '/etc/x.conf' }]);
    expect(withoutLine?.actions.map((action) => action.name)).toEqual([
      'config.validate',
      'config.restore',
      'info.show_logs',
    ]);
  });

  it('puts back the configuration a unit worked with first, its record after, and holds the restart back until the file changed again', async () => {
    const conf = '/home/alice/.config/backup.conf';
    const result = await draft('config-changed-before-failure', 'backup.service', [
      { kind: 'file', text: `${conf} changed (previous version 5d41402a)`, path: conf },
      { text: "backup.service: Failed with result 'exit-code'.", journal: 'user' },
    ]);
    expect(result?.title).toBe('Put back the configuration backup.service worked with');
    // No manager answers here, so nothing says the file changed since the failure: no restart yet.
    expect(result?.actions).toEqual([
      { name: 'config.restore', params: { path: conf } },
      { name: 'info.unit_failure', params: { unit: 'backup.service', scope: 'user' } },
    ]);
    expect(result?.explanation).toContain('once the file is back, Steward offers to restart the service');
    // A unit this machine's systemd does not know: only the restore.
    const unknown = await draft('config-changed-before-failure', 'gone.service', [{ kind: 'file', path: conf }]);
    expect(unknown?.actions).toEqual([{ name: 'config.restore', params: { path: conf } }]);
  });

  it('gives a changed configuration it cannot put back (a system file, no copy kept) the failed unit’s own steps', async () => {
    const evidence: Partial<Evidence>[] = [
      { kind: 'file', text: '/etc/backup.conf changed (previous version 5d41402a)', path: '/etc/backup.conf' },
      { text: "backup.service: Failed with result 'exit-code'.", journal: 'user' },
    ];
    unfit = ['config.restore'];
    const result = await draft('config-changed-before-failure', 'backup.service', evidence);
    const failed = await draft('unit-failed', 'backup.service', evidence);
    expect(result?.actions).toEqual(failed!.actions);
    expect(result?.actions[0]?.name).toBe('info.unit_failure');
    expect(result?.explanation).toContain('backup.service went wrong');
  });

  it('chooses a configuration error’s first step by what this computer holds now', async () => {
    const evidence = [
      { text: '/etc/ssh/sshd_config: line 156: Bad configuration option: X', path: '/etc/ssh/sshd_config', line: 156 },
    ];
    // The file cannot be shown here (not there, no such line, not readable): the daemon's own check comes first.
    unfit = ['config.show_error'];
    const checked = await draft('config-error', '/etc/ssh/sshd_config', evidence);
    expect(checked?.actions.map((action) => action.name)).toEqual([
      'config.validate',
      'config.restore',
      'info.show_logs',
    ]);
    expect(checked?.explanation).toContain('cannot show that line here');
    // Nor a check of its own installed: the daemon's own lines around the error, and never a guess at the file.
    unfit = ['config.show_error', 'config.validate'];
    const read = await draft('config-error', '/etc/ssh/sshd_config', evidence);
    expect(read?.actions.map((action) => action.name)).toEqual(['info.show_logs', 'config.restore']);
    expect(read?.actions[0]?.params).toEqual({ scope: 'system', cursor: CURSOR, sameWriter: true });
    expect(read?.explanation).toContain('Bad configuration option: X');
    expect(read?.explanation).toContain('line 156 of /etc/ssh/sshd_config');
  });

  it('shows the DNS servers where no resolved answers, and the heat of a hot machine with the kernel’s line', async () => {
    const dns = await draft('dns-failure', '192.168.1.1');
    expect(dns?.actions.map((action) => action.name)).toEqual(['info.dns_servers', 'info.show_logs']);
    expect(dns?.actions[0]?.params).toEqual({ server: '192.168.1.1' });
    expect(dns?.explanation).toContain('does not resolve through systemd-resolved');
    const dnssec = await draft('dns-failure', '', [
      { text: 'DNSSEC validation failed for question example.com IN A: signature-expired' },
    ]);
    expect(dnssec?.title).toBe('See which DNS answer did not validate');
    expect(dnssec?.explanation).toContain('Flushing the cache asks the same server again and changes nothing');
    expect(dnssec?.actions.map((action) => action.name)).toEqual(['info.dns_servers', 'info.show_logs']);
    const hot = await draft('thermal-throttling', '', [
      { text: 'CPU2: Package temperature above threshold, cpu clock throttled (total events = 12705)' },
    ]);
    expect(hot?.title).toBe('See what heats the computer');
    expect(hot?.actions).toEqual([{ name: 'info.thermal', params: {} }]);
    expect(hot?.explanation).toContain('slows down to cool off');
    expect(hot?.explanation).toContain(
      'The kernel reported: “CPU2: Package temperature above threshold, cpu clock throttled (total events = 12705)”.',
    );
    expect(hot?.explanation).toContain('Clean the vents');
  });

  it('says a restart loads the new NVIDIA module when the driver and its libraries differ, and reads the logs of a GPU fault', async () => {
    const mismatch = await draft('gpu-fault', 'nvidia', [
      { text: 'Failed to initialize NVML: Driver/library version mismatch' },
    ]);
    expect(mismatch?.title).toBe('See which NVIDIA driver versions differ');
    expect(mismatch?.explanation).toContain('restarting the computer loads the new module');
    expect(mismatch?.actions).toEqual([
      { name: 'info.gpu_driver_versions', params: {} },
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } },
    ]);
    const hang = await draft('gpu-fault', 'amdgpu 0000:03:00.0', [
      { text: 'amdgpu 0000:03:00.0: amdgpu: ring gfx_0.0.0 timeout, signaled seq=1212, emitted seq=1214' },
    ]);
    expect(hang?.title).toBe('See what the graphics driver reported');
    expect(hang?.actions).toEqual([{ name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } }]);
  });

  it('shows what the kernel recorded of a file system first, SMART next, and names the kernel’s line', async () => {
    const line =
      'EXT4-fs error (device sda1): htree_dirblock_to_tree:1051: inode #12: block 1: comm ls: Directory block failed checksum';
    const result = await draft('filesystem-error', 'sda1', [{ text: line }]);
    expect(result?.actions.map((action) => action.name)).toEqual([
      'info.filesystem_errors',
      'info.disk_health',
      'info.show_logs',
    ]);
    expect(result?.actions[0]?.params).toEqual({ device: 'sda1' });
    expect(result?.explanation).toContain(`The kernel reported: “${line}”.`);
    // Nothing of the device mounted and nothing in sysfs: SMART first, as before.
    unfit = ['info.filesystem_errors'];
    expect(await names('filesystem-error', 'sda1')).toEqual(['info.disk_health', 'info.show_logs']);
  });

  it('shows a failing disk as the kernel sees it after SMART, or first where UDisks2 does not know it', async () => {
    const line = 'I/O error, dev sda, sector 8192 op 0x0:(READ) flags 0x800 phys_seg 1 prio class 2';
    const known = await draft('storage-error', 'sda', [{ text: line }]);
    expect(known?.actions.map((action) => action.name)).toEqual([
      'info.disk_health',
      'info.block_device',
      'info.show_logs',
    ]);
    expect(known?.actions[1]?.params).toEqual({ device: 'sda' });
    expect(known?.explanation).toContain(`The kernel reported: “${line}”.`);
    unfit = ['info.disk_health'];
    const unknown = await draft('storage-error', 'sda', [{ text: line }]);
    expect(unknown?.actions.map((action) => action.name)).toEqual(['info.block_device', 'info.show_logs']);
    expect(unknown?.explanation).toContain('UDisks2 does not run here or does not know sda, so');
    // Neither UDisks2 nor the kernel knows it (a drive gone): the lines alone, and why.
    unfit = ['info.disk_health', 'info.block_device'];
    const gone = await draft('storage-error', 'sdz', [{ text: line }]);
    expect(gone?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
    expect(gone?.explanation).toContain('the kernel has no disk of that name now: the log shows what failed.');
  });

  it('shows the file behind a loop device first for its storage errors, never SMART', async () => {
    // No such loop device on this machine: the explanation says it is attached to no file.
    const line = 'I/O error, dev loop4095, sector 8192 op 0x0:(READ) flags 0x800 phys_seg 1 prio class 2';
    const result = await draft('storage-error', 'loop4095', [{ text: line }]);
    expect(result?.title).toBe('Check the file behind the loop device that reported errors');
    expect(result?.actions.map((action) => action.name)).toEqual(['info.block_device', 'info.show_logs']);
    expect(result?.actions[0]?.params).toEqual({ device: 'loop4095' });
    expect(result?.explanation).toContain(`The kernel reported: “${line}”.`);
    expect(result?.explanation).toContain('/dev/loop4095 is a loop device, attached to no file now.');
  });

  it('explains backups and SMART for storage and file system errors', async () => {
    for (const kind of ['storage-error', 'filesystem-error']) {
      const result = await draft(kind, 'sda');
      expect(result?.explanation).withContext(kind).toContain('back up what matters now');
      expect(result?.explanation).withContext(kind).toContain('SMART');
    }
  });
});
