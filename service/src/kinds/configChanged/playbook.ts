// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-changed-before-failure: the configuration the unit worked with, put back.
import { changeSinceFailure, unitRecordStep } from '../../fixes/playbooks/unitState.js';
import { knownUnit, type Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { unitFailed } from '../unitFailed/playbook.js';

// The unit worked with the files as they were before the change: put those versions back, the difference shown
// first. Until a file changed again since the failure (restored, or mended by hand) a restart reads the same file and
// fails the same way, so it is offered only then; what systemd recorded of the failed run comes last. Where no file
// can be put back (a system file, no copy kept), the failed unit's own steps, as this proposal stands in for the
// unit's.
export const configChanged: Playbook = async (finding, tools) => {
  const paths = [...new Set(finding.evidence.flatMap((evidence) => (evidence.path ? [evidence.path] : [])))];
  if (paths.length === 0) return null;
  const restores = paths.map((path) => ({ name: 'config.restore', params: { path } }));
  const known = await knownUnit(finding, tools);
  const restorable = (await Promise.all(restores.map((restore) => tools.preview(restore)))).some(Boolean);
  if (known && !restorable) return unitFailed(finding, tools);
  const changed = known && (await changeSinceFailure(known.unit, known.scope, finding.lastSeen, tools, paths));
  const record = known ? [unitRecordStep(known)] : [];
  const title = format(_('Put back the configuration {unit} worked with'), { unit: finding.subject });
  if (known && changed) {
    return {
      title,
      explanation: format(
        _(
          '{title}. Steward kept the version from before the change. Since the failure, {change}: a restart ' +
            'may now succeed.',
        ),
        { title: finding.title, change: changed },
      ),
      actions: [...restores, { name: 'systemd.restart_unit', params: known }, ...record],
    };
  }
  return {
    title,
    explanation: format(
      _(
        '{title}. The file changed shortly before the failure; Steward kept the version from before. ' +
          'Restoring it shows the difference first, and can be undone; once the file is back, Steward offers ' +
          'to restart the service.',
      ),
      { title: finding.title },
    ),
    actions: [...restores, ...record],
  };
};
