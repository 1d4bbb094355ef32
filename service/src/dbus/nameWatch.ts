// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { SignalRouter } from './client.js';

/**
 * Unsubscribes without waiting for the bus. A match rule it cannot take back now (the connection is closing, the
 * bus does not answer) goes with the connection; the rejection must not reach the process guard, which would call
 * the service degraded.
 */
export function unsubscribeInBackground(unsubscribe: () => Promise<void>): void {
  unsubscribe().catch(() => undefined);
}

/**
 * Calls `onGone` once `name` leaves the bus: a connection's unique name, or a well-known name its owner releases.
 * Resolves, once the bus will report it, with a function that stops watching.
 */
export async function watchNameVanishing(router: SignalRouter, name: string, onGone: () => void): Promise<() => void> {
  const unsubscribe = await router.subscribe(
    {
      sender: 'org.freedesktop.DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameOwnerChanged',
      arg0: name,
      signature: 'sss',
    },
    ([changedName, , newOwner]) => {
      if (changedName !== name || newOwner !== '') return;
      unsubscribeInBackground(unsubscribe);
      onGone();
    },
  );
  return () => unsubscribeInBackground(unsubscribe);
}
