// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// No or limited connectivity, or a captive portal, as NetworkManager's connectivity check reports it; the playbooks
// reconnect, or open the portal's sign-in page (network.open_portal).
import type { Kind } from '../kind.js';
import { captivePortalActions } from './actions.js';
import { CAPTIVE_PORTAL, ConnectivityDetector, NO_CONNECTIVITY } from './detector.js';
import { captivePortal, reconnect } from './playbook.js';

export const connectivityKind: Kind = {
  name: 'connectivity',
  sources: () => [],
  detectors: () => [new ConnectivityDetector()],
  actions: () => captivePortalActions,
  playbooks: { [NO_CONNECTIVITY]: reconnect, [CAPTIVE_PORTAL]: captivePortal },
};
