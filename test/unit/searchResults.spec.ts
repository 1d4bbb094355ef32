// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Finding, Proposal } from '../../extension/src/shared/model.js';
import { resultId, type SearchTarget, searchTargets, targetOf } from '../../extension/src/shell/searchResults.js';

const proposal = (id: string, title: string): Proposal => ({
  id,
  findingId: `finding-of-${id}`,
  title,
  explanation: '',
  state: 'open',
  actions: [],
  origin: 'playbook',
  reporter: 'systemd',
  oneClick: false,
  unconfirmedReporter: '',
  explainedByModel: false,
});
const finding = (id: string, title: string): Finding => ({ id, severity: 'warning', title, explanation: '' });

describe("the overview search's results", () => {
  const proposals = [proposal('p1', 'Clear the thumbnail cache'), proposal('p2', 'Restart cups.service')];
  const findings = [finding('f1', 'The disk / is almost full'), finding('f2', 'cups.service failed')];

  it('offers to ask the whole text first, then the proposals and findings whose titles have every term', () => {
    expect(searchTargets(['why', 'is', 'the', 'Disk', 'full?'], proposals, findings)).toEqual([
      { kind: 'ask', question: 'why is the Disk full?' },
    ]);
    expect(searchTargets(['DISK', 'full'], proposals, findings)).toEqual([
      { kind: 'ask', question: 'DISK full' },
      { kind: 'finding', id: 'f1' },
    ]);
    expect(searchTargets(['cups'], proposals, findings)).toEqual([
      { kind: 'ask', question: 'cups' },
      { kind: 'proposal', id: 'p2' },
      { kind: 'finding', id: 'f2' },
    ]);
    expect(searchTargets(['thumb', 'cache'], proposals, [])).toEqual([
      { kind: 'ask', question: 'thumb cache' },
      { kind: 'proposal', id: 'p1' },
    ]);
  });

  it('offers nothing for an empty search', () => {
    expect(searchTargets([], proposals, findings)).toEqual([]);
  });

  it('gives each question its own id, and reads every id back', () => {
    const targets: SearchTarget[] = [
      { kind: 'ask', question: 'what is: this?' },
      { kind: 'ask', question: 'what is: that?' },
      { kind: 'proposal', id: 'p1' },
      { kind: 'finding', id: 'f:1' },
    ];
    const ids = targets.map(resultId);
    expect(new Set(ids).size).toBe(targets.length);
    expect(ids.map(targetOf)).toEqual(targets);
  });

  it('refuses ids it did not make', () => {
    for (const id of ['', 'ask:', 'proposal', 'job:1', 'nonsense']) expect(targetOf(id)).withContext(id).toBeNull();
  });
});
