// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a switch must leave behind: the new generation current (the profile's
// `system` link and /run/current-system agree on it) and no failed units.

import type { MessageBus } from '@jellybrick/dbus-next';

import { listUnits } from '../dbus/systemd.js';
import { _, format } from '../i18n.js';
import { currentGeneration, type Generation, readGenerations } from './profileLinks.js';

/** The names of the system's failed units, by systemd's ListUnitsFiltered. */
export async function failedUnits(systemBus: MessageBus): Promise<string[]> {
  return (await listUnits(systemBus, ['failed'])).map(([name]) => name);
}

export type SwitchCheck = { ok: true; generation: Generation } | { ok: false; why: string };

/** Whether the switch made a generation newer than `before` current and left no unit failed that was not before. */
export async function checkSwitch(
  root: string,
  before: Generation | null,
  systemBus: MessageBus | null,
  failedBefore: readonly string[],
): Promise<SwitchCheck> {
  const state = await readGenerations(root);
  const now = currentGeneration(state);
  if (!now || now.number !== state.profile || (before && now.number <= before.number))
    return { ok: false, why: _('the new generation is not the current system') };
  if (systemBus) {
    const failed = (await failedUnits(systemBus)).filter((unit) => !failedBefore.includes(unit));
    if (failed.length > 0)
      return {
        ok: false,
        why: format(_('services failed after the switch: {units}'), { units: failed.join(', ') }),
      };
  }
  return { ok: true, generation: now };
}
