// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What one kind of problem brings to Steward: the sources that read its state, the detectors that turn that state
// and the journal into findings, the actions that act on it, the playbooks that propose them, and the rules the
// engine follows for its findings. Each kind lives in its own folder under kinds/; the engine names none of them and
// takes them from where the service is put together (service/parts.ts).
import type { MessageBus } from '@jellybrick/dbus-next';

import type { DetectorOptions } from '../findings/detectorOptions.js';
import type { Detector } from '../findings/types.js';
import type { Writers } from '../findings/writers.js';
import type { Logger } from '../logging.js';
import type { EventSource } from '../watch/events.js';
import type { ActionDefinition, ActionOptions } from './action.js';
import type { FindingRules } from './kindRules.js';
import type { Playbook } from './playbookSteps.js';

export interface SourceOptions {
  sessionBus: MessageBus;
  /** Null where there is no system bus: the kinds that read it (Bluetooth, the clock, printers) stay quiet. */
  systemBus: MessageBus | null;
  log: Logger;
}

export interface Kind {
  /** The kind's name, as in the configuration and the logs: 'extensions', 'sound'… */
  name: string;
  /** Sources of its own, beside the watchers every kind shares (the journal, units, disks…). */
  sources(options: SourceOptions): EventSource[];
  /**
   * Its detectors, which take a journal line as a component's only where `writers` proves who wrote it, with the
   * thresholds the configuration sets.
   */
  detectors(writers: Writers, options?: DetectorOptions): Detector[];
  /** Its actions, for the catalog. */
  actions(options?: ActionOptions): ActionDefinition[];
  /** Its playbooks, by the finding kind each drafts for. */
  playbooks: Readonly<Record<string, Playbook>>;
  /** What the engine does differently for its findings, by finding kind. */
  rules?: Readonly<Record<string, FindingRules>>;
}

/** Every kind, as the engine takes them from where the service is put together (service/parts.ts). */
export interface KindSet {
  /** In the order their detectors run. */
  readonly all: readonly Kind[];
  /** The desktop session's: their actions only their own playbooks propose, so the model advisor leaves them out. */
  readonly desktop: readonly Kind[];
}
