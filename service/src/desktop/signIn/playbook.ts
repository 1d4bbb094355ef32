// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for a failed sign-in: only reading. The sign-in program's own lines around it say who was tried,
// how often, and which module refused (a mistyped password, a lock-out by pam_faillock, a home systemd-homed could
// not open, a keyring gkr-pam could not unlock). Nothing is changed: no step that could lock the person out.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const signInFailurePlaybook: Playbook = (finding: FindingWithEvidence): Promise<ProposalDraft> =>
  Promise.resolve({
    title: _('See why signing in failed'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The sign-in program’s own log lines around it tell which user was tried, how often, and which part refused. A mistyped password is harmless; attempts you did not make are not.',
      ),
    }),
    actions: [logsStep(finding, undefined, OWN_LINES)],
  });
