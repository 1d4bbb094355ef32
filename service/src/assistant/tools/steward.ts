// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// list_findings, list_proposals and audit_history: what Steward itself noticed, proposed and did.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import type { AuditSummary, FindingSummary, ProposalSummary } from '../machine.js';
import { defineTool } from '../tool.js';
import { formatTime } from './journal.js';

/** The most records listed; the model asks again with narrower options when it needs more. */
const MAX_LISTED = 30;

function listed<T>(items: T[], format: (item: T) => string[], none: string): string {
  if (items.length === 0) return none;
  const lines = items.slice(0, MAX_LISTED).flatMap(format);
  if (items.length > MAX_LISTED) lines.push(`… and ${items.length - MAX_LISTED} more`);
  return lines.join('\n');
}

const describeFinding = (finding: FindingSummary) => [
  `finding #${finding.id} [${finding.state}, ${finding.severity}] ${finding.title} (${finding.kind}${finding.subject ? ` ${finding.subject}` : ''}; seen ${finding.count}×, last ${formatTime(finding.lastSeen)})`,
  ...(finding.explanation ? [`  ${finding.explanation}`] : []),
];

const describeProposal = (proposal: ProposalSummary) => [
  `proposal #${proposal.id} [${proposal.state}] ${proposal.title}${proposal.findingId === null ? '' : ` (for finding #${proposal.findingId})`}`,
  ...proposal.actions.map((action) => `  - ${action.name} (${action.risk} risk): ${action.summary}`),
];

const describeAudit = (record: AuditSummary) => {
  const about = [
    record.proposalId === null ? '' : ` proposal #${record.proposalId}`,
    record.jobId === null ? '' : ` job #${record.jobId}`,
    record.action === null ? '' : ` ${record.action}`,
  ].join('');
  return [`${formatTime(record.at)} ${record.event}${about}: ${record.result}`];
};

export const listFindingsTool = defineTool({
  name: 'list_findings',
  description: 'Problems Steward noticed, newest first.',
  params: z.object({
    include_resolved: z.boolean().optional(),
  }),
  progress: N_('reviewing what Steward found…'),
  async run({ include_resolved: includeResolved = false }, { machine }) {
    const findings = await machine.findings(includeResolved);
    return listed(
      findings,
      describeFinding,
      includeResolved ? 'Steward has found no problems.' : 'Steward sees no current problems.',
    );
  },
});

export const listProposalsTool = defineTool({
  name: 'list_proposals',
  description: 'Fixes Steward proposed, and whether they wait for the user.',
  params: z.object({
    include_closed: z.boolean().optional().describe('Also applied, failed or dismissed ones'),
  }),
  progress: N_('reviewing proposed fixes…'),
  async run({ include_closed: includeClosed = false }, { machine }) {
    const proposals = await machine.proposals(includeClosed);
    return listed(
      proposals,
      describeProposal,
      includeClosed ? 'Steward has proposed no fixes.' : 'No fixes wait for the user.',
    );
  },
});

export const auditHistoryTool = defineTool({
  name: 'audit_history',
  description: 'What Steward proposed, applied or undid, newest first.',
  params: z.object({
    limit: z.number().int().min(1).max(50).default(15),
  }),
  progress: N_('reading the audit trail…'),
  async run({ limit }, { machine }) {
    return listed(await machine.auditHistory(limit), describeAudit, 'The audit trail is empty.');
  },
});
