// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A network connection that failed (NetworkManager, systemd-networkd, dhclient), a NIC whose link went down or
// hung, Wi-Fi that keeps dropping, or a Wi-Fi password asked for again; the playbooks read the device's state
// (info.network_device) and reconnect.
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { NETWORK_FAILURE, NetworkFailureDetector, WIFI_SECRETS } from './detector.js';
import { networkDeviceAction } from './deviceAction.js';
import { networkFailure, wifiSecrets } from './playbook.js';

export const networkFailureKind: Kind = {
  name: 'networkFailure',
  sources: () => [],
  detectors: () => [new NetworkFailureDetector()],
  actions: () => [networkDeviceAction] as unknown as ActionDefinition[],
  playbooks: { [NETWORK_FAILURE]: networkFailure, [WIFI_SECRETS]: wifiSecrets },
};
