// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DesktopKind } from '../kind.js';
import { BLUETOOTH_UNAVAILABLE, BluetoothUnavailableDetector } from './detector.js';
import { bluetoothUnavailable } from './playbook.js';

export const bluetoothKind: DesktopKind = {
  name: 'bluetooth',
  sources: () => [],
  detectors: () => [new BluetoothUnavailableDetector()],
  actions: () => [],
  playbooks: { [BLUETOOTH_UNAVAILABLE]: bluetoothUnavailable },
};
