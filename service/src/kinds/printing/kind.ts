// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Kind } from '../kind.js';
import { printerActions } from './actions.js';
import { PRINTER_PROBLEM, PrinterProblemDetector } from './detector.js';
import { printerProblemPlaybook } from './playbook.js';
import { PrinterSource } from './source.js';
import { PrinterStoppedDetector } from './stateDetector.js';

export const printingKind: Kind = {
  name: 'printing',
  // The queues' state needs the system bus, where cupsd's notifier signals their changes.
  sources: ({ systemBus, log }) => (systemBus ? [new PrinterSource(systemBus, log)] : []),
  detectors: (writers) => [new PrinterProblemDetector(writers), new PrinterStoppedDetector()],
  actions: () => printerActions(),
  playbooks: { [PRINTER_PROBLEM]: printerProblemPlaybook },
};
