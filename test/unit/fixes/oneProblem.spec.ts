// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { FindingWithEvidence } from '../../../service/src/findings/store.js';
import type { Evidence } from '../../../service/src/findings/types.js';
import { placesOf, sameProblem, takesOver } from '../../../service/src/fixes/oneProblem.js';

const finding = (kind: string, subject: string, evidence: Partial<Evidence>[] = []): FindingWithEvidence => ({
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
  reportedBy: '',
  evidence: evidence.map((e) => ({ kind: 'journal', text: '', at: new Date(0), ...e })),
});

describe('findings of one problem', () => {
  it('are a full file system and the unit whose line said so, by the line’s unit or the file on the mount', () => {
    const full = placesOf(finding('disk-critical', '/srv/spool', [{ kind: 'metric', path: '/srv/spool' }]));
    const line = placesOf(finding('no-space', '/srv/spool', [{ path: '/srv/spool/capture', unit: 'rec.service' }]));
    expect(sameProblem(full, line)).toBeTrue();
    expect(sameProblem(line, placesOf(finding('unit-failed', 'rec.service')))).toBeTrue();
    expect(sameProblem(full, placesOf(finding('unit-failed', 'other.service')))).toBeFalse();
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

  it('never meet at the root or the whole machine', () => {
    const root = placesOf(finding('disk-low', '/', [{ path: '/' }]));
    expect(sameProblem(root, placesOf(finding('config-error', '/etc/x.conf', [{ path: '/etc/x.conf' }])))).toBeFalse();
    expect(sameProblem(placesOf(finding('thermal', '')), placesOf(finding('memory-pressure', '')))).toBeFalse();
  });
});

describe('of two findings of one problem, the proposal that stands', () => {
  it('is a cause’s, named in its own terms, over the failed unit’s', () => {
    expect(takesOver('dns-failure', 'unit-failed')).toBeTrue();
    expect(takesOver('unit-failed', 'dns-failure')).toBeFalse();
    expect(takesOver('package-manager-error', 'unit-failed')).toBeTrue();
  });

  it('is what went wrong with the unit itself over its failure', () => {
    expect(takesOver('crash-loop', 'unit-failed')).toBeTrue();
    expect(takesOver('unit-failed', 'crash-loop')).toBeFalse();
  });
});
