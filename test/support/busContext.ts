// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An ActionContext for actions that reach the machine only over D-Bus: private buses with mocks on them, no home.
import type { MessageBus } from '@jellybrick/dbus-next';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { createLogger } from '../../service/src/logging.js';

export function busContext(sessionBus: MessageBus, systemBus: MessageBus | null = sessionBus): ActionContext {
  return {
    sessionBus,
    systemBus,
    home: '/nonexistent',
    cacheHome: '/nonexistent',
    dataHome: '/nonexistent',
    knownGoodDirectory: '/nonexistent',
    log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
  };
}
