// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { AuthFailuresDetector } from '../../../service/src/kinds/authFailures/detector.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START = 1_773_479_523_000_000;
/** Lines of one program, a second apart. */
const lines = (identifier: string, messages: string[]) =>
  messages.map((message, i) =>
    journalEvent(
      {
        __REALTIME_TIMESTAMP: String(START + i * 1_000_000),
        MESSAGE: message,
        SYSLOG_IDENTIFIER: identifier,
        _COMM: identifier,
        _PID: String(3000 + i),
        _UID: '0',
      },
      i,
    ),
  );
const titles = (identifier: string, messages: string[]) =>
  reportsOf(runDetector(new AuthFailuresDetector(), lines(identifier, messages))).map((r) => [r.subject, r.title]);

describe('the auth-failures detector on the wordings of each program', () => {
  it('counts every password an invalid user tries, but the "Invalid user" line and its attempt once', () => {
    expect(
      titles('sshd', [
        'Invalid user admin from 203.0.113.7 port 40522',
        'Failed password for invalid user admin from 203.0.113.7 port 40522 ssh2',
        'Connection closed by invalid user admin 203.0.113.7 port 40522 [preauth]',
        'Failed password for invalid user linda from 203.0.113.7 port 43250 ssh2',
      ]),
    ).toEqual([]);
    expect(
      titles('sshd', [
        'Failed password for invalid user linda from 203.0.113.7 port 43250 ssh2',
        'Failed password for invalid user samba from 203.0.113.7 port 49304 ssh2',
        'Failed password for root from 203.0.113.7 port 61404 ssh2',
      ]),
    ).toEqual([['203.0.113.7', '3 failed login attempts from 203.0.113.7 within 10 minutes']]);
  });

  it('reads the connections that ended before a login, in the wordings of OpenSSH before 7.5, 7.6+ and 9.8+', () => {
    // OpenSSH < 7.5: no port
    expect(
      titles('sshd', [
        'Invalid user cisco from 198.51.100.4',
        'Invalid user Administrator from 198.51.100.4',
        'Invalid user unknown from 198.51.100.4',
      ]),
    ).toEqual([['198.51.100.4', '3 failed login attempts from 198.51.100.4 within 10 minutes']]);
    // OpenSSH 9.8+ logs from sshd-session
    expect(
      titles('sshd-session', [
        'Disconnected from authenticating user root 149.13.96.133 port 45050 [preauth]',
        'Disconnected from authenticating user root 149.13.96.133 port 58736 [preauth]',
        'Connection closed by authenticating user root 149.13.96.133 port 37612 [preauth]',
      ]),
    ).toEqual([['149.13.96.133', '3 failed login attempts from 149.13.96.133 within 10 minutes']]);
    expect(
      titles('sshd', [
        'User root from 183.3.202.104 not allowed because not listed in AllowUsers',
        'User root from 183.3.202.104 not allowed because not listed in AllowUsers',
        'User ftp from 183.3.202.104 not allowed because not listed in AllowUsers',
      ]),
    ).toEqual([['183.3.202.104', '3 failed login attempts from 183.3.202.104 within 10 minutes']]);
  });

  it('takes sshd\'s MaxAuthTries and pam_unix\'s "N more authentication failures" as that many', () => {
    expect(
      titles('sshd', [
        'error: maximum authentication attempts exceeded for root from 109.31.211.225 port 26444 ssh2 [preauth]',
      ]),
    ).toEqual([['109.31.211.225', '6 failed login attempts from 109.31.211.225 within 10 minutes']]);
    expect(
      titles('sshd-session', [
        'Failed password for root from 45.148.10.151 port 51704 ssh2',
        'PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=45.148.10.151  user=root',
      ]),
    ).toEqual([['45.148.10.151', '5 failed login attempts from 45.148.10.151 within 10 minutes']]);
    expect(
      titles('sshd', [
        'pam_unix(sshd:auth): 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.20  user=root',
      ]),
    ).toEqual([['198.51.100.20', '3 failed login attempts from 198.51.100.20 within 10 minutes']]);
  });

  it('tells of guessing from many addresses, a few tries each, as one finding about the service', () => {
    expect(
      titles('sshd', [
        'Failed password for invalid user docker from 179.184.217.83 port 40714 ssh2',
        'Invalid user docker from 188.166.30.203 port 58016',
        'Failed password for invalid user docker from 188.166.30.203 port 58016 ssh2',
        'Invalid user docker from 118.68.170.172 port 58346',
      ]),
    ).toEqual([['sshd', '3 failed sshd login attempts from several addresses within 10 minutes']]);
  });

  it('reads Dovecot and Postfix authentication failures by the client address', () => {
    expect(
      titles('dovecot', [
        'imap-login: Disconnected (auth failed, 1 attempts in 7 secs): user=<webmaster@example.com>, method=PLAIN, rip=122.227.185.67, lip=166.62.100.187, TLS',
        'pop3-login: Info: Disconnected: Connection closed: read(size=988) failed: Connection reset by peer (auth failed, 2 attempts in 2 secs): user=<shop@example.com>, method=PLAIN, rip=122.227.185.67, lip=1.2.3.4, session=<ZfpthtYmgKpXeHG9>',
      ]),
    ).toEqual([['122.227.185.67', '3 failed login attempts from 122.227.185.67 within 10 minutes']]);
    expect(
      titles('postfix/smtpd', [
        'warning: unknown[93.123.39.52]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
        'warning: unknown[93.123.39.52]: SASL PLAIN authentication failed: ',
        'too many errors after AUTH from unknown[93.123.39.52]',
      ]),
    ).toEqual([['93.123.39.52', '3 failed login attempts from 93.123.39.52 within 10 minutes']]);
  });

  it("counts sudo's pam_unix lines as they come and its summary only for what they did not tell", () => {
    const pam =
      'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/1 ruser=alice rhost=  user=alice';
    expect(titles('sudo', [pam, pam])).toEqual([]);
    expect(
      titles('sudo', [pam, pam, 'alice : 2 incorrect password attempts ; TTY=pts/1 ; PWD=/home/alice ; USER=root']),
    ).toEqual([]);
    expect(titles('sudo', [pam, pam, pam])).toEqual([
      ['alice', '3 failed login attempts for user alice within 10 minutes'],
    ]);
  });

  it('stays silent on one typo and on look-alike lines that are no failed login', () => {
    expect(
      titles('sshd', [
        // one mistyped password, then a login
        'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=172.20.0.6  user=root',
        'Failed password for root from 172.20.0.6 port 42892 ssh2',
        'Accepted password for root from 172.20.0.6 port 42892 ssh2',
        // scanners that never tried a login
        'error: kex_exchange_identification: Connection closed by remote host',
        'Connection closed by 91.195.102.9 port 26528 [preauth]',
        'Disconnected from user alice 172.20.0.6 port 42892',
        'Received disconnect from 172.20.0.6 port 42892:11: disconnected by user',
        'pam_unix(sshd:auth): unrecognized option [not_set_pass]',
      ]),
    ).toEqual([]);
    expect(
      titles('dovecot', [
        'imap-login: Disconnected (no auth attempts in 39 secs): user=<>, rip=203.0.113.9, lip=10.0.0.2, session=<xxx>',
        'imap-login: Disconnected (no auth attempts in 39 secs): user=<>, rip=203.0.113.9, lip=10.0.0.2, session=<xxy>',
        'imap-login: Disconnected (no auth attempts in 60 secs): user=<>, rip=203.0.113.9, lip=10.0.0.2, session=<xxz>',
      ]),
    ).toEqual([]);
    expect(
      titles('sudo', [
        'pam_unix(sudo:auth): conversation failed',
        'pam_unix(sudo:auth): auth could not identify password for [alice]',
        'alice : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt',
      ]),
    ).toEqual([]);
    // sshd's words from another program count for nothing
    expect(
      titles('myapp', [
        'Failed password for root from 203.0.113.7 port 1 ssh2',
        'Failed password for root from 203.0.113.7 port 2 ssh2',
        'Failed password for root from 203.0.113.7 port 3 ssh2',
      ]),
    ).toEqual([]);
  });
});
