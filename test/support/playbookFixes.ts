// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Fixes with the playbooks alone, as on a machine without a model: for specs of what the proposer decides.
import type { MessageBus } from '@jellybrick/dbus-next';

import { defaultConfig } from '../../service/src/config.js';
import { OBJECT_PATH, proposalsSpec } from '../../service/src/dbus/interfaces.js';
import { ObjectServer } from '../../service/src/dbus/objectServer.js';
import type { FindingsStore } from '../../service/src/findings/store.js';
import { Fixes } from '../../service/src/fixes/fixes.js';
import { KIND_SET } from '../../service/src/kinds/index.js';
import type { Logger } from '../../service/src/logging.js';
import { resolvePaths } from '../../service/src/paths.js';

/** The user's XDG paths under `home`, the state directory at `state`; `journalDirectories` the extra journals followed. */
export function playbookFixes(
  bus: MessageBus,
  findings: FindingsStore,
  home: string,
  state: string,
  log: Logger,
  resolveGraceMs?: number,
  draftDeadlineMs?: number,
  journalDirectories?: readonly string[],
) {
  const server = new ObjectServer(bus, log);
  const fixes = new Fixes({
    ...(resolveGraceMs !== undefined && { resolveGraceMs }),
    ...(draftDeadlineMs !== undefined && { draftDeadlineMs }),
    ...(journalDirectories && { journalDirectories: () => journalDirectories }),
    paths: { ...resolvePaths({ HOME: home }), stateDirectory: state },
    sessionBus: bus,
    server,
    findings,
    config: () => defaultConfig.fixes,
    kinds: KIND_SET,
    engines: { state: () => 'unconfigured', engine: () => Promise.reject(new Error('no model is set up')) },
    log,
  });
  // Exported as the service exports it, so that its signals go out as a client hears them.
  server.export(OBJECT_PATH, proposalsSpec, fixes.interface.impl);
  return fixes;
}
