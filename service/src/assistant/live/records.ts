// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Steward's own records as the assistant sees them: findings, proposals and the audit trail.
import type { FindingsStore } from '../../findings/store.js';
import type { FixesStore, ProposalState } from '../../fixes/store.js';
import type { AuditSummary, FindingSummary, ProposalSummary } from '../machine.js';

/** Proposals still waiting for the user or running; the rest are closed. */
const OPEN_PROPOSALS: readonly ProposalState[] = ['open', 'applying'];

export function findingSummaries(store: FindingsStore, includeResolved: boolean): FindingSummary[] {
  return store.list({ state: includeResolved ? 'all' : 'active' }).map((finding) => ({
    id: finding.id,
    kind: finding.kind,
    subject: finding.subject,
    severity: finding.severity,
    title: finding.title,
    state: finding.state,
    count: finding.count,
    lastSeen: finding.lastSeen,
    // Findings do not carry an explanation yet.
    explanation: null,
  }));
}

export function proposalSummaries(store: FixesStore, includeClosed: boolean): ProposalSummary[] {
  return store.proposals(includeClosed ? 'all' : OPEN_PROPOSALS).map((proposal) => ({
    id: proposal.id,
    title: proposal.title,
    state: proposal.state,
    findingId: proposal.findingId,
    actions: proposal.actions.map((action) => ({
      name: action.name,
      risk: action.risk,
      summary: action.preview.summary,
    })),
  }));
}

/** The latest `limit` audit records, newest first. */
export function auditSummaries(store: FixesStore, limit: number): AuditSummary[] {
  return store.history({ limit }).map((record) => ({
    at: record.at,
    event: record.event,
    proposalId: record.proposalId,
    jobId: record.jobId,
    action: record.action,
    result: record.result,
  }));
}
