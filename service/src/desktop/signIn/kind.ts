// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';

export const signInKind: DesktopKind = {
  name: 'signIn',
  sources: () => [],
  detectors: () => [],
  actions: () => [],
  playbooks: {},
};
