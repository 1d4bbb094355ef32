// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The last line of defence: an error that no handler caught is logged and shown as "degraded", and the
// service keeps serving, rather than Node ending the process and the unit restart-looping.
import type { EventEmitter } from 'node:events';

import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import type { ServiceState } from './serviceState.js';

const details = (error: unknown) =>
  error instanceof Error ? { error: error.message, stack: error.stack ?? '' } : { error: String(error) };

/** Installs the guard on `target` (the process); returns a function that removes it. */
export function guardProcess(state: ServiceState, log: Logger, target: EventEmitter = process): () => void {
  const report = (kind: string) => (error: unknown) => {
    log.error(`${kind}; Steward keeps running`, details(error));
    state.setProblem(
      'internal',
      _('Part of Steward failed unexpectedly; it keeps running. The service log has details.'),
    );
  };
  const onRejection = report('an unhandled promise rejection');
  const onException = report('an uncaught exception');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
