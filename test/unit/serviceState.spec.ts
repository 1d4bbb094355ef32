// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ServiceState } from '../../service/src/core/serviceState.js';

describe('ServiceState', () => {
  let state: ServiceState;
  let changes: string[][];

  beforeEach(() => {
    state = new ServiceState();
    changes = [];
    state.on('changed', (names) => changes.push(names));
  });

  it('starts as "starting" with no capabilities, then becomes idle', () => {
    expect(state.state).toBe('starting');
    expect(state.capabilities).toEqual([]);
    state.markStarted(['journal.user']);
    expect(state.state).toBe('idle');
    expect(changes).toEqual([['State', 'Capabilities']]);
  });

  it('keeps a problem that quotes a huge input short', () => {
    state.markStarted([]);
    state.setProblem('config', `Unknown keys: ${'k, '.repeat(1_000_000)}`);
    expect(state.reason.length).toBeLessThanOrEqual(500);
    expect(state.reason).toMatch(/^Unknown keys: k, .*… \(\d+ more characters\)$/);
  });

  it('is degraded while any part reports a problem, with all reasons', () => {
    state.markStarted([]);
    state.setProblem('config', 'Config is broken.');
    state.setProblem('journal', 'Journal is gone.');
    expect(state.state).toBe('degraded');
    expect(state.reason).toBe('Config is broken. Journal is gone.');
    state.setProblem('config', null);
    expect(state.reason).toBe('Journal is gone.');
    state.setProblem('journal', null);
    expect(state.state).toBe('idle');
    expect(state.reason).toBe('');
  });

  it('reports a problem found while starting once it has started', () => {
    state.setProblem('config', 'Config is broken.');
    expect(state.state).toBe('starting');
    state.markStarted([]);
    expect(state.state).toBe('degraded');
  });

  it('signals only real changes', () => {
    state.markStarted(['a']);
    changes = [];
    state.setProblem('x', null);
    state.markStarted(['a']);
    expect(changes).toEqual([]);
  });

  it('asks for attention while findings need it, behind its own problems', () => {
    state.markStarted([]);
    state.setAttention('2 problems need attention.');
    expect(state.state).toBe('attention');
    expect(state.reason).toBe('2 problems need attention.');
    state.setProblem('config', 'Config is broken.');
    expect(state.state).toBe('degraded');
    state.setProblem('config', null);
    expect(state.state).toBe('attention');
    state.setAttention(null);
    expect(state.state).toBe('idle');
  });

  it('keeps what a part does only in part as a note, without a change of state', () => {
    state.markStarted([]);
    changes = [];
    state.setNote('files', 'The kernel’s limit of watched folders for this user is reached.');
    expect(state.notes).toEqual(['The kernel’s limit of watched folders for this user is reached.']);
    expect(state.state).toBe('idle');
    expect(changes).toEqual([]);
    state.setNote('files', null);
    expect(state.notes).toEqual([]);
  });
});
