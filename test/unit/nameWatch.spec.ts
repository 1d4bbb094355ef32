// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { unsubscribeInBackground } from '../../service/src/dbus/nameWatch.js';

describe('an unsubscription left to the background', () => {
  it('keeps a bus that cannot take the match rule back from reaching the process guard', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    let asked = false;
    unsubscribeInBackground(() => {
      asked = true;
      return Promise.reject(new Error('org.freedesktop.DBus did not answer RemoveMatch within 25 s'));
    });
    // Node reports an unhandled rejection once the microtasks have run, before the next turn's immediates.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', record);
    expect(asked).toBeTrue();
    expect(unhandled).toEqual([]);
  });
});
