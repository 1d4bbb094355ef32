// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network-failure and wifi-secrets: a connection NetworkManager could not make.
import type { FindingWithEvidence } from '../../findings/store.js';
import type { Playbook, PlaybookTools, ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { reconnect } from '../connectivity/playbook.js';
import { linkDown } from '../linkDown/playbook.js';
import { managedDeviceState, notConnected } from './deviceAction.js';

// NetworkManager's own reason for a failed activation: "device (eth0): state change: ip-config -> failed (reason
// 'ip-config-unavailable', managed-type: 'full')".
const NM_FAILED_REASON = /-> failed \(reason '([a-z0-9-]{1,40})'/;

// A device NetworkManager tried to connect and could not (it has its carrier): reconnecting has no active connection
// to take down, and only a cause that went away (a DHCP server answering again) makes connecting again work. What
// NetworkManager tried and the reason it gave come first.
async function activationFailed(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  if (!notConnected(await managedDeviceState(tools.context, name).catch(() => null))) return null;
  const reason = finding.evidence.map((evidence) => NM_FAILED_REASON.exec(evidence.text)?.[1]).find(Boolean);
  return {
    title: format(_('See why NetworkManager could not connect {name}'), { name }),
    explanation: format(
      _(
        '{title}. NetworkManager tried to connect it and gave up{reason}. The first step shows how it tries (by DHCP, ' +
          'and how long it waits, or a fixed address), what it holds now and the reason it gave; connecting again ' +
          'helps once the cause is gone (a DHCP server that answers again, a network in range again).',
      ),
      { title: finding.title, reason: reason ? format(_(" (reason '{reason}')"), { reason }) : '' },
    ),
    actions: [
      { name: 'info.network_device', params: reason ? { interface: name, reason } : { interface: name } },
      { name: 'network.connect_device', params: { interface: name } },
    ],
  };
}

/** A failure the journal tells of a link: reconnect where NetworkManager runs, else the link's own state and way up. */

export const networkFailure: Playbook = async (finding, tools) => {
  const failedActivation = await activationFailed(finding, tools);
  if (failedActivation) return failedActivation;
  const viaNetworkManager = await reconnect(finding, tools);
  const step = viaNetworkManager?.actions[0];
  const preview = step && (await tools.preview(step));
  // No active connection to reconnect: the link's own state, where the finding names one.
  if (preview && !preview.changesNothing) return viaNetworkManager;
  return finding.subject ? linkDown(finding, tools) : viaNetworkManager;
};

// The failed connection is not active, so a reconnect would take down another, working one: the device that
// failed is connected again instead, and NetworkManager's secret agent (GNOME's dialog) asks for the password.
export const wifiSecrets: Playbook = async (finding) => {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  return {
    title: format(_('Connect {name} to the Wi-Fi network again'), { name }),
    explanation: format(
      _(
        '{title}. The network asked for its password and none was given (a wrong or forgotten password, ' +
          'or the keyring was locked). Connecting again asks for it; if it keeps failing, check the password in Settings → Wi-Fi.',
      ),
      { title: finding.title },
    ),
    actions: [{ name: 'network.connect_device', params: { interface: name } }],
  };
};
