// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { EventEmitter } from 'node:events';

import { type MessageBus, NameFlag, RequestNameReply, sessionBus, systemBus } from '@jellybrick/dbus-next';

import { callMethod } from './client.js';
import { StewardError } from './errors.js';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to the session or system bus (DBUS_SESSION_BUS_ADDRESS /
 * DBUS_SYSTEM_BUS_ADDRESS, or the usual defaults) and waits until the bus has
 * given us a unique name.
 */
export async function connectBus(kind: 'session' | 'system'): Promise<MessageBus> {
  const bus = kind === 'session' ? sessionBus() : systemBus();
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      bus.once('connect', resolve);
      onBusError(bus, reject);
      timer = setTimeout(() => reject(new Error(`no answer from the ${kind} bus`)), CONNECT_TIMEOUT_MS);
    });
  } catch (error) {
    bus.disconnect();
    throw new StewardError('Unavailable', `cannot connect to the ${kind} bus: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return bus;
}

const busDaemon = (member: string, signature: string, body: unknown[]) => ({
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
  member,
  signature,
  body,
});

/** Takes `name` without queueing; fails with a clear error when another process owns it. */
export async function ownName(bus: MessageBus, name: string): Promise<void> {
  const [reply] = await callMethod(bus, {
    ...busDaemon('RequestName', 'su', [name, NameFlag.DO_NOT_QUEUE]),
    reply: 'u',
  });
  if (reply === RequestNameReply.PRIMARY_OWNER || reply === RequestNameReply.ALREADY_OWNER) return;
  throw new StewardError('Busy', `the bus name ${name} is already owned by another process`);
}

export async function releaseName(bus: MessageBus, name: string): Promise<void> {
  await callMethod(bus, { ...busDaemon('ReleaseName', 's', [name]), reply: 'u' });
}

/**
 * Calls `handler` when the connection fails or closes. The library emits
 * "error" for that, but its type definitions do not list the event.
 */
export function onBusError(bus: MessageBus, handler: (error: Error) => void): void {
  (bus as unknown as EventEmitter).on('error', handler);
}

/**
 * Calls `handler` when the connection closes, e.g. because the bus daemon went away;
 * dbus-next reports that nowhere else, and a service without its bus is of no use.
 */
export function onBusClosed(bus: MessageBus, handler: () => void): void {
  (bus as unknown as { _connection: { stream: EventEmitter } })._connection.stream.once('close', handler);
}
