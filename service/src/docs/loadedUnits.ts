// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The units systemd's managers have loaded, by name: what the documentation index prefers the packages of.
import type { MessageBus } from '@jellybrick/dbus-next';

import { listUnits } from '../dbus/systemd.js';

/** The loaded units of the managers on `buses` (the system's and the user's); a bus without one gives none. */
export async function listLoadedUnits(buses: readonly (MessageBus | null)[]): Promise<string[]> {
  const units = new Set<string>();
  for (const bus of buses) {
    if (!bus) continue;
    // Never activate: the session bus may name a systemd1 service that cannot start. A manager that answers
    // anything but its rows gives none.
    const rows = await listUnits(bus, undefined, { autoStart: false }).catch(() => []);
    for (const [name, , load] of rows) if (load === 'loaded') units.add(name);
  }
  return [...units];
}
