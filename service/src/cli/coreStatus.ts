// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { remoteErrorName } from '../dbus/errors.js';
import { BUS_NAME, CORE_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { type StatusRecord, unpackStatus } from './statusReport.js';

const NOT_RUNNING_ERRORS = ['org.freedesktop.DBus.Error.NameHasNoOwner', 'org.freedesktop.DBus.Error.ServiceUnknown'];

/** GetStatus of the core interface, or null when the service is not running; asking never starts it. */
export async function fetchStatus(bus: MessageBus): Promise<StatusRecord | null> {
  try {
    const [reply] = await callMethod(
      bus,
      { destination: BUS_NAME, path: OBJECT_PATH, interface: CORE_INTERFACE, member: 'GetStatus' },
      { autoStart: false },
    );
    return unpackStatus(reply as Record<string, Variant>);
  } catch (error) {
    if (NOT_RUNNING_ERRORS.includes(remoteErrorName(error) ?? '')) return null;
    throw error;
  }
}

export const NOT_RUNNING_MESSAGE = 'Steward is not running. Start it with “steward start”.\n';
