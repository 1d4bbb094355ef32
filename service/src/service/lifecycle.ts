// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import { onBusClosed, onBusError } from '../dbus/connection.js';
import type { Logger } from '../logging.js';

/** The message of a fatal error, with its stack where it has one. */
export const errorDetail = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** Whether the service is stopping on purpose, so that its own disconnect is not taken for the bus going. */
export interface Lifetime {
  stopping: boolean;
}

/**
 * Ends the service when the session bus goes, from the moment it connects: a bus that goes while the service is
 * still starting (its watchers' children already running) must end it too, or it lingers without anyone to serve.
 */
export function endWithBus(bus: MessageBus, log: Logger): Lifetime {
  const lifetime = { stopping: false };
  onBusError(bus, (error) => {
    log.error('session bus connection lost', { reason: error.message });
    process.exit(1);
  });
  onBusClosed(bus, () => {
    if (lifetime.stopping) return;
    log.error('the session bus closed the connection; stopping');
    process.exit(1);
  });
  return lifetime;
}

/**
 * Stops the service on SIGTERM and SIGINT through `shutdown`: a part that fails while stopping must not leave the
 * service half-stopped and holding its name.
 */
export function stopOnSignals(lifetime: Lifetime, shutdown: (signal: string) => Promise<void>, log: Logger): void {
  const stop = (signal: string) => {
    lifetime.stopping = true;
    log.info('stopping', { signal });
    shutdown(signal).catch((error: unknown) => {
      log.error('cannot stop cleanly', { error: errorDetail(error) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
