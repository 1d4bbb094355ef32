// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';
import { SOUND_UNAVAILABLE, SoundUnavailableDetector } from './detector.js';
import { soundUnavailable } from './playbook.js';

export const soundKind: DesktopKind = {
  name: 'sound',
  sources: () => [],
  detectors: () => [new SoundUnavailableDetector()],
  actions: () => [],
  playbooks: { [SOUND_UNAVAILABLE]: soundUnavailable },
};
