// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DBusError } from '@jellybrick/dbus-next';

/** The error a call fails with; fails the test when the call succeeds. */
export async function errorOf(promise: Promise<unknown>): Promise<DBusError> {
  try {
    await promise;
  } catch (error) {
    return error as DBusError;
  }
  throw new Error('the call succeeded');
}
