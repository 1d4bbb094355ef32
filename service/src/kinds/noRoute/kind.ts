// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// No default route: the network watcher's links and routes show none; the playbook reconfigures the link that
// held it, through NetworkManager or systemd-networkd.
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { defaultRouteActions } from './actions.js';
import { NO_ROUTE, NoRouteDetector } from './detector.js';
import { noRoute } from './playbook.js';

export const noRouteKind: Kind = {
  name: 'noRoute',
  sources: () => [],
  detectors: () => [new NoRouteDetector()],
  actions: () => defaultRouteActions as unknown as ActionDefinition[],
  playbooks: { [NO_ROUTE]: noRoute },
};
