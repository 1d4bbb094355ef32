// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the issue asks of every finding and proposal, checked on the whole corpus: no subject is
// init.scope or a fragment of a process name, and no case gets proposals that contradict or repeat
// each other (a stop beside a start or restart of the same unit, two proposals about one unit, one
// proposal twice).
import type { PlacedCase, SeenFinding, SeenProposal } from './score.js';

export interface Incoherence {
  caseId: string;
  problem: string;
}

const STOPS = new Set(['systemd.stop_unit', 'systemd.disable_unit']);
const STARTS = new Set(['systemd.start_unit', 'systemd.restart_unit', 'systemd.enable_unit']);

/** A subject a person could not act on: PID 1's own scope, or a name cut inside its parentheses. */
export function badSubject(subject: string): boolean {
  const opened = [...subject].filter((c) => c === '(').length;
  const closed = [...subject].filter((c) => c === ')').length;
  return subject === 'init.scope' || opened !== closed || /^\(|\)$/.test(subject);
}

const unitOf = (params: unknown) =>
  typeof params === 'object' && params !== null && 'unit' in params ? String(params.unit) : null;

export function incoherence(placed: PlacedCase[], findings: SeenFinding[], proposals: SeenProposal[]): Incoherence[] {
  const caseOf = (finding: SeenFinding) =>
    placed.find((p) => finding.evidenceUs.some((us) => us >= p.startUs && us < p.endUs))?.corpusCase.id ?? 'none';
  const problems: Incoherence[] = [];
  for (const finding of findings) {
    if (badSubject(finding.subject)) {
      problems.push({ caseId: caseOf(finding), problem: `${finding.kind} has the subject "${finding.subject}"` });
    }
  }
  const byCase = new Map<string, SeenProposal[]>();
  for (const proposal of proposals) {
    const finding = findings.find((f) => f.id === proposal.findingId);
    if (!finding) continue;
    const id = caseOf(finding);
    byCase.set(id, [...(byCase.get(id) ?? []), proposal]);
  }
  for (const [caseId, all] of byCase) {
    // What the user sees side by side: proposals not taken back.
    const ofCase = all.filter((p) => p.state !== 'resolved');
    const steps = ofCase.flatMap((p) => p.steps);
    const unitsOf = (p: SeenProposal) => new Set(p.steps.map((s) => unitOf(s.params)).filter((u) => u !== null));
    const proposing = new Map<string, number>();
    for (const unit of ofCase.flatMap((p) => [...unitsOf(p)])) proposing.set(unit, (proposing.get(unit) ?? 0) + 1);
    for (const [unit, count] of proposing) {
      if (count > 1) problems.push({ caseId, problem: `${count} proposals act on ${unit}` });
    }
    const stopped = new Set(steps.filter((s) => STOPS.has(s.name)).map((s) => unitOf(s.params)));
    for (const step of steps) {
      if (STARTS.has(step.name) && stopped.has(unitOf(step.params))) {
        problems.push({ caseId, problem: `${step.name} and a stop of ${unitOf(step.params)} side by side` });
      }
    }
    const seen = new Set<string>();
    for (const proposal of ofCase) {
      const key = JSON.stringify(proposal.steps);
      if (seen.has(key)) problems.push({ caseId, problem: `the same proposal twice: ${key}` });
      seen.add(key);
    }
  }
  return problems;
}
