// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop gym's scenarios, kind by kind (kinds/), in the order they run in one session. Every fault is made
// through the desktop's own interfaces, as a person or a program does it.
import { APP_CRASH_SCENARIOS } from './kinds/appCrash.js';
import { CLOCK_SCENARIOS } from './kinds/clock.js';
import { EXTENSION_SCENARIOS, OWN_EXTENSION_QUIET } from './kinds/extensions.js';
import { SIGN_IN_SCENARIOS } from './kinds/signIn.js';
import type { DesktopScenario } from './scenario.js';

export const SCENARIOS: DesktopScenario[] = [
  ...EXTENSION_SCENARIOS,
  ...CLOCK_SCENARIOS,
  ...SIGN_IN_SCENARIOS,
  ...APP_CRASH_SCENARIOS,
  // Last: it leaves Steward's own extension in ERROR for the rest of the session.
  OWN_EXTENSION_QUIET,
];
