// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ConfigErrorDetector } from '../../../service/src/findings/detectors/configError.js';
import { NetworkFailureDetector } from '../../../service/src/kinds/networkFailure/detector.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

// Lines as real journals hold them (the corpus in test/corpus/cases has their sources).
describe('the config-error detector', () => {
  const found = (message: string) =>
    reportsOf(new ConfigErrorDetector().detect(journalEvent({ MESSAGE: message }))).map((report) => [
      report.subject,
      report.evidence[0]?.line,
    ]);

  it('takes the file and line from the wordings of nginx, sshd, systemd, Apache, sudo and Dovecot', () => {
    expect(found('nginx: [emerg] unknown directive "Settings" in /etc/nginx/nginx.conf:58')).toEqual([
      ['/etc/nginx/nginx.conf', 58],
    ]);
    expect(found('/etc/ssh/sshd_config: line 156: Bad configuration option: StrictHostKeyChecking')).toEqual([
      ['/etc/ssh/sshd_config', 156],
    ]);
    expect(found('/etc/ssh/sshd_config line 88: Bad yes/no argument: yesUseDNS')).toEqual([
      ['/etc/ssh/sshd_config', 88],
    ]);
    expect(
      found("/etc/systemd/system/sectora.service:16: Unknown key name 'Requires' in section 'Install', ignoring."),
    ).toEqual([['/etc/systemd/system/sectora.service', 16]]);
    expect(
      found("[/usr/lib/systemd/system/anaconda-pre.service:18] Unknown lvalue 'StardardInput' in section 'Service'"),
    ).toEqual([['/usr/lib/systemd/system/anaconda-pre.service', 18]]);
    expect(found('AH00526: Syntax error on line 3 of /etc/apache2/sites-enabled/graphite.conf:')).toEqual([
      ['/etc/apache2/sites-enabled/graphite.conf', 3],
    ]);
    expect(found('>>> /etc/sudoers.d/linuxfabrik: syntax error near line 2 <<<')).toEqual([
      ['/etc/sudoers.d/linuxfabrik', 2],
    ]);
    expect(
      found('doveconf: Fatal: Error in configuration file /etc/dovecot/dovecot.conf line 12: Unknown setting: x'),
    ).toEqual([['/etc/dovecot/dovecot.conf', 12]]);
  });

  it('takes the file and line from the common forms other parsers print', () => {
    const cases: [string, string, number][] = [
      ['dnsmasq: bad option at line 12 of /etc/dnsmasq.d/local.conf', '/etc/dnsmasq.d/local.conf', 12],
      ['Could not parse directive at line 4 in file /etc/chrony/chrony.conf', '/etc/chrony/chrony.conf', 4],
      [
        'DHCP4_CONFIG_LOAD_FAIL configuration error: unknown parameter in /etc/kea/kea-dhcp4.conf:31:5',
        '/etc/kea/kea-dhcp4.conf',
        31,
      ],
      ["[ALERT] parsing [/etc/haproxy/haproxy.cfg:40] : unknown keyword 'frontendd'", '/etc/haproxy/haproxy.cfg', 40],
      ["/etc/postfix/main.cf, line 7: missing '=' after attribute name", '/etc/postfix/main.cf', 7],
      [
        'rsyslogd: error during parsing file /etc/rsyslog.d/50-default.conf, on or before line 9: invalid character',
        '/etc/rsyslog.d/50-default.conf',
        9,
      ],
      ['mount: /etc/fstab: parse error at line 12 -- ignored', '/etc/fstab', 12],
    ];
    for (const [line, path, number] of cases)
      expect(found(line))
        .withContext(line)
        .toEqual([[path, number]]);
  });

  it('leaves alone a line its program logged as a notice, and not one journald only defaulted', () => {
    // Debian 13's systemd-tmpfiles, over the native protocol, at every boot and daily clean-up.
    const duplicate = '/usr/lib/tmpfiles.d/legacy.conf:14: Duplicate line for path "/run/lock", ignoring.';
    const detect = (fields: Record<string, string>) =>
      reportsOf(new ConfigErrorDetector().detect(journalEvent({ MESSAGE: duplicate, ...fields }))).length;
    expect(detect({ PRIORITY: '5', _TRANSPORT: 'journal' })).toBe(0);
    expect(detect({ PRIORITY: '6', _TRANSPORT: 'syslog' })).toBe(0);
    expect(detect({ PRIORITY: '4', _TRANSPORT: 'journal' })).toBe(1);
    // A daemon's stderr: PRIORITY 6 is journald's default for every line, not the daemon's judgement.
    expect(detect({ PRIORITY: '6', _TRANSPORT: 'stdout' })).toBe(1);
  });

  it('takes a source file in a traceback for no configuration', () => {
    expect(found('File "/usr/lib/python3/dist-packages/x/config.py", line 12, in load')).toEqual([]);
    expect(found('panic: bad value in /home/u/go/src/app/main.go:42')).toEqual([]);
    // A library's own file, whatever its name: where the error passed through, not what to fix.
    expect(found('  File "/usr/lib/python3.13/json/decoder.py", line 361, in raw_decode')).toEqual([]);
    expect(found('error in /srv/app/node_modules/yaml/dist/config.json:3')).toEqual([]);
    expect(found('Error in /usr/share/perl5/Config/Tiny.conf line 4')).toEqual([]);
  });

  it('leaves alone lines that only mention a file', () => {
    expect(
      found("JS ERROR: !!!   WARNING: file '/usr/share/gnome-shell/extensions/x/extension.js' line 593 exception 0"),
    ).toEqual([]);
    expect(found('Reloading configuration from /etc/nginx/nginx.conf')).toEqual([]);
  });
});

