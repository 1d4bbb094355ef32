// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop's low-memory warnings: low-memory-monitor sets PSI triggers in the kernel and signals
// LowMemoryWarning on the system bus when one fires, as GLib's GMemoryMonitor hears of low memory. A warning
// only wakes the memory pressure source (memory.ts), which reads the kernel's own figures; the bus delivers only
// the name's owner's signals (the match rule's sender).
import type { MessageBus } from '@jellybrick/dbus-next';

import { nameHasOwner, SignalRouter } from '../dbus/client.js';
import { unsubscribeInBackground, watchNameVanishing } from '../dbus/nameWatch.js';
import type { Logger } from '../logging.js';
import type { LowMemoryWarnings } from './memory.js';

export const LOW_MEMORY_MONITOR = 'org.freedesktop.LowMemoryMonitor';

/** low-memory-monitor's warnings on `bus`, where it runs now; none where it does not. */
export function lowMemoryMonitorWarnings(bus: MessageBus, log: Logger): LowMemoryWarnings {
  return async ({ warned, gone }) => {
    const router = new SignalRouter(bus);
    const stopWarnings = await router.subscribe(
      {
        sender: LOW_MEMORY_MONITOR,
        path: '/org/freedesktop/LowMemoryMonitor',
        interface: LOW_MEMORY_MONITOR,
        member: 'LowMemoryWarning',
      },
      () => warned(),
    );
    // Watched before asking whether it runs: a daemon that leaves in between is seen leaving.
    const stopWatching = await watchNameVanishing(router, LOW_MEMORY_MONITOR, () => {
      log.info('low-memory-monitor left the bus: memory pressure is read at an interval');
      unsubscribeInBackground(stopWarnings);
      gone();
    });
    const unsubscribe = async () => {
      stopWatching();
      await stopWarnings();
    };
    if (!(await nameHasOwner(bus, LOW_MEMORY_MONITOR))) {
      await unsubscribe();
      return null;
    }
    log.info('memory pressure is read when low-memory-monitor warns');
    return unsubscribe;
  };
}
