// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { CorpusCase } from '../corpus/cases.js';
import { badSubject, incoherence } from '../corpus/coherence.js';
import type { PlacedCase, SeenProposal } from '../corpus/score.js';

const HOUR = 3_600_000_000n;
const placed = ['crash-loop-1', 'dns-1'].map((id, i): PlacedCase => ({
  corpusCase: { id } as CorpusCase,
  startUs: BigInt(i) * HOUR,
  endUs: BigInt(i + 1) * HOUR,
}));
const proposal = (findingId: string, ...steps: [string, unknown][]): SeenProposal => ({
  findingId,
  createdUs: 0n,
  actions: steps.map(([name]) => name),
  steps: steps.map(([name, params]) => ({ name, params })),
  state: 'open',
});

describe('the corpus coherence check', () => {
  it('knows a subject nobody can act on', () => {
    expect(badSubject('init.scope')).toBeTrue();
    expect(badSubject('(resolved')).toBeTrue();
    expect(badSubject('sd-pam)')).toBeTrue();
    expect(badSubject('((sd-pam))')).toBeTrue();
    expect(badSubject('nginx.service')).toBeFalse();
    expect(badSubject('amdgpu 0000:03:00.0')).toBeFalse();
    expect(badSubject('')).toBeFalse();
  });

  it('finds a stop beside a restart of the same unit, a repeated proposal and a bad subject, per case', () => {
    const findings = [
      { id: '1', kind: 'crash-loop', subject: 'web.service', evidenceUs: [5n] },
      { id: '2', kind: 'unit-failed', subject: 'web.service', evidenceUs: [6n] },
      { id: '3', kind: 'dns-failure', subject: '', evidenceUs: [HOUR + 1n] },
      { id: '4', kind: 'dns-failure', subject: '(resolved', evidenceUs: [HOUR + 2n] },
    ];
    const problems = incoherence(placed, findings, [
      proposal('1', ['systemd.stop_unit', { unit: 'web.service' }]),
      proposal('2', ['info.show_logs', { unit: 'web.service' }], ['systemd.restart_unit', { unit: 'web.service' }]),
      proposal('3', ['network.flush_dns', {}]),
      proposal('4', ['network.flush_dns', {}]),
    ]);
    expect(problems.map((p) => p.caseId).sort()).toEqual(['crash-loop-1', 'crash-loop-1', 'dns-1', 'dns-1']);
    expect(problems.map((p) => p.problem)).toContain('2 proposals act on web.service');
    expect(problems.map((p) => p.problem)).toContain('systemd.restart_unit and a stop of web.service side by side');
  });

  it('leaves out a proposal that was taken back', () => {
    const findings = [
      { id: '1', kind: 'crash-loop', subject: 'web.service', evidenceUs: [5n] },
      { id: '2', kind: 'unit-failed', subject: 'web.service', evidenceUs: [6n] },
    ];
    const withdrawn = { ...proposal('2', ['systemd.restart_unit', { unit: 'web.service' }]), state: 'resolved' };
    expect(
      incoherence(placed, findings, [proposal('1', ['info.show_logs', { unit: 'web.service' }]), withdrawn]),
    ).toEqual([]);
  });

  it('passes one coherent proposal per finding', () => {
    const findings = [{ id: '1', kind: 'crash-loop', subject: 'web.service', evidenceUs: [5n] }];
    const steps: [string, unknown][] = [
      ['info.show_logs', { unit: 'web.service' }],
      ['systemd.reset_failed', { unit: 'web.service' }],
      ['systemd.start_unit', { unit: 'web.service' }],
    ];
    expect(incoherence(placed, findings, [proposal('1', ...steps)])).toEqual([]);
  });
});
