// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Applications that crash: systemd-coredump's records are found by the coredump detector and shown by
// info.coredump (with where the program comes from, see origin.ts); this kind adds the update of the crashed
// program's package when PackageKit has one waiting.
import type { ActionDefinition } from '../../fixes/action.js';
import { packageUpdateAction } from '../../fixes/actions/packageUpdate.js';
import type { DesktopKind } from '../kind.js';

export const appCrashKind: DesktopKind = {
  name: 'appCrash',
  sources: () => [],
  detectors: () => [],
  actions: () => [packageUpdateAction as unknown as ActionDefinition],
  playbooks: {},
};
