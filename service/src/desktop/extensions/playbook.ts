// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for an extension's error: gnome-shell's own lines around it first. They hold the error's whole
// stack and what the shell did before (the extension enabled, updated, the screen locked), which is the cause.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const extensionPlaybook: Playbook = (finding: FindingWithEvidence): Promise<ProposalDraft> =>
  Promise.resolve({
    title: format(_('Look at why the extension {uuid} failed'), { uuid: finding.subject }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _('GNOME Shell’s own log lines around it show the error’s whole stack and what the shell was doing.'),
    }),
    actions: [logsStep(finding, undefined, OWN_LINES)],
  });
