// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the desktop's sources read, one shape per kind: the state as the desktop's own API gives it, added to the
// events' DesktopStates (watch/events.ts), which name no kind of their own.
import type { BluetoothState } from './bluetooth/state.js';
import type { ClockState, TimesyncState } from './clock/state.js';
import type { ExtensionState } from './extensions/state.js';
import type { PrinterState } from './printing/state.js';
import type { SoundState } from './sound/state.js';

declare module '../watch/events.js' {
  interface DesktopStates {
    extension: ExtensionState;
    sound: SoundState;
    bluetooth: BluetoothState;
    printer: PrinterState;
    clock: ClockState;
    timesync: TimesyncState;
  }
}
