// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Deterministic playbooks: for each finding kind Steward knows, the fixes worth
// offering, so that it is useful without any model. A playbook only names
// catalog actions with parameters; the proposer validates and previews them
// and drops those that would change nothing. Each kind's playbooks live in
// its folder (kinds/<kind>/); here is their table, made of the kinds handed in.
import type { FindingWithEvidence } from '../findings/store.js';
import type { Kind } from './kind.js';
import {
  type CandidateAction,
  isActionableUnit,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
} from './playbookSteps.js';

export { type CandidateAction, isActionableUnit, type Playbook, type PlaybookTools, type ProposalDraft };

/** Every kind's playbooks, by the finding kind each drafts for. */
export class Playbooks {
  private readonly byKind: ReadonlyMap<string, Playbook>;

  constructor(kinds: readonly Pick<Kind, 'playbooks'>[]) {
    this.byKind = new Map(kinds.flatMap((kind) => Object.entries(kind.playbooks)));
  }

  /** The playbook's draft for a finding, or null when Steward knows no fix for it. */
  async draftFor(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
    return (await this.byKind.get(finding.kind)?.(finding, tools)) ?? null;
  }

  /** Whether a playbook drafts for findings of `kind`. */
  knows(kind: string): boolean {
    return this.byKind.has(kind);
  }
}
