// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop gym's scenarios, kind by kind (kinds/), in the order they run in one session. Every fault is made
// through the desktop's own interfaces, as a person or a program does it.
import { APP_CRASH_SCENARIOS } from './kinds/appCrash.js';
import { APP_CRASH_UPDATE_SCENARIOS } from './kinds/appCrashUpdate.js';
import { BLUETOOTH_SCENARIOS } from './kinds/bluetooth.js';
import { CLOCK_SCENARIOS } from './kinds/clock.js';
import { EXTENSION_SCENARIOS, OWN_EXTENSION_QUIET } from './kinds/extensions.js';
import { PRINTING_SCENARIOS } from './kinds/printing.js';
import { SIGN_IN_SCENARIOS } from './kinds/signIn.js';
import {
  SOUND_DEFAULT_GONE_SCENARIO,
  SOUND_INPUT_MUTED_SCENARIO,
  SOUND_MANAGER_GONE_SCENARIO,
  SOUND_MUTED_SCENARIO,
  SOUND_NO_OUTPUT_SCENARIO,
  SOUND_OTHER_OUTPUT_MUTED_SCENARIO,
  SOUND_SILENT_SCENARIO,
} from './kinds/sound.js';
import type { DesktopScenario } from './scenario.js';

const [ENABLE_THROWS, ...OTHER_EXTENSIONS] = EXTENSION_SCENARIOS as [DesktopScenario, ...DesktopScenario[]];

export const SCENARIOS: DesktopScenario[] = [
  // The two the spec reads on screen first: Steward's notifications come in bursts at least 20 s apart, and
  // banners stay while the session is idle, so each is told alone (the sound one, information, in the message list).
  ENABLE_THROWS,
  SOUND_DEFAULT_GONE_SCENARIO,
  ...OTHER_EXTENSIONS,
  ...CLOCK_SCENARIOS,
  ...BLUETOOTH_SCENARIOS,
  ...PRINTING_SCENARIOS,
  SOUND_NO_OUTPUT_SCENARIO,
  SOUND_MUTED_SCENARIO,
  SOUND_SILENT_SCENARIO,
  SOUND_OTHER_OUTPUT_MUTED_SCENARIO,
  SOUND_INPUT_MUTED_SCENARIO,
  SOUND_MANAGER_GONE_SCENARIO,
  ...SIGN_IN_SCENARIOS,
  ...APP_CRASH_SCENARIOS,
  ...APP_CRASH_UPDATE_SCENARIOS,
  // Last: it leaves Steward's own extension in ERROR for the rest of the session.
  OWN_EXTENSION_QUIET,
];