describe('the network-failure detector', () => {
  const kinds = (...messages: string[]) => {
    const detector = new NetworkFailureDetector();
    // NetworkManager's lines come from its own unit; the others' words are read from any writer.
    const events = messages.map((MESSAGE, i) =>
      journalEvent(
        MESSAGE.startsWith('<')
          ? { MESSAGE, _SYSTEMD_UNIT: 'NetworkManager.service', _EXE: '/usr/sbin/NetworkManager' }
          : { MESSAGE },
        i,
      ),
    );
    // With what it held for a read of the link that never comes (no network source here).
    const outputs = [...runDetector(detector, events), ...detector.expire(Infinity).map(({ output }) => output)];
    return reportsOf(outputs).map((report) => [report.kind, report.subject]);
  };

  it('reads NetworkManager, networkd, dhclient and NIC drivers', () => {
    expect(kinds("<warn>  [1736441301.0994] device (wlo1): Activation: failed for connection 'BTHub5'")).toEqual([
      ['network-failure', 'wlo1'],
    ]);
    expect(
      kinds('<warn>  [1729150156.5795] device (wlan0): no secrets: No agents were available for this request.'),
    ).toEqual([['wifi-secrets', 'wlan0']]);
    expect(kinds('<warn>  (eth1): DHCPv4 request timed out.')).toEqual([['network-failure', 'eth1']]);
    expect(kinds('enp0s5: Lost carrier')).toEqual([['network-failure', 'enp0s5']]);
    expect(kinds('e1000e: eth0 NIC Link is Down')).toEqual([['network-failure', 'eth0']]);
    expect(kinds('DHCPDISCOVER on eth1 to 255.255.255.255 port 67 interval 12', 'No DHCPOFFERS received.')).toEqual([
      ['network-failure', 'eth1'],
    ]);
  });

  it('takes a dropped Wi-Fi for a problem only when it keeps dropping', () => {
    const drop = 'wlan0: CTRL-EVENT-DISCONNECTED bssid=e0:63:da:18:43:db reason=16';
    expect(kinds(drop, drop)).toEqual([]);
    expect(kinds(drop, drop, drop)).toEqual([['network-failure', 'wlan0']]);
  });
});

describe('the network-failure detector and unit lines', () => {
  it("does not take a unit's failure for an interface's", () => {
    const detector = new NetworkFailureDetector();
    expect(detector.detect(journalEvent({ MESSAGE: "backup.service: Failed with result 'exit-code'." }))).toEqual([]);
    expect(detector.detect(journalEvent({ MESSAGE: 'eth0: Failed' })).length).toBe(1);
  });
});
