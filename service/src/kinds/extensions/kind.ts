// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { disableExtension, enableExtension, extensionInfoAction } from './actions.js';
import { EXTENSION_ERROR, ExtensionErrorDetector } from './journalDetector.js';
import { extensionPlaybook } from './playbook.js';
import { ShellCrashDetector } from './shellCrashDetector.js';
import { ShellExtensionsSource } from './source.js';
import { ExtensionStateDetector } from './stateDetector.js';

export const extensionsKind: Kind = {
  name: 'extensions',
  sources: ({ sessionBus, log }) => [new ShellExtensionsSource({ name: 'desktop.extensions', bus: sessionBus, log })],
  detectors: (writers) => [
    new ExtensionErrorDetector(writers),
    new ExtensionStateDetector(),
    new ShellCrashDetector(writers),
  ],
  actions: () => [extensionInfoAction, disableExtension, enableExtension] as unknown as ActionDefinition[],
  playbooks: { [EXTENSION_ERROR]: extensionPlaybook },
};
