// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the actions that change the system share: the system bus, the flags
// that let polkit ask in the desktop's own dialog, and its refusals told apart
// from failures.
import type { MessageBus } from '@jellybrick/dbus-next';

import type { CallOptions } from '../../dbus/client.js';
import { PeerLeft, remoteErrorName, StewardError } from '../../dbus/errors.js';
import { _, format } from '../../i18n.js';
import { type ActionContext, NotAuthorizedError } from '../action.js';

/** A polkit prompt waits for the user, so a call that may raise one gets minutes, not the default 25 s. */
export const AUTHORIZED_CALL: CallOptions = { interactive: true, timeoutMs: 5 * 60_000, autoStart: false };

// How the daemons report a refused or dismissed prompt: the bus's own names
// (systemd, resolved), polkit's, and NetworkManager's.
const REFUSALS = new Set([
  'org.freedesktop.DBus.Error.AccessDenied',
  'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired',
  'org.freedesktop.PolicyKit1.Error.NotAuthorized',
  'org.freedesktop.NetworkManager.PermissionDenied',
]);

// The name has no owner and, with activation off, nothing starts it.
const ABSENT = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner']);

export function systemBusOf(context: Pick<ActionContext, 'systemBus'>): MessageBus {
  if (!context.systemBus) throw new StewardError('Unavailable', _('There is no system bus on this machine.'));
  return context.systemBus;
}

/**
 * Awaits a call to `service` (in words: "NetworkManager"), turning polkit's
 * refusal into NotAuthorizedError, and a daemon that is not running, or that
 * left the bus before it answered, into Unavailable.
 */
export async function systemCall<T>(call: Promise<T>, service: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof PeerLeft)
      throw new StewardError('Unavailable', format(_('{service} left the bus before it answered.'), { service }));
    const name = remoteErrorName(error);
    if (name && REFUSALS.has(name)) throw new NotAuthorizedError();
    if (name && ABSENT.has(name))
      throw new StewardError('Unavailable', format(_('{service} is not running.'), { service }));
    throw error;
  }
}
