// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash-loop: what systemd recorded of the last run, and a start only once the cause is fixed.
import { _, format } from '../../i18n.js';
import { PASSING_SETUP_STEPS, SETUP_EXIT_STATUSES } from '../failureCause.js';
import { knownUnit, type Playbook, unitLogsStep } from '../playbookSteps.js';
import { endedState, recordedEnd, unitRecordStep } from './unitState.js';

// A unit in a crash loop is failed (or between two failed starts): stopping it changes nothing, and a plain
// restart fails the same way, or is refused once its start limit is hit. So: what systemd recorded of the last
// run and its lines, and only after the cause is fixed, the failed state cleared and one start; none while
// systemd says the process could not even be set up (a missing program, user or directory fails every start).
export const crashLoop: Playbook = async (finding, tools) => {
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  const logs = await unitLogsStep(finding, known, tools);
  const ended = await endedState(known.unit, known.scope, tools);
  const setup = ended.exitCode !== undefined ? SETUP_EXIT_STATUSES[ended.exitCode] : undefined;
  const recorded = await recordedEnd(known, tools);
  const facts = { title: finding.title, recorded: recorded ? ` ${recorded}` : '' };
  if (setup && !PASSING_SETUP_STEPS.has(setup)) {
    return {
      title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
      explanation: format(
        _(
          '{title}.{recorded} Every start fails this way until that exists or the service’s setting is changed, ' +
            'so no start is offered.',
        ),
        facts,
      ),
      actions: [unitRecordStep(known), logs],
    };
  }
  return {
    title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
    explanation: format(
      _(
        '{title}.{recorded} Each restart failed the same way, so restarting again will not help until the cause is ' +
          'fixed: the first step shows what systemd recorded of the last run and its lines. Once the cause is ' +
          'addressed, clearing the failed state lets systemd start it again.',
      ),
      facts,
    ),
    actions: [
      unitRecordStep(known),
      logs,
      { name: 'systemd.reset_failed', params: known },
      { name: 'systemd.start_unit', params: known },
    ],
  };
};
