// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { backoffDelay, RestartBackoff } from '../../service/src/restartBackoff.js';

// The one restart policy of every supervised child: journalctl, ip monitor and the engine's worker.
describe('restart with back-off', () => {
  const options = { initialDelayMs: 1000, maxDelayMs: 5000 };

  it('waits nothing before a failure, then doubles the first delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10, 2000].map((failures) => backoffDelay(failures, options))).toEqual([
      0, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });

  it('starts from the first delay again once the child works', () => {
    const backoff = new RestartBackoff(options);
    expect([backoff.failed(), backoff.failed(), backoff.failed()]).toEqual([1000, 2000, 4000]);
    backoff.reset();
    expect(backoff.failed()).toBe(1000);
  });
});
