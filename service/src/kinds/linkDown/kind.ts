// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A network interface that was up went down (a cable pulled, Wi-Fi lost), read from the network watcher's links;
// the playbook shows the link's state and brings it up again through its manager (info.link_state, network.link_up).
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { linkActions } from './actions.js';
import { LINK_DOWN, LinkDownDetector } from './detector.js';
import { linkDown } from './playbook.js';

export const linkDownKind: Kind = {
  name: 'linkDown',
  sources: () => [],
  detectors: (_writers, options) => [new LinkDownDetector(options?.linkDown)],
  actions: () => linkActions as unknown as ActionDefinition[],
  playbooks: { [LINK_DOWN]: linkDown },
};
