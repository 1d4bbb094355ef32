// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { loadCases } from '../corpus/cases.js';
import { type Replay, replayCorpus } from '../corpus/replay.js';
import { score } from '../corpus/score.js';

// The corpus runner's path on three real cases (test/fixtures/corpus): journal
// files written by systemd-journal-remote, the service following them on a
// private bus, and every finding traced back to the case that caused it.
describe('replaying corpus cases through the service', () => {
  let replay: Replay;

  beforeAll(async () => {
    replay = await replayCorpus(loadCases(join(process.cwd(), 'test', 'fixtures', 'corpus')));
  });

  const raisedBy = (id: string) => {
    const placed = replay.placed.find((p) => p.corpusCase.id === id)!;
    return replay.findings.filter((f) => f.evidenceUs.some((us) => us >= placed.startUs && us < placed.endUs));
  };

  it('places each case in an hour of its own, in order', () => {
    expect(replay.placed.map((p) => p.corpusCase.id)).toEqual(['benign-001', 'config-error-001', 'dns-004']);
    // One case a wave, and each wave's marker in the hour after its case.
    const [a, b] = replay.placed;
    expect(b!.startUs - a!.startUs).toBe(2n * 3_600_000_000n);
    expect(a!.endUs - a!.startUs).toBe(3_600_000_000n);
  });

  it("traces nginx's failure, written by PID 1, to its case, and DNSSEC failures to theirs", () => {
    expect(raisedBy('config-error-001').map((f) => f.subject)).toContain('nginx.service');
    expect(raisedBy('dns-004').map((f) => f.kind)).toContain('dns-failure');
  });

  it('raises nothing for the benign power-limit notices, and leaves out its own wave markers', () => {
    expect(raisedBy('benign-001')).toEqual([]);
    expect(replay.findings.filter((f) => f.subject.startsWith('steward-corpus-wave'))).toEqual([]);
    expect(score(replay.placed, replay.findings, replay.proposals).unplaced).toEqual([]);
  });

  it("proposes what the case's machine allows: no restart of a unit stopped by its configuration, the DNS servers (not a flush) for a DNSSEC failure", () => {
    const actionsOf = (id: string, kind: string) => {
      const finding = raisedBy(id).find((f) => f.kind === kind)!;
      return replay.proposals.find((p) => p.findingId === finding.id)?.actions;
    };
    // nginx stopped at a line of its configuration: the same start fails again until the line changes.
    expect(actionsOf('config-error-001', 'unit-failed')).toEqual(['info.show_logs']);
    expect(actionsOf('dns-004', 'dns-failure')).toEqual(['info.dns_servers', 'info.show_logs']);
  });

  it("keeps the proposals of the cases' findings, with their actions", () => {
    const nginx = raisedBy('config-error-001').find((f) => f.subject === 'nginx.service')!;
    const ids = new Set(replay.findings.map((f) => f.id));
    expect(replay.proposals.every((p) => ids.has(p.findingId))).toBeTrue();
    expect(replay.proposals.find((p) => p.findingId === nginx.id)?.actions[0]).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
