// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for a printer problem: cupsd's own lines around it first. They hold what the backend or filter
// said before it failed (a device it could not open, a printer it could not reach), which is the cause. Then,
// when the queue is stopped, resuming it.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const printerProblemPlaybook: Playbook = (finding: FindingWithEvidence): Promise<ProposalDraft> =>
  Promise.resolve({
    title: finding.subject
      ? format(_('Look at why printer {printer} failed'), { printer: finding.subject })
      : _('Look at why printing failed'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The print system’s own log lines around it tell what the printer’s backend or filter reported before it failed.',
      ),
    }),
    // Resuming is offered only while cupsd says the queue is stopped: the proposer drops a step that changes nothing.
    actions: [
      logsStep(finding, undefined, OWN_LINES),
      ...(finding.subject ? [{ name: 'printing.resume_printer', params: { printer: finding.subject } }] : []),
    ],
  });
