// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { DnsFailureDetector } from '../../../service/src/kinds/dnsFailure/detector.js';
import { journalEvent, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

const resolved = (message: string, extra: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: 'systemd-resolved',
    _COMM: 'systemd-resolve',
    _EXE: '/usr/lib/systemd/systemd-resolved',
    _SYSTEMD_UNIT: 'systemd-resolved.service',
    _PID: '689',
    _UID: '991',
    ...extra,
  });
const program = (identifier: string, message: string) =>
  journalEvent({ MESSAGE: message, SYSLOG_IDENTIFIER: identifier, _COMM: identifier, _PID: '4242', _UID: '0' });
const titles = (events: ReturnType<typeof journalEvent>[]) =>
  reportsOf(runDetector(new DnsFailureDetector(), events)).map((r) => [r.subject, r.title]);

describe('the dns-failure detector on the wordings of each resolver', () => {
  it("reads systemd-resolved's degraded server in the wording before systemd 239 and after", () => {
    expect(
      titles([
        // systemd 237 (Ubuntu 18.04)
        resolved('Using degraded feature set (UDP) for DNS server 192.168.1.1.'),
        // systemd 239 and later (Debian 11 to sid, Ubuntu 20.04 to 26.04, Fedora)
        resolved('Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 10.0.0.1.'),
        resolved('Using degraded feature set TCP instead of UDP for DNS server 2620:fe::fe'),
      ]),
    ).toEqual([
      ['192.168.1.1', 'DNS server 192.168.1.1 is not answering properly'],
      ['10.0.0.1', 'DNS server 10.0.0.1 is not answering properly'],
      ['2620:fe::fe', 'DNS server 2620:fe::fe is not answering properly'],
    ]);
  });

  it('resolves a degraded server once its grace period is over, in either wording', () => {
    const outputs = runDetector(new DnsFailureDetector(), [
      resolved('Using degraded feature set (UDP) for DNS server 192.168.1.1.'),
      resolved('Grace period over, resuming full feature set (UDP+EDNS0) for DNS server 192.168.1.1.'),
    ]);
    expect(resolutionsOf(outputs).map((r) => r.subject)).toEqual(['192.168.1.1']);
  });

  it('takes a DNSSEC failure from the catalogued fields before the text, and the text with extra words after', () => {
    expect(
      titles([
        resolved('DNSSEC validation failed for question example.org IN A: no-signature', {
          MESSAGE_ID: '1675d7f172174098b1108bf8c7dc8f5d',
          DNS_QUESTION: 'example.org IN A',
          DNSSEC_RESULT: 'no-signature',
        }),
        resolved('DNSSEC validation failed for question incapdns.net. IN SOA: no-signature'),
        // systemd 252+ appends the extended DNS error
        resolved('DNSSEC validation failed for question example.com IN DS: failed-auxiliary (DNSSEC Bogus)'),
      ]),
    ).toEqual([
      ['', 'DNSSEC validation failed for example.org IN A (no-signature)'],
      ['', 'DNSSEC validation failed for incapdns.net. IN SOA (no-signature)'],
      ['', 'DNSSEC validation failed for example.com IN DS (failed-auxiliary)'],
    ]);
  });

  it('reads glibc, apt, curl, dnsmasq and BIND failing to resolve', () => {
    expect(
      titles([
        program('apt-get', "  Temporary failure resolving 'archive.ubuntu.com'"),
        program('git', "fatal: unable to access 'https://github.com/x/y.git/': Could not resolve host: github.com"),
        program('systemd-timesyncd', 'Failed to resolve ntp.ubuntu.com: Temporary failure in name resolution'),
        program('dnsmasq', 'no servers found in /etc/resolv.conf, will retry'),
        program('named', "network unreachable resolving './NS/IN': 2001:7fe::53#53"),
        program(
          'named',
          "error (permission denied) resolving 'ns-418.awsdns-52.com/AAAA/IN': 2600:9000:5302:7400::1#53",
        ),
      ]),
    ).toEqual([
      ['', 'Name resolution failed for archive.ubuntu.com'],
      ['', 'Name resolution failed for github.com'],
      ['', 'Name resolution failed'],
      ['', 'The local DNS resolver has no DNS server to ask'],
      ['', 'Name resolution failed'],
      ['', 'Name resolution failed for ns-418.awsdns-52.com'],
    ]);
  });

  it('stays silent on look-alike lines that are not a failed lookup', () => {
    expect(
      titles([
        // ACPI firmware noise: a symbol, not a host
        journalEvent({
          MESSAGE:
            'ACPI BIOS Error (bug): Could not resolve symbol [\\_SB.PCI0.XHC.RHUB.SS04], AE_NOT_FOUND (20250807/dswload2-162)',
          _TRANSPORT: 'kernel',
        }),
        resolved('Failed to send hostname reply: Transport endpoint is not connected'),
        resolved('Using DNS server 2620:fe::fe for transaction 1.'),
        // resolved working around a server's wrong NXDOMAIN, and succeeding: noise on a healthy desktop
        resolved(
          'Server returned error NXDOMAIN, mitigating potential DNS violation DVE-2018-0001, retrying transaction with reduced feature level UDP.',
        ),
        program(
          'NetworkManager',
          '<info>  [1665129461.3149] dns-mgr[0x55c1879e2430]: init: dns=default,systemd-resolved rc-manager=netconfig (auto)',
        ),
        // the same words from a program that is not dnsmasq or named
        program('myapp', 'no servers found in /etc/myapp.conf, will retry'),
        program('myapp', "network unreachable resolving './NS/IN': 2001:7fe::53#53"),
        // the degraded wording from a program that is not systemd-resolved
        program('myapp', 'Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 10.0.0.1.'),
      ]),
    ).toEqual([]);
  });
});
