// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The units systemd's managers have loaded, by name: what the documentation index prefers the packages of.
import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';

/** ListUnits' row: (name, description, load, active, sub, followed, path, job id, job type, job path). */
type UnitRow = [string, string, string, string, string, string, string, number, string, string];

/** The loaded units of the managers on `buses` (the system's and the user's); a bus without one gives none. */
export async function listLoadedUnits(buses: readonly (MessageBus | null)[]): Promise<string[]> {
  const units = new Set<string>();
  for (const bus of buses) {
    if (!bus) continue;
    // Never activate: the session bus may name a systemd1 service that cannot start.
    const reply = await callMethod(
      bus,
      {
        destination: 'org.freedesktop.systemd1',
        path: '/org/freedesktop/systemd1',
        interface: 'org.freedesktop.systemd1.Manager',
        member: 'ListUnits',
      },
      { autoStart: false },
    ).catch(() => [[]]);
    for (const [name, , load] of reply[0] as UnitRow[]) if (load === 'loaded') units.add(name);
  }
  return [...units];
}
