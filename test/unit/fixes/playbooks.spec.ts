// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { FindingWithEvidence } from '../../../service/src/findings/store.js';
import type { Evidence } from '../../../service/src/findings/types.js';
import type { Preview } from '../../../service/src/fixes/action.js';
import { type CandidateAction, draftFor, isActionableUnit } from '../../../service/src/fixes/playbooks.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext } from './actionContext.js';

const CURSOR =
  's=a00a50bf35dd4661a29607640a08d0e6;i=a;b=5f0c1e2d3a4b4c6d8e9fa0b1c2d3e4f5;m=3f2;t=60a24181e6710;x=40eb1afc';
const FIRST_SEEN = new Date('2026-03-01T10:00:00Z');

const finding = (kind: string, subject: string, evidence: Partial<Evidence>[] = [{}]): FindingWithEvidence => ({
  id: 1,
  kind,
  subject,
  severity: 'error',
  title: `${subject || 'something'} went wrong`,
  state: 'active',
  firstSeen: FIRST_SEEN,
  lastSeen: FIRST_SEEN,
  resolvedAt: null,
  count: 1,
  ignored: false,
  explanation: null,
  likelyCause: null,
  vouchedBy: 'system-manager',
  reportedBy: 'systemd',
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
  const tools = () => ({
    context: homeContext(temp.path),
    async preview(candidate: CandidateAction): Promise<Preview | null> {
      if (candidate.name !== 'systemd.start_unit') return { summary: '', details: [], changesNothing: false };
      const { unit, scope } = candidate.params as { unit: string; scope: string };
      return scope === 'user' && userUnits.includes(unit) ? { summary: '', details: [], changesNothing: false } : null;
    },
  });
  const draft = (kind: string, subject: string, evidence?: Partial<Evidence>[]) =>
    draftFor(finding(kind, subject, evidence), tools());
  const names = async (kind: string, subject: string, evidence?: Partial<Evidence>[]) =>
    (await draft(kind, subject, evidence))?.actions.map((action) => action.name);

  beforeEach(async () => {
    temp = await makeTempDir();
    userUnits = ['backup.service'];
  });
  afterEach(() => temp.remove());

  it('starts each kind with the first step the corpus expects', async () => {
    const firstSteps: [string, string, string | undefined][] = [
      ['unit-failed', 'backup.service', 'info.show_logs'],
      ['crash-loop', 'backup.service', 'info.show_logs'],
      ['coredump', '/usr/bin/foo', 'info.show_logs'],
      ['crash', 'foo', 'info.show_logs'],
      ['oom-kill', 'firefox', 'info.show_logs'],
      ['storage-error', 'sda', 'info.show_logs'],
      ['filesystem-error', 'sda1', 'info.show_logs'],
      ['gpu-fault', 'nvidia', 'info.show_logs'],
      ['auth-failures', 'sudo', 'info.show_logs'],
      ['package-manager-error', 'apt', 'info.show_logs'],
      ['no-space', temp.path, 'info.disk_usage'],
      ['disk-low', '/', 'info.disk_usage'],
      ['disk-critical', '/', 'info.disk_usage'],
      ['network-failure', 'enp3s0', 'network.reconnect'],
      ['link-down', 'enp3s0', 'network.reconnect'],
      ['wifi-secrets', 'wlan0', 'network.reconnect'],
      ['no-connectivity', '', 'network.reconnect'],
      ['dns-failure', '', 'network.flush_dns'],
      ['config-error', 'nginx.service', 'config.show_error'],
      ['thermal-throttling', '', undefined],
    ];
    for (const [kind, subject, first] of firstSteps) {
      const evidence = kind === 'config-error' ? [{ path: '/etc/nginx/nginx.conf', line: 12 }] : undefined;
      const result = await draft(kind, subject, evidence);
      expect(result).withContext(kind).not.toBeNull();
      expect(result?.actions[0]?.name).withContext(kind).toBe(first);
      expect(result?.title).withContext(kind).toBeTruthy();
      expect(result?.explanation)
        .withContext(kind)
        .toContain(`${subject || 'something'} went wrong`);
    }
  });

  it('reads a crash loop’s logs first, then clears the failed state and starts it: never stop beside restart', async () => {
    const result = await draft('crash-loop', 'backup.service', [{ journal: 'user' }]);
    expect(result?.title).toBe('Find out why backup.service keeps failing');
    expect(result?.explanation).toContain('will not help until the cause is fixed');
    expect(result?.actions).toEqual([
      { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'systemd.reset_failed', params: { unit: 'backup.service', scope: 'user' } },
      { name: 'systemd.start_unit', params: { unit: 'backup.service', scope: 'user' } },
    ]);
  });

  it('reads a failed unit’s logs, then restarts it', async () => {
    expect(await draft('unit-failed', 'backup.service')).toEqual(
      jasmine.objectContaining({
        title: 'Restart backup.service',
        actions: [
          { name: 'info.show_logs', params: { unit: 'backup.service', scope: 'user' } },
          { name: 'systemd.restart_unit', params: { unit: 'backup.service', scope: 'user' } },
        ],
      }),
    );
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
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } },
    ]);
    expect(isActionableUnit('init.scope')).toBeFalse();
    expect(isActionableUnit('app-gnome-x-1.scope')).toBeFalse();
    expect(isActionableUnit('(resolved')).toBeFalse();
    expect(isActionableUnit('backup.service')).toBeTrue();
  });

  it('reads the log of a unit named by another kind of finding', async () => {
    expect((await draft('oom-kill', 'build.service', [{ journal: 'user' }]))?.actions).toEqual([
      { name: 'info.show_logs', params: { unit: 'build.service', scope: 'user' } },
    ]);
  });

  it('reads a finding from an extra journal directory there', async () => {
    const directory = '/var/lib/machines/box/journal';
    const result = await draft('crash-loop', 'backup.service', [{ journal: directory }]);
    expect(result?.actions[0]).toEqual({
      name: 'info.show_logs',
      params: { unit: 'backup.service', scope: 'user', directory },
    });
    expect((await draft('oom-kill', 'firefox', [{ journal: directory }]))?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR, directory } },
    ]);
  });

  it('reads the user journal for a finding from it, and the journal since the finding began without a cursor', async () => {
    expect((await draft('auth-failures', 'sudo', [{ journal: 'user' }]))?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'user', cursor: CURSOR } },
    ]);
    expect((await draft('package-manager-error', 'apt', [{ cursor: undefined, journal: undefined }]))?.actions).toEqual(
      [{ name: 'info.show_logs', params: { scope: 'system', since: FIRST_SEEN.toISOString() } }],
    );
  });

  it('keeps the missing-package fix: install first', async () => {
    // Without a system bus PackageKit cannot be asked, so the plain restart stays.
    expect(await names('unit-failed', 'backup.service')).toEqual(['info.show_logs', 'systemd.restart_unit']);
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
    const result = await draft('config-error', 'nginx.service', [
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
    ]);
    const withoutLine = await draft('config-error', 'x.service', [{ path: '/etc/x.conf' }]);
    expect(withoutLine?.actions.map((action) => action.name)).toEqual(['config.validate', 'config.restore']);
  });

  it('proposes one DNS flush, one reconnect, and nothing to run for a hot machine', async () => {
    expect(await names('dns-failure', '192.168.1.1')).toEqual(['network.flush_dns']);
    expect(await names('wifi-secrets', 'wlan0')).toEqual(['network.reconnect']);
    const hot = await draft('thermal-throttling', '');
    expect(hot?.actions).toEqual([]);
    expect(hot?.explanation).toContain('slows down to cool off');
  });

  it('says a restart loads the new NVIDIA module when the driver and its libraries differ, and reads the logs of a GPU fault', async () => {
    const mismatch = await draft('gpu-fault', 'nvidia', [
      { text: 'Failed to initialize NVML: Driver/library version mismatch' },
    ]);
    expect(mismatch?.title).toBe('See which NVIDIA driver versions differ');
    expect(mismatch?.explanation).toContain('Restarting the computer loads the new module');
    expect(mismatch?.actions).toEqual([{ name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } }]);
    const hang = await draft('gpu-fault', 'amdgpu 0000:03:00.0', [
      { text: 'amdgpu 0000:03:00.0: amdgpu: ring gfx_0.0.0 timeout, signaled seq=1212, emitted seq=1214' },
    ]);
    expect(hang?.title).toBe('See what the graphics driver reported');
    expect(hang?.actions).toEqual([{ name: 'info.show_logs', params: { scope: 'system', cursor: CURSOR } }]);
  });

  it('explains backups and SMART for storage and file system errors', async () => {
    for (const kind of ['storage-error', 'filesystem-error']) {
      const result = await draft(kind, 'sda');
      expect(result?.explanation).withContext(kind).toContain('back up what matters now');
      expect(result?.explanation).withContext(kind).toContain('SMART');
    }
  });
});
