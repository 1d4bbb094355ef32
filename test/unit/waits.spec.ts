// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The tests' waits end at their deadline even where what they wait on never returns: the desktop gym hung without a
// word when a PipeWire client's server never answered.
import { command } from '../e2e/desktopGym/command.js';
import { waitFor, withDeadline } from '../support/service.js';

describe('a wait', () => {
  it('ends at its deadline where the check it polls never answers, naming what it waited for', async () => {
    const started = Date.now();
    await expectAsync(waitFor(() => new Promise<boolean>(() => undefined), 'the sink', 200)).toBeRejectedWithError(
      /timed out waiting for the sink \(its check never answered\)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still polls a check that answers until it holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, 'the third call', 5_000);
    expect(calls).toBe(3);
  });

  it('gives what came within the deadline, and an error naming what did not', async () => {
    expect(await withDeadline(Promise.resolve(7), 'seven', 1_000)).toBe(7);
    await expectAsync(withDeadline(new Promise(() => undefined), 'the fault', 100)).toBeRejectedWithError(
      'timed out waiting for the fault',
    );
  });

  it('kills a client that never answers, and says which', async () => {
    await expectAsync(command('sleep', ['30'], { timeout: 200 })).toBeRejectedWithError(
      'sleep 30 did not answer within 0.2 s',
    );
    expect((await command('echo', ['answered'])).stdout).toBe('answered\n');
  });
});
