// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network-failure and wifi-secrets, as the journal tells them: NetworkManager's
// failed activations and DHCP timeouts, systemd-networkd's lost carrier and
// leases, NIC drivers' hangs and links that go down, and a Wi-Fi that keeps
// dropping. wifi-secrets: the network needs a password nobody gave.
import {
  isDaemon,
  isJournal,
  isKernel,
  type JournalEvent,
  journalEvidence,
  kernelText,
} from '../../findings/detectors/journal.js';
import { SlidingWindow } from '../../findings/detectors/window.js';
import { type Detector, type DetectorOutput, earliestDeadline, type HeldOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { LinkState, WatchEvent } from '../../watch/events.js';

export const NETWORK_FAILURE = 'network-failure';
export const WIFI_SECRETS = 'wifi-secrets';

const IFACE = String.raw`([\w.:@-]+)`;

// NetworkManager names the device in parentheses: "device (wlo1): …", "dhcp4 (eth0): …", "(eth1): …".
const NM_SECRETS = [
  new RegExp(String.raw`device \(${IFACE}\): no secrets`),
  new RegExp(String.raw`device \(${IFACE}\): state change: .* -> failed \(reason 'no-secrets'`),
  new RegExp(String.raw`\(${IFACE}\): Activation: \(wifi\) asking for new secrets`),
];
const NM_FAILURES = [
  new RegExp(String.raw`device \(${IFACE}\): Activation: failed for connection`),
  new RegExp(String.raw`device \(${IFACE}\): state change: .* -> failed \(reason '`),
  new RegExp(String.raw`\(${IFACE}\): DHCPv[46] request timed out`),
  new RegExp(String.raw`dhcp[46] \(${IFACE}\): request timed out`),
];
// systemd-networkd: "enp0s5: Lost carrier", "enp0s5: DHCP lease lost", "eth0: Could not set route: …", "eth0: Failed".
const NETWORKD = new RegExp(String.raw`^${IFACE}: (?:Lost carrier$|DHCP lease lost$|Could not set \w+: |Failed$)`);
// NIC drivers: "e1000e: eth0 NIC Link is Down", "r8169 0000:02:00.0 eth1: Link is Down", "r8168: eth0: link down",
// and transmit hangs: "e1000e 0000:00:19.0 eth0: Detected Hardware Unit Hang", "igb 0000:09:00.0: Detected Tx Unit Hang".
const LINK_DOWN = new RegExp(String.raw`\b${IFACE}:? (?:NIC )?[Ll]ink (?:is )?[Dd]own\b`);
// The driver, the PCI device, then the interface when it has one: "e1000e 0000:00:19.0 eth0: …", "igb 0000:09:00.0: …".
const UNIT_HANG =
  /^[\w-]+:? (?:([\da-f]{4}:[\da-f]{2}:[\da-f]{2}\.\d):? )?(?:([\w.@-]+): )?Detected (?:Hardware|Tx) Unit Hang/;
// NetworkManager when the cable or the radio link goes while connected: "device (eth0): state change: activated ->
// unavailable (reason 'carrier-changed', sys-iface-state: 'managed')". Coming back up passes through "unavailable ->
// disconnected" with the same reason: not a loss.
const NM_CARRIER_LOST = new RegExp(
  String.raw`device \(${IFACE}\): state change: activated -> unavailable \(reason 'carrier-changed'`,
);
// dhclient, with the interface of its last DISCOVER: "No DHCPOFFERS received.", then "No working leases in
// persistent database - sleeping."
const DHCP_DISCOVER = new RegExp(String.raw`^DHCPDISCOVER on ${IFACE}`);
// wpa_supplicant: "wlan0: CTRL-EVENT-DISCONNECTED bssid=… reason=16" — once is a roam, three times is a problem.
const WPA_DISCONNECTED = new RegExp(String.raw`^${IFACE}: CTRL-EVENT-DISCONNECTED`);
// The same programs' words for the link working again: the kernel's "e1000e: eth0 NIC Link is Up 1000 Mbps Full
// Duplex", r8168's "r8168: eth0: link up", networkd's "enp0s5: Gained carrier", NetworkManager's "device (eth0): Activation: successful, device
// activated." and "device (eth0): state change: secondaries -> activated (reason 'none', …)".
const BACK_UP = [
  new RegExp(String.raw`\b([\w.@-]+):? (?:NIC )?Link is Up\b`),
  new RegExp(String.raw`^[\w-]+: ([\w.@-]+): link up\b`),
  new RegExp(String.raw`^${IFACE}: Gained carrier$`),
];
const NM_BACK_UP = [
  new RegExp(
    String.raw`device \(${IFACE}\): (?:Activation: successful, device activated|state change: \S+ -> activated \()`,
  ),
];
/** The most interfaces remembered as failed: enough for any machine, bounded against a flood of names. */
const MAX_FAILED = 256;
const DROPS = 3;
const LOST_CARRIER = ': Lost carrier';
/** How recently a link must have carried something for its lost carrier to lose anything. */
const CARRIED_WITHIN_MS = 10 * 60_000;
/** How long networkd's lost carrier of a link the network source has not read yet waits for its read. */
const CARRIER_READ_WAIT_MS = 3_000;
const DROP_WINDOW_MS = 10 * 60_000;

export class NetworkFailureDetector implements Detector {
  readonly kinds = [NETWORK_FAILURE, WIFI_SECRETS];
  private dhcpInterface = '';
  private readonly drops = new SlidingWindow(DROP_WINDOW_MS);
  /** Interfaces reported failed, so that only their coming back resolves anything and healthy logs stay silent. */
  private readonly failed = new Set<string>();
  /** Each link the network source read, and when it last carried something of the machine's. */
  private readonly links = new Map<string, { carried: number | null }>();

  /** networkd's lost carriers of links the network source had not read yet, waiting for its read, by link. */
  readonly #heldCarriers = new Map<string, { event: JournalEvent; until: number }>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'link') {
      this.#noteLink(event.at, event.link);
      return [];
    }
    if (!isJournal(event)) return [];
    return [...this.#overdue(event.at.getTime()), ...this.#read(event)];
  }

  heldUntil(): number | undefined {
    return earliestDeadline(this.#heldCarriers.values());
  }

  expire(now: number): HeldOutput[] {
    const expired: HeldOutput[] = [];
    for (const [iface, { event, until }] of this.#heldCarriers) {
      if (until > now) continue;
      this.#heldCarriers.delete(iface);
      for (const output of this.#lostCarrier(event, iface)) expired.push({ event, output });
    }
    return expired;
  }

  #read(event: JournalEvent): DetectorOutput[] {
    const message = isKernel(event.entry) ? kernelText(event.entry) : event.entry.message;
    // NetworkManager's words count from NetworkManager: its own unit, running its own program.
    const networkManager = isDaemon(event.entry, 'NetworkManager');
    const secrets = networkManager ? first(NM_SECRETS, message) : null;
    if (secrets !== null)
      return this.report(event, WIFI_SECRETS, secrets, _('{iface} could not connect: the network needs a password'));
    const hang = UNIT_HANG.exec(message);
    const networkd = NETWORKD.exec(message)?.[1];
    if (networkd !== undefined && message.endsWith(LOST_CARRIER)) {
      const carried = this.#carried(networkd, event.at);
      if (carried === 'nothing') return [];
      if (carried === 'unread') {
        this.#heldCarriers.set(networkd, { event, until: Date.now() + CARRIER_READ_WAIT_MS });
        return [];
      }
    }
    const failure =
      (networkManager ? first(NM_FAILURES, message) : null) ?? networkd ?? (hang && (hang[2] ?? hang[1] ?? ''));
    if (failure !== null && failure !== undefined)
      return this.report(event, NETWORK_FAILURE, failure, _('{iface} lost its network connection'));
    const down = LINK_DOWN.exec(message)?.[1] ?? (networkManager ? NM_CARRIER_LOST.exec(message)?.[1] : undefined);
    if (down) return this.report(event, NETWORK_FAILURE, down, _('{iface} lost its link'));
    const discover = DHCP_DISCOVER.exec(message)?.[1];
    if (discover) this.dhcpInterface = discover;
    if (/^No (?:DHCPOFFERS received|working leases in persistent database)/.test(message))
      return this.report(event, NETWORK_FAILURE, this.dhcpInterface, _('{iface} got no address from DHCP'));
    const up = first(BACK_UP, message) ?? (networkManager ? first(NM_BACK_UP, message) : null);
    // Back before the source read it: a flap, nothing lost.
    if (up) this.#heldCarriers.delete(up);
    if (up && this.failed.delete(up)) {
      return [NETWORK_FAILURE, WIFI_SECRETS].map((kind) => ({ resolve: { kind, subject: up, at: event.at } }));
    }
    const dropped = WPA_DISCONNECTED.exec(message)?.[1];
    if (dropped && this.drops.add(dropped, event.at) >= DROPS)
      return this.report(event, NETWORK_FAILURE, dropped, _('{iface} keeps dropping its Wi-Fi connection'));
    return [];
  }

  #noteLink(at: Date, link: LinkState): void {
    const known = this.links.get(link.name);
    const carried = link.carries !== false || link.had?.carried === true ? at.getTime() : (known?.carried ?? null);
    this.links.delete(link.name);
    if (this.links.size >= MAX_FAILED) this.links.delete(this.links.keys().next().value as string);
    this.links.set(link.name, { carried });
    const held = this.#heldCarriers.get(link.name);
    if (!held) return;
    // Read at last: a link that never carried anything lost nothing; one that did is reported now.
    if (carried === null) this.#heldCarriers.delete(link.name);
    else held.until = 0;
  }

  /**
   * What `iface` carried of the machine's in the while around `at` (an address or route beyond the link-local ones, a
   * master), as the network source read it: 'nothing' for the spare end of a veth whose peer was switched off, which
   * loses its carrier and nothing with it; 'unread' where the source has not read the link yet (it was made moments
   * before, or no source reads links).
   */
  #carried(iface: string, at: Date): 'nothing' | 'something' | 'unread' {
    const link = this.links.get(iface);
    if (!link) return 'unread';
    return link.carried === null || link.carried < at.getTime() - CARRIED_WITHIN_MS ? 'nothing' : 'something';
  }

  /** Lost carriers that lines written `at` (their own time) show waited past their read: a journal read back. */
  #overdue(at: number): DetectorOutput[] {
    const overdue: DetectorOutput[] = [];
    for (const [iface, { event }] of this.#heldCarriers) {
      if (at - event.at.getTime() <= CARRIER_READ_WAIT_MS) continue;
      this.#heldCarriers.delete(iface);
      overdue.push(...this.#lostCarrier(event, iface));
    }
    return overdue;
  }

  #lostCarrier(event: JournalEvent, iface: string): DetectorOutput[] {
    return this.report(event, NETWORK_FAILURE, iface, _('{iface} lost its network connection'));
  }

  private report(event: JournalEvent, kind: string, iface: string, template: string): DetectorOutput[] {
    if (this.failed.size >= MAX_FAILED) this.failed.clear();
    if (iface) this.failed.add(iface);
    return [
      {
        report: {
          kind,
          severity: 'warning',
          subject: iface,
          title: format(template, { iface: iface || _('The network') }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}

function first(patterns: readonly RegExp[], message: string): string | null {
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return match[1] ?? '';
  }
  return null;
}
