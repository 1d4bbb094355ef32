// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash and coredump: the crash report or what systemd recorded, and the package's or the Flatpak app's update
// where one waits.
import { basename } from 'node:path';

import { recordedEnd, unitRecordStep } from '../../fixes/playbooks/unitState.js';
import {
  journalPlace,
  knownUnit,
  logsStep,
  type Playbook,
  type PlaybookTools,
  readLogs,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { crashedFlatpak, crashedPackage } from '../appCrash/origin.js';
import { crashFieldsAt } from './coredumpAction.js';

// What crashed: systemd-coredump's report where it kept one (the stack trace), else what systemd recorded of the
// unit whose process died (the signal, the program and its package, where the core went), then the lines.
export const crash: Playbook = async (finding, tools) => {
  // A core's subject is the program's file (COREDUMP_EXE): a person knows the program by its name.
  const title = format(_('See why {program} crashed'), { program: basename(finding.subject) || _('a program') });
  const report = finding.kind === 'coredump' ? finding.evidence.find((evidence) => evidence.cursor) : undefined;
  const advice = _(
    'The lines before the crash usually say what it was doing; a crash that repeats after an update is worth reporting to its developers.',
  );
  const known = await knownUnit(finding, tools);
  const recorded = known ? await recordedEnd(known, tools) : null;
  if (!report?.cursor) {
    const draft = readLogs(finding, title, advice);
    if (!known || recorded === null) return draft;
    return {
      ...draft,
      explanation: format(
        _(
          '{title}. {recorded} The first step shows what systemd recorded: the program, the package it comes from ' +
            'and its version, and whether a core was kept; that is what its developers need in a bug report. {advice}',
        ),
        { title: finding.title, recorded, advice },
      ),
      actions: [unitRecordStep(known), ...draft.actions],
    };
  }
  const { scope, directory } = journalPlace(finding);
  return {
    title,
    explanation: format(
      _(
        '{title}. The crash report shows the signal, the program, its package and version and the stack trace, ' +
          'as coredumpctl info does: that is what its developers need in a bug report. {advice}',
      ),
      { title: finding.title, advice },
    ),
    actions: [
      { name: 'info.coredump', params: { cursor: report.cursor, scope, ...(directory && { directory }) } },
      ...(await crashUpdateStep({ cursor: report.cursor, scope, ...(directory && { directory }) }, tools)),
      ...(known && recorded !== null ? [unitRecordStep(known)] : []),
      logsStep(finding),
    ],
  };
};

/**
 * The update of the crashed program where one waits, a fixed crash often being just that: flatpak.update for a
 * Flatpak app whose installation has a newer commit fetched, packages.update for the package PackageKit has an
 * update for. Nothing where neither is known to wait.
 */
async function crashUpdateStep(
  place: { cursor: string; scope: 'user' | 'system'; directory?: string },
  tools: PlaybookTools,
): Promise<{ name: string; params: Record<string, string> }[]> {
  try {
    // The finding's own journal directory is one the service follows.
    const fields = await crashFieldsAt(place, { directories: () => (place.directory ? [place.directory] : []) });
    if (!fields) return [];
    const app = await crashedFlatpak(fields, { dataHome: tools.context.dataHome });
    if (app)
      return app.update
        ? [
            {
              name: 'flatpak.update',
              params: { app: app.deployment.appId, installation: app.deployment.installation.kind },
            },
          ]
        : [];
    if (!tools.context.systemBus) return [];
    const crashed = await crashedPackage(tools.context, fields);
    return crashed?.update ? [{ name: 'packages.update', params: { name: crashed.name } }] : [];
  } catch (error) {
    tools.context.log.debug('no update lookup for a crashed program', { error: String(error) });
    return [];
  }
}
