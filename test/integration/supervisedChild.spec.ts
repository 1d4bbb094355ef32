// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one supervisor of the sources' long-lived children (journalctl, ip monitor, pw-dump), with real children.
import { createLogger } from '../../service/src/logging.js';
import {
  type ChildExit,
  SupervisedChild,
  type SupervisedChildOptions,
} from '../../service/src/watch/supervisedChild.js';
import { waitFor } from '../support/service.js';

describe('SupervisedChild', () => {
  let children: SupervisedChild[];
  let logLines: string[];

  beforeEach(() => {
    children = [];
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(children.map((child) => child.stop()));
  });

  function supervise(script: string, options: Partial<SupervisedChildOptions> = {}) {
    const child = new SupervisedChild({
      label: 'test child',
      source: 'test',
      log: createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) }),
      command: () => ({ program: 'sh', args: ['-c', script] }),
      restart: { initialDelayMs: 20, maxDelayMs: 80 },
      ...options,
    });
    children.push(child);
    return child;
  }

  const restarts = () =>
    logLines
      .filter((line) => line.includes('test child exited; restarting'))
      .map((line) => /delayMs=(\d+)/.exec(line)?.[1]);

  it('reads its output a line at a time', async () => {
    const lines: string[] = [];
    const child = supervise('printf "first\\nsecond\\nlast without a break"; exec sleep 600', {
      onLine: (line) => lines.push(line),
    });
    await child.start();
    await waitFor(() => lines.length >= 2, 'two lines');
    expect(lines).toEqual(['first', 'second']);
  });

  it('restarts a child that ended, each wait doubled up to the cap', async () => {
    const child = supervise('exit 3');
    await child.start();
    await waitFor(() => restarts().length >= 5, 'five restarts');
    expect(restarts().slice(0, 5)).toEqual(['20', '40', '80', '80', '80']);
    expect(logLines.find((line) => line.includes('exited; restarting'))).toContain('code=3');
  });

  it('waits the first delay again once the child works', async () => {
    let runs = 0;
    const child = supervise('echo working; exit 1', {
      command: () => ({ program: 'sh', args: ['-c', ++runs >= 3 ? 'echo working; exit 1' : 'exit 1'] }),
      onLine: () => child.working(),
    });
    await child.start();
    await waitFor(() => restarts().length >= 4, 'four restarts');
    expect(restarts().slice(0, 4)).toEqual(['20', '40', '20', '20']);
  });

  it('starts the back-off again after a healthy run', async () => {
    const child = supervise('exec sleep 600', { restart: { initialDelayMs: 20, maxDelayMs: 80, healthyRunMs: 300 } });
    await child.start();
    const killed = async () => {
      const pid = child.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => child.pid !== undefined && child.pid !== pid, 'a restart');
    };
    await killed();
    await killed();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await killed();
    expect(restarts()).toEqual(['20', '40', '20']);
    expect(logLines.find((line) => line.includes('exited; restarting'))).toContain('signal=SIGKILL');
  });

  it('stop() ends the child for good, and no restart follows', async () => {
    const child = supervise('exec sleep 600');
    await child.start();
    const pid = child.pid!;
    expect(pid).toBeDefined();
    await child.stop();
    expect(child.pid).toBeUndefined();
    expect(() => process.kill(pid, 0)).toThrowError(/ESRCH/);
    expect(restarts()).toEqual([]);
  });

  it('waits when asked, until startAgain()', async () => {
    const exits: ChildExit[] = [];
    const child = supervise('echo "not yet" >&2; exit 2', {
      ended: (exit) => (exits.push(exit), 'wait'),
    });
    await child.start();
    await waitFor(() => exits.length === 1, 'the child to end');
    expect(exits[0]).toEqual({ code: 2, signal: null, stderr: 'not yet', missing: false });
    expect(child.pid).toBeUndefined();
    expect(restarts()).toEqual([]);
    child.startAgain();
    await waitFor(() => exits.length === 2, 'the child to run again and end');
    expect(restarts()).toEqual([]);
  });

  it('says a program that is not installed, and a child it ended for output it could not read', async () => {
    const exits: ChildExit[] = [];
    const missing = supervise('', {
      command: () => ({ program: 'steward-no-such-program', args: [] }),
      ended: (exit) => (exits.push(exit), 'wait'),
    });
    await missing.start();
    await waitFor(() => exits.length === 1, 'the missing program to end');
    expect(exits[0]?.missing).toBeTrue();

    const failing = supervise('echo "{ not json"; exec sleep 600', {
      onData: () => failing.fail('unreadable output'),
      ended: (exit) => (exits.push(exit), 'wait'),
    });
    await failing.start();
    await waitFor(() => exits.length === 2, 'the unreadable child to end');
    expect(exits[1]).toEqual(
      jasmine.objectContaining({ signal: 'SIGTERM', stderr: 'unreadable output', missing: false }),
    );
  });

  it('waits for what must come before each start, and skips the start if stopped meanwhile', async () => {
    let release: () => void = () => undefined;
    const child = supervise('exec sleep 600', { beforeStart: () => new Promise((resolve) => (release = resolve)) });
    const started = child.start();
    expect(child.pid).toBeUndefined();
    const stopped = child.stop();
    release();
    await Promise.all([started, stopped]);
    expect(child.pid).toBeUndefined();
  });
});
