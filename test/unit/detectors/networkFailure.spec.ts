// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { NetworkFailureDetector } from '../../../service/src/kinds/networkFailure/detector.js';
import type { LinkState, WatchEvent } from '../../../service/src/watch/events.js';
import { carriesTraffic } from '../../../service/src/watch/network.js';
import { journalEvent, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

const kernel = (message: string) =>
  journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' });
// A daemon writing from its own unit, running its own program, as journald records it.
const program = (identifier: string, message: string) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: identifier,
    _COMM: identifier,
    _PID: '812',
    _SYSTEMD_UNIT: `${identifier}.service`,
    _EXE: `/usr/sbin/${identifier}`,
  });
/** What it reports of `events`, and of what it held once the wait for each held line is over. */
const said = (events: WatchEvent[]) => {
  const detector = new NetworkFailureDetector();
  const outputs = [...runDetector(detector, events), ...detector.expire(Infinity).map(({ output }) => output)];
  return reportsOf(outputs).map((r) => [r.kind, r.subject, r.title]);
};

describe('the network-failure detector on more wordings', () => {
  it('reads a NIC transmit hang by the interface, or by the device when the driver names no interface', () => {
    expect(
      said([
        kernel('e1000e 0000:00:19.0 eth0: Detected Hardware Unit Hang:'),
        kernel('igb 0000:09:00.0: Detected Tx Unit Hang'),
        kernel('[ 8812.123456] e1000e 0000:00:1f.6 enp0s31f6: Detected Hardware Unit Hang:'),
      ]),
    ).toEqual([
      ['network-failure', 'eth0', 'eth0 lost its network connection'],
      ['network-failure', '0000:09:00.0', '0000:09:00.0 lost its network connection'],
      ['network-failure', 'enp0s31f6', 'enp0s31f6 lost its network connection'],
    ]);
  });

  it("reads NetworkManager losing the carrier of a connected device, and dhclient's lease search giving up", () => {
    expect(
      said([
        program(
          'NetworkManager',
          "<info>  [1675449299.9318] device (eth0): state change: activated -> unavailable (reason 'carrier-changed', sys-iface-state: 'managed')",
        ),
        program('dhclient', 'DHCPDISCOVER on wlan0 to 255.255.255.255 port 67 interval 8'),
        program('dhclient', 'No working leases in persistent database - sleeping.'),
      ]),
    ).toEqual([
      ['network-failure', 'eth0', 'eth0 lost its link'],
      ['network-failure', 'wlan0', 'wlan0 got no address from DHCP'],
    ]);
  });

  it('leaves out networkd’s lost carrier of a link that carried nothing of the machine’s, as the network source read it', () => {
    // The journal's lines at second 100; the network source read each link at second 10 (and gymlan0 at 99).
    const line = (message: string) => ({
      ...program('systemd-networkd', message),
      at: new Date(100_000),
    });
    const read = (seconds: number, link: Partial<LinkState> & { name: string }): WatchEvent => ({
      type: 'link',
      at: new Date(seconds * 1000),
      link: { up: true, hasDefaultRoute: true, ...link },
    });
    expect(
      said([
        // gymlan1, a veth's spare end: only its link-local address, never more.
        read(10, { name: 'gymlan1', up: false, carries: false }),
        read(10, { name: 'gymlan0', carries: true }),
        // gymlan0 switched off: its address goes with it, but it carried one a moment before.
        read(99, { name: 'gymlan0', up: false, carries: false, had: { addresses: [], routes: [], carried: true } }),
        line('gymlan0: Lost carrier'),
        line('gymlan1: Lost carrier'),
        // A link the source never read is judged by its line alone.
        line('enp0s5: Lost carrier'),
      ]),
    ).toEqual([
      ['network-failure', 'gymlan0', 'gymlan0 lost its network connection'],
      ['network-failure', 'enp0s5', 'enp0s5 lost its network connection'],
    ]);
    // Read first after its line, it is judged by that read.
    expect(said([read(200, { name: 'late0', carries: false }), line('late0: Lost carrier')])).toEqual([]);
    // A link made moments before its line, read after it: the line waits for the read, up to its deadline.
    const detector = new NetworkFailureDetector();
    expect(detector.detect(line('fresh0: Lost carrier'))).toEqual([]);
    expect(detector.detect(line('fresh1: Lost carrier'))).toEqual([]);
    expect(detector.heldUntil()).toBeGreaterThan(Date.now());
    detector.detect(read(101, { name: 'fresh0', carries: false }));
    detector.detect(read(101, { name: 'fresh1', carries: true }));
    // fresh0 carried nothing: dropped; fresh1 did: due at once.
    expect(detector.heldUntil()).toBe(0);
    expect(reportsOf(detector.expire(Date.now()).map(({ output }) => output)).map((r) => r.subject)).toEqual([
      'fresh1',
    ]);
    expect(detector.heldUntil()).toBeUndefined();
    // A line whose link no source reads is reported at the deadline, or once a later line is past it.
    expect(detector.detect(line('enp9s0: Lost carrier'))).toEqual([]);
    const later = { ...program('kernel', 'usb 1-1: new device'), at: new Date(104_000) };
    expect(reportsOf(detector.detect(later)).map((r) => r.subject)).toEqual(['enp9s0']);
    // Back before the read: a flap, nothing lost.
    expect(said([line('enp7s0: Lost carrier'), line('enp7s0: Gained carrier')])).toEqual([]);
    expect(carriesTraffic(['fe80::1/64', '169.254.3.4/16'], ['fe80::/64'])).toBeFalse();
    expect(carriesTraffic(['fe80::1/64'], [], 'br0')).toBeTrue();
    expect(carriesTraffic(['10.79.0.2/24'], [])).toBeTrue();
    expect(carriesTraffic([], ['default via 10.0.0.1'])).toBeTrue();
  });

  it('stays silent when a link comes up or is taken down on purpose', () => {
    expect(
      said([
        program('NetworkManager', '<info>  [1637623461.8104] device (ens33): carrier: link connected'),
        program(
          'NetworkManager',
          "<info>  [1637623461.8127] device (ens33): state change: unavailable -> disconnected (reason 'carrier-changed', sys-iface-state: 'managed')",
        ),
        program(
          'NetworkManager',
          "<info>  [1637623461.9000] device (wlp2s0): state change: activated -> deactivating (reason 'user-requested', sys-iface-state: 'managed')",
        ),
        kernel('e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx'),
      ]),
    ).toEqual([]);
  });

  it('resolves a link’s failure when the kernel, networkd or NetworkManager say it works again', () => {
    const outputs = runDetector(new NetworkFailureDetector(), [
      kernel('e1000e: eth0 NIC Link is Down'),
      // The network source read enp0s5 with its address before the line.
      { type: 'link', at: new Date(-1000), link: { name: 'enp0s5', up: true, hasDefaultRoute: true, carries: true } },
      program('systemd-networkd', 'enp0s5: Lost carrier'),
      program('NetworkManager', "<warn>  [1637623400.0000] device (wlp2s0): Activation: failed for connection 'Home'"),
      kernel('ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)'),
      kernel('e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx'),
      program('systemd-networkd', 'enp0s5: Gained carrier'),
      program('NetworkManager', '<info>  [1637623462.1000] device (wlp2s0): Activation: successful, device activated.'),
      // Already back: said again, it resolves nothing more.
      program('systemd-networkd', 'enp0s5: Gained carrier'),
    ]);
    expect(resolutionsOf(outputs).map((r) => [r.kind, r.subject])).toEqual([
      ['network-failure', 'eth0'],
      ['wifi-secrets', 'eth0'],
      ['network-failure', 'enp0s5'],
      ['wifi-secrets', 'enp0s5'],
      ['network-failure', 'wlp2s0'],
      ['wifi-secrets', 'wlp2s0'],
    ]);
    // A link that never failed coming up says nothing.
    expect(runDetector(new NetworkFailureDetector(), [program('systemd-networkd', 'eth1: Gained carrier')])).toEqual(
      [],
    );
  });

  it("reads NetworkManager 1.52's failed activation for want of a DHCP answer", () => {
    expect(
      said([
        program(
          'NetworkManager',
          '<info>  [1795505047.9921] dhcp4 (gym0): activation: beginning transaction (timeout in 5 seconds)',
        ),
        program(
          'NetworkManager',
          "<info>  [1795505052.8230] device (gym0): state change: ip-config -> failed (reason 'ip-config-unavailable', managed-type: 'full')",
        ),
      ]),
    ).toEqual([['network-failure', 'gym0', 'gym0 lost its network connection']]);
  });

  it("takes NetworkManager's words only from NetworkManager's own unit and program", () => {
    const failed = "<warn>  [1736441301.0994] device (wlo1): Activation: failed for connection 'Home'";
    const forged = (fields: Record<string, string>) =>
      journalEvent({ MESSAGE: failed, SYSLOG_IDENTIFIER: 'NetworkManager', _COMM: 'NetworkManager', ...fields });
    expect(
      said([
        forged({ _SYSTEMD_UNIT: 'session-2.scope', _EXE: '/usr/bin/python3.12' }),
        forged({ _SYSTEMD_UNIT: 'NetworkManager.service', _EXE: '/usr/bin/logger' }),
        forged({ _SYSTEMD_USER_UNIT: 'app-foo.scope', _SYSTEMD_UNIT: 'user@1000.service' }),
      ]),
    ).toEqual([]);
    expect(said([program('NetworkManager', failed)])).toEqual([
      ['network-failure', 'wlo1', 'wlo1 lost its network connection'],
    ]);
  });
});
