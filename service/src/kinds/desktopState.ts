// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the desktop's sources read, one shape per kind: the state as the desktop's own API gives it.
import type { BluetoothState } from './bluetooth/state.js';
import type { ClockState, TimesyncState } from './clock/state.js';
import type { ExtensionState } from './extensions/state.js';
import type { PrinterState } from './printing/state.js';
import type { SoundState } from './sound/state.js';

export type DesktopState =
  | { kind: 'extension'; extension: ExtensionState }
  | { kind: 'sound'; sound: SoundState }
  | { kind: 'bluetooth'; bluetooth: BluetoothState }
  | { kind: 'printer'; printer: PrinterState }
  | { kind: 'clock'; clock: ClockState }
  | { kind: 'timesync'; timesync: TimesyncState };
