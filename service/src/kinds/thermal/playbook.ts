// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// thermal-throttling: what heats the computer.
import type { Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

// Nothing to run: the machine slows itself down to cool off, and the explanation says what helps.
// Heat is looked at before anything is changed: the temperatures against their limits, the throttling, the fans
// and what keeps the processor busy, all only read.
export const thermalThrottling: Playbook = async (finding) => {
  const line = finding.evidence[0]?.text;
  return {
    title: _('See what heats the computer'),
    explanation: [
      format(_('{title}. The processor slows down to cool off.'), { title: finding.title }),
      line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '',
      _(
        'The first step shows the temperatures now against their limits, how often the processor was throttled ' +
          'and how fast it runs now, the fans, and the processes keeping it busy with their units. Clean the ' +
          'vents, keep them free, and close programs that keep it busy.',
      ),
    ]
      .filter(Boolean)
      .join(' '),
    actions: [{ name: 'info.thermal', params: {} }],
  };
};
