// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An ActionContext over a temporary home, for actions that only touch files and the journal.
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { ActionContext, RunOptions } from '../../../service/src/fixes/action.js';
import { createLogger } from '../../../service/src/logging.js';

export function homeContext(home: string): ActionContext {
  return {
    // These actions use no bus.
    sessionBus: undefined as unknown as MessageBus,
    systemBus: null,
    home,
    cacheHome: join(home, '.cache'),
    dataHome: join(home, '.local', 'share'),
    knownGoodDirectory: join(home, '.local', 'state', 'steward', 'known-good'),
    log: createLogger({ write: () => undefined }),
  };
}

export function runOptions(progress: string[] = []): RunOptions {
  return { progress: (_fraction, text) => progress.push(text), signal: new AbortController().signal };
}
