// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One adapter as BlueZ and rfkill tell it. */
export interface BluetoothState {
  /** The adapter's object path, "/org/bluez/hci0"; '' when BlueZ has none. */
  adapter: string;
  powered: boolean;
  softBlocked: boolean;
  hardBlocked: boolean;
}
