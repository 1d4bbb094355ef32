// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What systemd says of a unit a playbook is about: how its last run ended, what it recorded of it, and what
// changed since it failed.
import { stat } from 'node:fs/promises';

import { _, format } from '../../i18n.js';
import { UnitManager } from '../actions/systemdUnits.js';
import type { EndedState } from '../failureCause.js';
import type { CandidateAction, PlaybookTools } from '../playbookSteps.js';

/** How the unit last ended, from its manager over D-Bus; nothing when the manager cannot say. */
export async function endedState(unit: string, scope: 'user' | 'system', tools: PlaybookTools): Promise<EndedState> {
  try {
    const { result, exitCode } = await new UnitManager(tools.context, scope).status(unit);
    return { ...(result !== undefined && { result }), ...(exitCode !== undefined && { exitCode }) };
  } catch {
    return {};
  }
}

/** When the unit's runs since it was last inactive or failed began; undefined when its manager cannot say. */
export async function runsSince(
  unit: string,
  scope: 'user' | 'system',
  tools: PlaybookTools,
): Promise<Date | undefined> {
  return new UnitManager(tools.context, scope).runsSince(unit).catch(() => undefined);
}

export async function unitStatusOrNull(unit: string, scope: 'user' | 'system', tools: PlaybookTools) {
  return new UnitManager(tools.context, scope).status(unit).catch(() => null);
}

/** The step showing what systemd recorded of the unit's last run; the proposer drops it where it recorded nothing. */
export const unitRecordStep = (unit: { unit: string; scope: 'user' | 'system' }): CandidateAction => ({
  name: 'info.unit_failure',
  params: unit,
});

/**
 * systemd's own words for how the unit's last run ended (its record's second line; '' where it has none), or null
 * where systemd recorded nothing of it.
 */
export async function recordedEnd(unit: { unit: string; scope: 'user' | 'system' }, tools: PlaybookTools) {
  const recorded = await tools.preview(unitRecordStep(unit));
  return recorded && !recorded.changesNothing ? (recorded.details[1] ?? '') : null;
}

/**
 * What changed since the unit failed, in words: one of `alsoPaths` (files a finding blames) or the files it is made
 * of, runs or names on its command line (written, created or its mode changed), or a unit it requires or wants that
 * became active since; null when nothing did, or systemd cannot say when it failed.
 */
export async function changeSinceFailure(
  unit: string,
  scope: 'user' | 'system',
  lastSeen: Date,
  tools: PlaybookTools,
  alsoPaths: readonly string[] = [],
): Promise<string | null> {
  const manager = new UnitManager(tools.context, scope);
  const context = await manager.failureContext(unit).catch(() => null);
  if (!context) return null;
  const since = context.failedAt ?? lastSeen;
  for (const path of new Set([...alsoPaths, ...context.paths])) {
    const file = await stat(path).catch(() => null);
    if (file && Math.max(file.mtimeMs, file.ctimeMs) > since.getTime()) return format(_('{path} changed'), { path });
  }
  for (const dependency of context.dependencies) {
    const up = await manager.activeSince(dependency).catch(() => undefined);
    if (up && up.getTime() > since.getTime()) return format(_('{dependency} started'), { dependency });
  }
  return null;
}
