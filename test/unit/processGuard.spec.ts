// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { EventEmitter } from 'node:events';

import { guardProcess } from '../../service/src/core/processGuard.js';
import { ServiceState } from '../../service/src/core/serviceState.js';
import type { Logger } from '../../service/src/logging.js';

describe('the process guard', () => {
  const logged: { message: string; fields: unknown }[] = [];
  const log = { error: (message: string, fields: unknown) => logged.push({ message, fields }) } as unknown as Logger;
  let state: ServiceState;
  let target: EventEmitter;
  let remove: () => void;

  beforeEach(() => {
    logged.length = 0;
    state = new ServiceState();
    state.markStarted([]);
    target = new EventEmitter();
    remove = guardProcess(state, log, target);
  });
  afterEach(() => remove());

  it('logs an unhandled rejection and marks the service degraded, without ending it', () => {
    target.emit('unhandledRejection', new Error('disk I/O error'));
    expect(state.state).toBe('degraded');
    expect(state.reason).toContain('it keeps running');
    expect(logged[0]?.message).toContain('unhandled promise rejection');
    expect(logged[0]?.fields).toEqual(jasmine.objectContaining({ error: 'disk I/O error' }));
  });

  it('does the same for an uncaught exception, even one that is not an Error', () => {
    target.emit('uncaughtException', 'a string thrown');
    expect(state.state).toBe('degraded');
    expect(logged[0]?.fields).toEqual({ error: 'a string thrown' });
  });

  it('leaves the target as it found it when removed', () => {
    remove();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
