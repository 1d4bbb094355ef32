// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import { onBusClosed, onBusError } from '../dbus/connection.js';
import type { Logger } from '../logging.js';

/** The message of a fatal error, with its stack where it has one. */
export const errorDetail = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/**
 * Stops the service on SIGTERM and SIGINT through `shutdown`, and ends it when the session bus goes:
 * a part that fails while stopping must not leave the service half-stopped and holding its name.
 */
export function stopOnSignals(bus: MessageBus, shutdown: (signal: string) => Promise<void>, log: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    stopping = true;
    log.info('stopping', { signal });
    shutdown(signal).catch((error: unknown) => {
      log.error('cannot stop cleanly', { error: errorDetail(error) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  onBusError(bus, (error) => {
    log.error('session bus connection lost', { reason: error.message });
    process.exit(1);
  });
  onBusClosed(bus, () => {
    if (stopping) return;
    log.error('the session bus closed the connection; stopping');
    process.exit(1);
  });
}
