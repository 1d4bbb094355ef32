// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Deterministic playbooks: for each finding kind Steward knows, the fixes worth
// offering, so that it is useful without any model. A playbook only names
// catalog actions with parameters; the proposer validates and previews them
// and drops those that would change nothing. Each kind's playbook lives in
// playbooks/, in the module named after its detector; here is their table.
import type { FindingWithEvidence } from '../findings/store.js';
import { kindPlaybooks } from '../kinds/index.js';
import { crash } from './playbooks/crash.js';
import { packageManagerError } from './playbooks/packageManagerError.js';
import {
  type CandidateAction,
  isActionableUnit,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
} from './playbookSteps.js';

export { type CandidateAction, isActionableUnit, type Playbook, type PlaybookTools, type ProposalDraft };

const PLAYBOOKS: Record<string, Playbook> = {
  coredump: crash,
  crash,
  'package-manager-error': packageManagerError,
  ...kindPlaybooks(),
};

/** The playbook's draft for a finding, or null when Steward knows no fix for it. */
export async function draftFor(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  return (await PLAYBOOKS[finding.kind]?.(finding, tools)) ?? null;
}

export const PLAYBOOK_KINDS = Object.keys(PLAYBOOKS);
