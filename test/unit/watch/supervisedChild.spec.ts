// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one supervisor of the sources' long-running children, on real short-lived programs.
import { createLogger } from '../../../service/src/logging.js';
import {
  type ChildEnd,
  SupervisedChild,
  type SupervisedChildOptions,
} from '../../../service/src/watch/supervisedChild.js';
import { waitFor } from '../../support/service.js';

describe('a supervised child', () => {
  let lines: string[];
  let ends: ChildEnd[];
  let children: SupervisedChild[];
  const log = () => createLogger({ level: 'debug', journal: false, write: (line) => lines.push(line) });
  const restarts = () => lines.filter((line) => line.includes('exited; restarting'));

  function supervise(script: string, more: Partial<SupervisedChildOptions> = {}): SupervisedChild {
    const child = new SupervisedChild({
      label: 'test child',
      source: 'test',
      log: log(),
      restart: { initialDelayMs: 20, maxDelayMs: 1000 },
      command: () => ({ program: 'sh', args: ['-c', script] }),
      attach: () => undefined,
      ...more,
      ended: (end) => {
        ends.push(end);
        return more.ended?.(end) ?? 'restart';
      },
    });
    children.push(child);
    return child;
  }

  beforeEach(() => {
    lines = [];
    ends = [];
    children = [];
  });

  afterEach(async () => {
    await Promise.all(children.map((child) => child.stop()));
  });

  it('starts a child that ends again, each wait twice the last, until it shows that it works', async () => {
    const child = supervise('echo broken >&2; exit 3');
    await child.start();
    await waitFor(() => restarts().length >= 3, 'three restarts');
    child.healthy();
    await waitFor(() => restarts().length >= 4, 'a fourth restart');
    const delays = restarts().map((line) => /delayMs=(\d+)/.exec(line)?.[1]);
    expect(delays.slice(0, 3)).toEqual(['20', '40', '80']);
    expect(delays[3]).toBe('20');
    expect(restarts()[0]).toContain('WARNING');
    expect(ends[0]).toEqual({ code: 3, signal: null, stderr: 'broken', missing: false });
  });

  it("leaves a child ended when its owner holds it, and starts it again on the owner's word", async () => {
    const child = supervise('exit 1', { ended: () => 'hold' });
    await child.start();
    await waitFor(() => ends.length === 1, 'the end');
    expect(child.pid).toBeUndefined();
    expect(restarts()).toEqual([]);
    await child.start();
    await waitFor(() => ends.length === 2, 'the second run to end');
  });

  it('says only the first restart of a run of failures at info, where asked', async () => {
    const child = supervise('exit 1', { sayRestarts: 'once' });
    await child.start();
    await waitFor(() => restarts().length >= 2, 'two restarts');
    expect(restarts()[0]).toContain(' INFO ');
    expect(restarts()[1]).toContain(' DEBUG ');
  });

  it('tells a program that is not installed from one that failed', async () => {
    const child = new SupervisedChild({
      label: 'absent',
      source: 'test',
      log: log(),
      restart: { initialDelayMs: 20, maxDelayMs: 1000 },
      command: () => ({ program: 'steward-no-such-program', args: [] }),
      attach: () => undefined,
      ended: (end) => {
        ends.push(end);
        return 'hold';
      },
    });
    children.push(child);
    await child.start();
    await waitFor(() => ends.length === 1, 'the end');
    expect(ends[0]!.missing).toBeTrue();
  });

  it('ends a run whose output cannot be read, saying why', async () => {
    const child = supervise('echo not-json; exec sleep 30', {
      attach: (running, fail) => running.stdout.once('data', () => fail('output that is no JSON')),
      ended: () => 'hold',
    });
    await child.start();
    await waitFor(() => ends.length === 1, 'the run to end');
    expect(ends[0]!.signal).toBe('SIGTERM');
    expect(ends[0]!.stderr).toBe('output that is no JSON');
  });

  it('stop() ends the child for good', async () => {
    const child = supervise('sleep 30');
    await child.start();
    const pid = child.pid!;
    expect(pid).toBeGreaterThan(0);
    await child.stop();
    expect(child.pid).toBeUndefined();
    expect(ends).toEqual([]);
    expect(restarts()).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
