// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';
import { EXTENSION_ERROR, ExtensionErrorDetector } from './journalDetector.js';
import { extensionPlaybook } from './playbook.js';

export const extensionsKind: DesktopKind = {
  name: 'extensions',
  sources: () => [],
  detectors: () => [new ExtensionErrorDetector()],
  actions: () => [],
  playbooks: { [EXTENSION_ERROR]: extensionPlaybook },
};
