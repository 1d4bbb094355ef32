// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop's low-memory warnings: low-memory-monitor sets PSI triggers in the kernel and signals
// LowMemoryWarning on the system bus when one fires, as GLib's GMemoryMonitor hears of low memory. A warning
// only wakes the memory pressure source (memory.ts), which reads the kernel's own figures. Only the daemon's own
// warnings count: the match rule carries its owner's unique name, made again whenever the daemon comes back, so
// the warnings are heard again from a daemon that left and returned, or that started after Steward.
import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import { reportUnexpected, UnexpectedAnswer } from '../dbus/unexpected.js';
import type { Logger } from '../logging.js';
import type { LowMemoryWarnings } from './memory.js';

export const LOW_MEMORY_MONITOR = 'org.freedesktop.LowMemoryMonitor';

/** low-memory-monitor's warnings on `bus`, whenever it runs. */
export function lowMemoryMonitorWarnings(bus: MessageBus, log: Logger): LowMemoryWarnings {
  return async ({ warned, gone, back }) => {
    // A warning of another type than the daemon's (a byte) is dropped, and said so.
    const router = new SignalRouter(bus, {
      dropped: (_filter, message) =>
        reportUnexpected(
          log,
          new UnexpectedAnswer(LOW_MEMORY_MONITOR, 'LowMemoryWarning', `a signal of type "${message.signature}"`),
        ),
    });
    const stopWarnings = await router.subscribe(
      {
        sender: LOW_MEMORY_MONITOR,
        path: '/org/freedesktop/LowMemoryMonitor',
        interface: LOW_MEMORY_MONITOR,
        member: 'LowMemoryWarning',
        signature: 'y',
      },
      () => warned(),
    );
    // Told once the warnings' match rule names the new owner: no warning of the daemon back is missed after it.
    const watch = await router.watchOwner(LOW_MEMORY_MONITOR, (owner) => {
      if (owner === null) {
        log.info('low-memory-monitor left the bus: memory pressure is read at an interval');
        gone();
      } else {
        log.info('low-memory-monitor is on the bus: memory pressure is read when it warns');
        back();
      }
    });
    const running = watch.owner !== null;
    if (running) log.info('memory pressure is read when low-memory-monitor warns');
    return {
      running,
      stop: async () => {
        await watch.stop();
        await stopWarnings();
      },
    };
  };
}
