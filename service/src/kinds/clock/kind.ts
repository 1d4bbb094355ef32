// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { ntpOff, ntpOn } from './actions.js';
import { CLOCK_UNSYNCHRONISED, ClockDetector } from './detector.js';
import { clockInfo } from './infoAction.js';
import { CLOCK_NTP_OFF, ClockNtpOffDetector } from './ntpOffDetector.js';
import { clockPlaybook, ntpOffPlaybook } from './playbook.js';
import { TimedatedSource, TimesyncSource } from './source.js';
import { ClockStateDetector } from './stateDetector.js';
import { machineUptime } from './uptime.js';

export const clockKind: Kind = {
  name: 'clock',
  // timedated is on the system bus: without one the kind reads only the journal.
  sources: ({ systemBus, log }) =>
    systemBus
      ? [
          new TimedatedSource({ name: 'desktop.clock', bus: systemBus, log }, machineUptime),
          new TimesyncSource({ name: 'desktop.timesync', bus: systemBus, log }),
        ]
      : [],
  detectors: (writers) => [new ClockDetector(writers), new ClockNtpOffDetector(), new ClockStateDetector()],
  actions: () => [clockInfo, ntpOn, ntpOff] as unknown as ActionDefinition[],
  playbooks: { [CLOCK_UNSYNCHRONISED]: clockPlaybook, [CLOCK_NTP_OFF]: ntpOffPlaybook },
};
