// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-error: the line a daemon refused, its own check of the file, the copy that worked.
import { logsStep, OWN_LINES, type Playbook, readLogs } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

/**
 * A daemon named a file and line. What this computer holds now chooses the first step: that line in context
 * where the file is there to read; else the daemon's own check of the file, where one is installed; else the
 * daemon's own lines around the error. The last known-good copy follows where Steward kept one (the proposer
 * drops the steps that do not fit).
 */
export const configError: Playbook = async (finding, tools) => {
  const named = finding.evidence.filter((evidence) => evidence.path).at(-1);
  const logs = logsStep(finding, undefined, OWN_LINES);
  if (!named?.path)
    return readLogs(finding, _('Read the configuration error'), _('The log says which setting is wrong.'), OWN_LINES);
  const { path, line } = named;
  const show = line ? { name: 'config.show_error', params: { path, line } } : null;
  const validate = { name: 'config.validate', params: { path } };
  const restore = { name: 'config.restore', params: { path } };
  const [shown, checked] = await Promise.all([show && tools.preview(show), tools.preview(validate)]);
  const facts = {
    title: finding.title,
    path,
    where: line ? format(_('line {line} of {path}'), { line, path }) : path,
    reporter: finding.reportedBy,
    evidence: format(_('The evidence: “{line}”.'), { line: named.text }),
  };
  if (show && shown) {
    return {
      title: format(_('Fix the error in {path}'), { path }),
      explanation: format(
        _(
          '{title}. {reporter} refused {where}: the first step shows that line as the file has it now. The ' +
            'program’s own check says whether the file is right once it is changed; and where Steward kept an ' +
            'earlier version that worked, it can be put back. {evidence}',
        ),
        facts,
      ),
      actions: [show, validate, restore, logs],
    };
  }
  if (checked) {
    return {
      title: format(_('Check {path} with its program’s own validator'), { path }),
      explanation: format(
        _(
          '{title}. {reporter} refused {where}. Steward cannot show that line here (the file has no such line now, ' +
            'or you may not read it), so the first step runs the program’s own check of the file, which says ' +
            'whether the error is still there and where. {evidence}',
        ),
        facts,
      ),
      actions: [validate, restore, logs],
    };
  }
  return {
    title: format(_('Read the error reported in {path}'), facts),
    explanation: format(
      _(
        '{title}. {reporter} refused {where}, but {path} is not on this computer now or you may not read it, and no check ' +
          'of the program’s own is installed: its lines around the error say which setting it refused. {evidence}',
      ),
      facts,
    ),
    actions: [logs, restore],
  };
};
