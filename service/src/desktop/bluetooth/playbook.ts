// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What Steward proposes when the Bluetooth adapter does not work: the lines that say why, from the writer that
// said it (the kernel's driver or bluetoothd). Nothing is installed for missing firmware: which package holds a
// controller's file differs by distribution and vendor, and a guessed package is no fix.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

export const bluetoothUnavailable: Playbook = async (finding: FindingWithEvidence): Promise<ProposalDraft> => ({
  title: _('See why the Bluetooth adapter does not work'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'The log shows what the driver or bluetoothd said about the adapter: a firmware file that is missing, a ' +
        'controller that stopped answering, or a setting bluetoothd could not make. A missing firmware file comes with the ' +
        'distribution’s firmware package; a controller that stopped answering often works again after the ' +
        'computer is switched off completely.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});
