// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What Steward proposes when the clock is not synchronised: the time-sync daemon's own lines, which say which
// servers did not answer or could not be resolved. Nothing is changed: which servers a network allows (a firewall
// that drops NTP, a pool that needs a proxy-free route) is the user's or the network's choice.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { OFFSET, UNSYNCHRONISED } from './stateDetector.js';

/** The clock's own state says it: not synchronised for long, or off by minutes. Nothing to change from here. */
function fromState(finding: FindingWithEvidence): ProposalDraft {
  return {
    title: _('See why the clock is not right'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice:
        finding.subject === OFFSET
          ? _(
              'The time server answered, but the clock is off: the time daemon could not set it (a system that does ' +
                'not let it, another program setting the time back), or it is still slewing it. The first step shows ' +
                'what the clock and the time daemon say now.',
            )
          : _(
              'Automatic time is on, but no time server has set the clock since the computer started: a network ' +
                'that blocks NTP (UDP port 123) or has no name resolution yet is the usual cause. The first step ' +
                'shows what the clock and the time daemon say now.',
            ),
    }),
    actions: [{ name: 'info.clock', params: {} }],
  };
}

export const clockPlaybook: Playbook = async (finding: FindingWithEvidence): Promise<ProposalDraft> =>
  finding.subject === OFFSET || finding.subject === UNSYNCHRONISED ? fromState(finding) : journalLines(finding);

const journalLines = (finding: FindingWithEvidence): ProposalDraft => ({
  title: _('See why the clock is not synchronised'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'The log shows what the time-sync daemon said: servers that did not answer, names it could not resolve, or ' +
        'how far the clock was off. A network that blocks NTP (UDP port 123) or has no name resolution yet is the ' +
        'usual cause; the clock is set again once a server answers.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});

/** Automatic time switched off: switch it on through timedated, as GNOME Settings' switch does. */
export const ntpOffPlaybook: Playbook = async (finding, tools) => {
  const step = { name: 'clock.ntp_on', params: {} };
  const preview = await tools.preview(step);
  if (!preview || preview.changesNothing) return null;
  return {
    title: _('Turn Automatic Time On'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'With automatic time off, no time server sets the clock and it drifts a little every day; certificates, ' +
          'calendars and logs then disagree with the rest of the world. Turning it on is what GNOME Settings’ ' +
          'Automatic Date & Time switch does.',
      ),
    }),
    actions: [step],
  };
};
