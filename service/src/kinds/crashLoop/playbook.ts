// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash-loop: what systemd recorded of the last run, and a start only once the cause is fixed.
import { recordedEnd, unitRecordStep } from '../../fixes/playbooks/unitState.js';
import { type CandidateAction, knownUnit, type Playbook, unitLogsStep } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { unitFailedDraft } from '../unitFailed/playbook.js';

const RESTART = 'systemd.restart_unit';

// A unit in a crash loop is failed (or between two failed starts): stopping it changes nothing, and a plain restart
// fails the same way, or is refused once its start limit is hit. Its cause is read as a failed unit's is (its lines,
// what systemd recorded, the machine's state now): while a cause stands (a missing file, a program's own error, a
// missing host key, a setup step), what systemd recorded and the read-only step that checks the cause, and no start;
// once it is gone (or the cause is one that passes), the failed state cleared and one start, after the steps that
// fix it (a package to install).
export const crashLoop: Playbook = async (finding, tools) => {
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  const byCause = await unitFailedDraft(finding, known, tools);
  const recorded = await recordedEnd(known, tools);
  const facts = { title: finding.title, recorded: recorded ? ` ${recorded}` : '' };
  // Between two runs of the loop systemd has set aside its record of the last one (a new start clears the result):
  // the record is still what to read first, and shows the run once it ends.
  const record = { ...unitRecordStep(known), evenIfNothing: true as const };
  const steps = (
    byCause?.actions ?? [await unitLogsStep(finding, known, tools), { name: RESTART, params: known }]
  ).filter((action) => action.name !== record.name);
  if (!steps.some((action) => action.name === RESTART)) {
    return {
      title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
      explanation: format(
        _(
          '{title}.{recorded} Each restart failed the same way, and its cause still stands, so no start is offered: ' +
            '{why}',
        ),
        { ...facts, why: byCause?.explanation ?? '' },
      ),
      actions: [record, ...steps],
    };
  }
  const start: CandidateAction[] = [
    { name: 'systemd.reset_failed', params: known },
    { name: 'systemd.start_unit', params: known },
  ];
  return {
    title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
    explanation: format(_('{title}.{recorded} {why} Clearing the failed state lets systemd start it again.'), {
      ...facts,
      why: byCause?.explanation ?? '',
    }),
    actions: [record, ...steps.flatMap((action) => (action.name === RESTART ? start : [action]))],
  };
};
