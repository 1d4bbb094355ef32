// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A program that crashed: the kernel's segfaults and traps, a unit's main process dumped or killed by a fault signal
// (crashDetector.ts), and systemd-coredump's records (coredumpDetector.ts). The playbook reads the crash's record
// (info.coredump) and offers the update waiting for the crashed program's package or Flatpak app (flatpak.update).
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { coredumpAction } from './coredumpAction.js';
import { COREDUMP, CoredumpDetector } from './coredumpDetector.js';
import { CRASH, CrashDetector } from './crashDetector.js';
import { flatpakUpdateAction } from './flatpakUpdate.js';
import { crash } from './playbook.js';

export const crashKind: Kind = {
  name: 'crash',
  sources: () => [],
  detectors: () => [new CoredumpDetector(), new CrashDetector()],
  actions: ({ journalDirectories, testHooks } = {}) =>
    [
      coredumpAction({
        directories: journalDirectories,
        systemJournal: testHooks?.systemJournal,
        userJournal: testHooks?.userJournal,
      }),
      flatpakUpdateAction(),
    ] as unknown as ActionDefinition[],
  playbooks: { [COREDUMP]: crash, [CRASH]: crash },
  rules: {
    [CRASH]: { recursOnRestart: true, replacesUnitFailure: true },
    // The crashed program's package, or its Flatpak app, updated to what was waiting with nothing left waiting: what
    // is left of the crash is history.
    [COREDUMP]: {
      recursOnRestart: true,
      replacesUnitFailure: true,
      resolvedWhenVerified: ['packages.update', 'flatpak.update'],
    },
  },
};
