// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One adapter as BlueZ tells it. */
export interface BluetoothState {
  /** The adapter's object path, "/org/bluez/hci0". */
  adapter: string;
  /** False once BlueZ no longer has the adapter (unplugged, bluetoothd stopped). */
  present: boolean;
  powered: boolean;
  /**
   * Blocked through rfkill, as BlueZ's PowerState "off-blocked" (BlueZ 5.66 and later) says; older BlueZ does not
   * tell, and this stays false. BlueZ does not say which switch blocks it (software or hardware).
   */
  blocked: boolean;
}
