// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';
import { PRINTER_PROBLEM, PrinterProblemDetector } from './detector.js';
import { printerProblemPlaybook } from './playbook.js';

export const printingKind: DesktopKind = {
  name: 'printing',
  sources: () => [],
  detectors: () => [new PrinterProblemDetector()],
  actions: () => [],
  playbooks: { [PRINTER_PROBLEM]: printerProblemPlaybook },
};
