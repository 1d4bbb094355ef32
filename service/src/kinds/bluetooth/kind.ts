// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { powerOff, powerOn } from './actions.js';
import { BLUETOOTH_UNAVAILABLE, BluetoothUnavailableDetector } from './detector.js';
import { bluetoothInfo } from './infoAction.js';
import { BLUETOOTH_OFF, BluetoothOffDetector } from './offDetector.js';
import { bluetoothOff, bluetoothUnavailable } from './playbook.js';
import { blockBluetooth, unblockBluetooth } from './rfkillActions.js';
import { BluezSource } from './source.js';

export const bluetoothKind: Kind = {
  name: 'bluetooth',
  // BlueZ is on the system bus: without one the kind reads only the journal.
  sources: ({ systemBus, log }) =>
    systemBus ? [new BluezSource({ name: 'desktop.bluetooth', bus: systemBus, log })] : [],
  detectors: (writers) => [new BluetoothUnavailableDetector(writers), new BluetoothOffDetector()],
  actions: () => [bluetoothInfo, powerOn, powerOff, unblockBluetooth, blockBluetooth] as unknown as ActionDefinition[],
  playbooks: { [BLUETOOTH_UNAVAILABLE]: bluetoothUnavailable, [BLUETOOTH_OFF]: bluetoothOff },
};
