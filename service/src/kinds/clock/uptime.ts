// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How long the machine has run, one count for the clock's source and its first step: the kernel's, or the test
// hook's stand-in counting on from the first time it is asked.
import { uptime } from 'node:os';

import { testHooks } from '../../testHooks.js';

let standInSince: number | undefined;

export function machineUptime(): number {
  const standIn = testHooks().uptimeSeconds;
  if (standIn === undefined) return uptime();
  standInSince ??= Date.now();
  return standIn + (Date.now() - standInSince) / 1000;
}
