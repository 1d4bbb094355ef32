// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What one kind of desktop problem brings to Steward: the sources that read its state, the detectors that turn
// that state and the journal into findings, the actions that act through the desktop's own API, and the
// playbooks that propose them. Each kind lives in its own folder beside this file.
import type { MessageBus } from '@jellybrick/dbus-next';

import type { Detector } from '../findings/types.js';
import type { Writers } from '../findings/writers.js';
import type { ActionDefinition } from '../fixes/action.js';
import type { Playbook } from '../fixes/playbookSteps.js';
import type { Logger } from '../logging.js';
import type { EventSource } from '../watch/events.js';

export interface DesktopSourceOptions {
  sessionBus: MessageBus;
  /** Null where there is no system bus: the kinds that read it (Bluetooth, the clock, printers) stay quiet. */
  systemBus: MessageBus | null;
  log: Logger;
}

export interface DesktopKind {
  /** The kind's name, as in the configuration and the logs: 'extensions', 'sound'… */
  name: string;
  sources(options: DesktopSourceOptions): EventSource[];
  /** Its detectors, which take a journal line as a component's only where `writers` proves who wrote it. */
  detectors(writers: Writers): Detector[];
  actions(): ActionDefinition[];
  playbooks: Readonly<Record<string, Playbook>>;
}
