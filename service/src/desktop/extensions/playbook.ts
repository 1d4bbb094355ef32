// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for an extension's error: the extension as the shell holds it (its version, state and error),
// gnome-shell's own lines around the error (its whole stack and what the shell did before: the extension enabled,
// updated, the screen locked), then turning the extension off through the shell, where it is still on. The
// first step is dropped where the shell is not on the bus; turning off Steward's own extension is refused.
import type { FindingWithEvidence } from '../../findings/store.js';
import {
  type CandidateAction,
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const extensionPlaybook: Playbook = async (
  finding: FindingWithEvidence,
  tools: PlaybookTools,
): Promise<ProposalDraft> => {
  const uuid = finding.subject;
  const disable: CandidateAction = { name: 'extensions.disable', params: { uuid } };
  const preview = await tools.preview(disable);
  const offer = preview !== null && !preview.changesNothing;
  return {
    title: format(offer ? _('Turn off the extension {uuid}') : _('Look at why the extension {uuid} failed'), { uuid }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: offer
        ? _(
            'GNOME Shell’s own log lines around it show the error’s whole stack. Turning the extension off stops ' +
              'its code in the shell; Undo turns it on again.',
          )
        : _('GNOME Shell’s own log lines around it show the error’s whole stack and what the shell was doing.'),
    }),
    actions: [
      { name: 'info.extension', params: { uuid } },
      logsStep(finding, undefined, OWN_LINES),
      ...(offer ? [disable] : []),
    ],
  };
};
