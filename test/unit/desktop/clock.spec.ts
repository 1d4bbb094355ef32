// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { areaOfUnit } from '../../../service/src/findings/writers.js';
import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import { CLOCK_UNSYNCHRONISED, ClockDetector } from '../../../service/src/kinds/clock/detector.js';
import { clockKind } from '../../../service/src/kinds/clock/kind.js';
import { CLOCK_NTP_OFF, ClockNtpOffDetector, NTP_SUBJECT } from '../../../service/src/kinds/clock/ntpOffDetector.js';
import type { ClockState } from '../../../service/src/kinds/clock/state.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

/** The three daemons as journald records them: their program in their own system unit. */
const TIMEDATED = {
  SYSLOG_IDENTIFIER: 'systemd-timedated',
  _COMM: 'systemd-timedat',
  _EXE: '/usr/lib/systemd/systemd-timedated',
  _SYSTEMD_UNIT: 'systemd-timedated.service',
  _UID: '0',
};
const WRITERS = {
  timesyncd: {
    SYSLOG_IDENTIFIER: 'systemd-timesyncd',
    _COMM: 'systemd-timesyn',
    _EXE: '/usr/lib/systemd/systemd-timesyncd',
    _SYSTEMD_UNIT: 'systemd-timesyncd.service',
    _UID: '997',
  },
  chronyd: {
    SYSLOG_IDENTIFIER: 'chronyd',
    _COMM: 'chronyd',
    _EXE: '/usr/sbin/chronyd',
    _SYSTEMD_UNIT: 'chrony.service',
    _UID: '0',
  },
  ntpd: { SYSLOG_IDENTIFIER: 'ntpd', _COMM: 'ntpd', _EXE: '/usr/sbin/ntpd', _SYSTEMD_UNIT: 'ntp.service', _UID: '0' },
};

const line = (writer: Record<string, string>, message: string, seconds = 0, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    _PID: '612',
    _TRANSPORT: 'syslog',
    __REALTIME_TIMESTAMP: at(seconds),
    ...writer,
    ...fields,
  });

/** [subject, title] of every report a fresh detector makes over the events. */
const verdicts = (...events: WatchEvent[]) =>
  reportsOf(runDetector(new ClockDetector(desktopWriters()), events)).map((r) => [r.kind, r.subject, r.title]);

const timeouts = (writer: Record<string, string>, seconds: number[]) =>
  seconds.map((s, i) =>
    line(writer, `Timed out waiting for reply from 85.31.190.${200 + i}:123 (2.fedora.pool.ntp.org).`, s),
  );

describe('the clock-unsynchronised detector', () => {
  it('raises on timesyncd’s second unanswered server within 10 minutes, naming its unit', () => {
    expect(verdicts(...timeouts(WRITERS.timesyncd, [0, 10]))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'systemd-timesyncd.service',
        'The clock is not synchronised: systemd-timesyncd.service gets no answer from its time servers',
      ],
    ]);
  });

  it('counts a server timesyncd would not trust as one it got no answer from', () => {
    const distance = (s: number) => line(WRITERS.timesyncd, 'Server has too large root distance. Disconnecting.', s);
    expect(verdicts(distance(0))).toEqual([]);
    expect(verdicts(distance(0), distance(30)).map(([, subject]) => subject)).toEqual(['systemd-timesyncd.service']);
    expect(verdicts(timeouts(WRITERS.timesyncd, [0])[0]!, distance(10)).length).toBe(1);
  });

  it('leaves one transient timeout, and timeouts spread wider than 10 minutes with a server answering between, alone', () => {
    const contacted = (s: number) =>
      line(WRITERS.timesyncd, 'Contacted time server 185.125.190.58:123 (ntp.ubuntu.com).', s);
    const later = (s: number) => line(WRITERS.chronyd, 'Selected source 162.159.200.123', s);
    expect(verdicts(...timeouts(WRITERS.timesyncd, [0]))).toEqual([]);
    expect(verdicts(...timeouts(WRITERS.timesyncd, [0]), contacted(5), later(3600))).toEqual([]);
    const [first, second] = timeouts(WRITERS.timesyncd, [0, 700]);
    expect(verdicts(first!, contacted(10), second!)).toEqual([]);
  });

  it('raises on a timeout no server answered within 10 minutes, told by the system’s later lines, holding the timeout', () => {
    const [timeout] = timeouts(WRITERS.timesyncd, [0]);
    const systemLater = line(WRITERS.chronyd, 'Selected source 162.159.200.123', 601);
    const personLater = line({ ...WRITERS.chronyd, _UID: '1000' }, 'Selected source 162.159.200.123', 3600);
    const reports = reportsOf(runDetector(new ClockDetector(desktopWriters()), [timeout!, systemLater]));
    expect(reports.map((r) => [r.subject, r.title])).toEqual([
      [
        'systemd-timesyncd.service',
        'The clock is not synchronised: systemd-timesyncd.service gets no answer from its time servers',
      ],
    ]);
    expect(reports[0]?.at).toEqual(timeout!.at);
    expect(verdicts(timeout!, line(WRITERS.chronyd, 'Selected source 162.159.200.123', 300))).toEqual([]);
    // A person's own journal is read apart from the system's: its times tell nothing of timesyncd's.
    expect(verdicts(timeout!, personLater)).toEqual([]);
  });

  it('raises on a timeout still unanswered when its wait ends on this machine’s clock, the journal silent since', () => {
    const detector = new ClockDetector(desktopWriters());
    expect(detector.detect(timeouts(WRITERS.timesyncd, [0])[0]!)).toEqual([]);
    const until = detector.heldUntil()!;
    expect(until).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(detector.expire(until - 1)).toEqual([]);
    const [expired] = detector.expire(until);
    expect(expired && 'report' in expired.output ? expired.output.report.subject : null).toBe(
      'systemd-timesyncd.service',
    );
    expect(detector.heldUntil()).toBeUndefined();
    // An answer before the deadline ends the wait.
    const answered = new ClockDetector(desktopWriters());
    answered.detect(timeouts(WRITERS.timesyncd, [0])[0]!);
    answered.detect(line(WRITERS.timesyncd, 'Contacted time server 185.125.190.58:123 (ntp.ubuntu.com).', 5));
    expect(answered.heldUntil()).toBeUndefined();
  });

  it('reads chronyd’s and ntpd’s own words for a clock with no usable source', () => {
    const cases: [Record<string, string>, string, string][] = [
      [WRITERS.chronyd, "Can't synchronise: no selectable sources", 'chrony.service'],
      [WRITERS.chronyd, "Can't synchronise: no majority", 'chrony.service'],
      [WRITERS.chronyd, 'No suitable source for synchronisation', 'chrony.service'],
      [WRITERS.chronyd, "Can't synchronise: no required source in selectable sources", 'chrony.service'],
      // chronyd -d puts its own time before each line.
      [WRITERS.chronyd, "2021-07-30T05:54:28Z Can't synchronise: no selectable sources", 'chrony.service'],
      [WRITERS.chronyd, 'Could not resolve address of initstepslew server 0.resinio.pool.ntp.org', 'chrony.service'],
      [WRITERS.ntpd, 'no servers reachable', 'ntp.service'],
      [WRITERS.ntpd, 'no servers can be used, system clock unsynchronized', 'ntp.service'],
      [WRITERS.ntpd, 'kernel reports TIME_ERROR: 0x41: Clock Unsynchronized', 'ntp.service'],
    ];
    for (const [writer, message, unit] of cases) {
      const found = verdicts(line(writer, message));
      expect(found.length).withContext(message).toBe(1);
      expect(found[0]?.[1]).withContext(message).toBe(unit);
    }
  });

  it('counts the units that wait for a daemon to synchronise the clock as that daemon’s', () => {
    for (const unit of [
      'systemd-time-wait-sync.service',
      'ntp-wait.service',
      'ntpsec-wait.service',
      'chrony-wait.service',
    ])
      expect(areaOfUnit(unit)).withContext(unit).toBe('clock');
  });

  it('reads ntpd’s clock rate past what it may steer', () => {
    expect(verdicts(line(WRITERS.ntpd, 'frequency error -512 PPM exceeds tolerance 500 PPM'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'ntp.service', 'The clock runs too fast or too slow for ntp.service to keep it right'],
    ]);
    expect(verdicts(line(WRITERS.ntpd, 'frequency initialized -12.345 PPM from /var/lib/ntp/ntp.drift'))).toEqual([]);
  });

  it('reads the clock’s tools timing out waiting on the clock, and hwclock finding its values invalid, not timesyncd’s one server', () => {
    const hwclock = {
      SYSLOG_IDENTIFIER: 'hwclock',
      _COMM: 'hwclock',
      _EXE: '/usr/sbin/hwclock',
      _SYSTEMD_UNIT: 'hwclock.service',
      _UID: '0',
    };
    const info = { PRIORITY: '6' };
    expect(verdicts(line(hwclock, 'select() to /dev/rtc to wait for clock tick timed out', 0, info))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'hwclock.service',
        'hwclock could not do its work: select() to /dev/rtc to wait for clock tick timed out',
      ],
    ]);
    expect(verdicts(line(hwclock, 'Invalid values in hardware clock: 2000/00/00 00:00:00', 0, info)).length).toBe(1);
    // Every call of hwclock's on the clock that fails names its errno, whichever the driver gave.
    for (const failed of [
      'hwclock: ioctl(RTC_RD_TIME) to /dev/rtc0 to read the time failed: Invalid argument',
      'RTC_RD_TIME: Invalid argument',
      'hwclock: Open of /dev/rtc0 failed, errno=16: Device or resource busy.',
    ])
      expect(verdicts(line(hwclock, failed, 0, info)).map(([, subject]) => subject))
        .withContext(failed)
        .toEqual(['hwclock.service']);
    expect(verdicts(line(hwclock, 'Using the rtc interface to the clock.', 0, info))).toEqual([]);
    expect(verdicts(line(WRITERS.chronyd, 'Invalid command at line 3 in file /etc/chrony/chrony.conf', 0, info)))
      .withContext('a daemon’s configuration, not the clock')
      .toEqual([]);
    expect(verdicts(line(hwclock, 'Timed out waiting for time change.', 0, { PRIORITY: '7' })))
      .withContext('a debug line')
      .toEqual([]);
    expect(
      verdicts(line(WRITERS.timesyncd, 'Timed out waiting for reply from 192.0.2.1:123 (pool).', 0, info)),
    ).toEqual([]);
  });

  it('reads an errno of the clock’s own from a time daemon at info, timesyncd’s too, not the network’s', () => {
    const info = { PRIORITY: '6' };
    expect(verdicts(line(WRITERS.ntpd, 'adj_systime: Operation not permitted', 0, info)).map(([, s]) => s)).toEqual([
      'ntp.service',
    ]);
    expect(
      verdicts(line(WRITERS.timesyncd, 'Failed to call clock_adjtime(): Operation not permitted', 0, info)).map(
        ([, s]) => s,
      ),
    ).toEqual(['systemd-timesyncd.service']);
    expect(verdicts(line(WRITERS.ntpd, 'sendto(192.0.2.1) (fd=22): Network is unreachable', 0, info))).toEqual([]);
  });

  it('leaves the resolver’s own errors to dns-failure: the cause is name resolution, not the clock', () => {
    expect(
      verdicts(
        line(WRITERS.ntpd, 'error resolving pool 1.debian.pool.ntp.org: Temporary failure in name resolution (-3)'),
        line(WRITERS.timesyncd, 'Failed to resolve 0.arch.pool.ntp.org: Temporary failure in name resolution'),
      ),
    ).toEqual([]);
  });

  it('raises on chronyd correcting the clock by a second or more, not by less', () => {
    expect(verdicts(line(WRITERS.chronyd, 'System clock wrong by -1946.984184 seconds, adjustment started'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'chrony.service', 'The clock was off by -1946.984184 seconds (chrony.service)'],
    ]);
    expect(verdicts(line(WRITERS.chronyd, 'System clock wrong by 0.145886 seconds, adjustment started'))).toEqual([]);
    expect(verdicts(line(WRITERS.chronyd, 'System clock wrong by 4.512345 seconds, adjustment started')))
      .withContext('a few seconds at boot, slewed away in a minute')
      .toEqual([]);
  });

  it('reads each daemon’s own report of the offset it corrected, a minute or more', () => {
    const off = (writer: Record<string, string>, message: string) =>
      verdicts(line(writer, message)).map(([, , t]) => t);
    expect(off(WRITERS.chronyd, 'System clock was stepped by 31939.769192 seconds')).toEqual([
      'The clock was off by 31939.769192 seconds (chrony.service)',
    ]);
    expect(off(WRITERS.ntpd, 'time reset +3600.123456 s')).toEqual([
      'The clock was off by +3600.123456 seconds (ntp.service)',
    ]);
    expect(
      off(
        WRITERS.ntpd,
        'time correction of 3600 seconds exceeds sanity limit (1000); set clock manually to the correct UTC time.',
      ),
    ).toEqual(['The clock was off by 3600 seconds (ntp.service)']);
    expect(off(WRITERS.ntpd, 'step time server 192.0.2.1 offset -3598.540 sec')).toEqual([
      'The clock was off by -3598.540 seconds (ntp.service)',
    ]);
    expect(off(WRITERS.chronyd, "System's initial offset : 3600.123 seconds fast of true (step)")).toEqual([
      'The clock was off by 3600.123 seconds (chrony.service)',
    ]);
    expect(off(WRITERS.chronyd, "System's initial offset : 0.015 seconds slow of true (slew)")).toEqual([]);
    // ntpd's system events: the step it made, and the offset past its panic threshold it stopped at.
    expect(off(WRITERS.ntpd, '0.0.0.0 0117 07 panic_stop +214748365 s; set clock manually within 1000 s.')).toEqual([
      'The clock was off by +214748365 seconds (ntp.service)',
    ]);
    expect(off(WRITERS.ntpd, '0.0.0.0 041c 0c clock_step +1.592767 s')).toEqual([]);
    // ntpd run once (ntpd -q) says what it did.
    expect(off(WRITERS.ntpd, 'ntpd: time set +3599.986218 s')).toEqual([
      'The clock was off by +3599.986218 seconds (ntp.service)',
    ]);
    expect(off(WRITERS.ntpd, 'ntpd: time slew -0.052817 s')).toEqual([]);
    expect(off(WRITERS.ntpd, 'time reset -0.314159 s')).toEqual([]);
    // timesyncd's poll line holds seconds too, not an offset it corrected.
    expect(off(WRITERS.timesyncd, 'interval/delta/delay/jitter/drift 2048s/+0.001s/0.066s/0.002s/+27ppm')).toEqual([]);
  });

  it('reads timesyncd setting forward at start-up a clock behind the time it last saved, in both its wordings', () => {
    for (const restored of [
      'System clock time unset or jumped backwards, restoring from recorded timestamp: Sat 2020-05-16 13:56:53 EDT',
      'System clock time unset or jumped backwards, restored from recorded timestamp: Fri 2026-05-29 14:16:23 UTC',
    ])
      expect(verdicts(line(WRITERS.timesyncd, restored, 0, { PRIORITY: '6' })))
        .withContext(restored)
        .toEqual([
          [
            CLOCK_UNSYNCHRONISED,
            'systemd-timesyncd.service',
            'The clock was behind at start-up: systemd-timesyncd.service set it forward to the time it last saved',
          ],
        ]);
  });

  it('reads Debian’s fake-hwclock, a shell script, by its own units: the unit proves it, not the shell', () => {
    const script = (unit: string, uid = '0') => ({
      SYSLOG_IDENTIFIER: 'fake-hwclock',
      _COMM: 'fake-hwclock',
      _EXE: '/usr/bin/dash',
      _SYSTEMD_UNIT: unit,
      _UID: uid,
      _TRANSPORT: 'stdout',
    });
    const missing = 'Unable to read saved clock information: /etc/fake-hwclock.data does not exist';
    expect(verdicts(line(script('fake-hwclock.service'), missing, 0, { PRIORITY: '6' }))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'fake-hwclock.service',
        'fake-hwclock reported an error: Unable to read saved clock information: /etc/fake-hwclock.data does not exist',
      ],
    ]);
    expect(verdicts(line(script('backup.service'), missing, 0, { PRIORITY: '6' })))
      .withContext('another unit’s shell')
      .toEqual([]);
    expect(verdicts(line(script('fake-hwclock.service', '1000'), missing, 0, { PRIORITY: '6' })))
      .withContext('not root')
      .toEqual([]);
    expect(areaOfUnit('fake-hwclock.service')).toBe('clock');
  });

  it('reads timedated’s "Failed to …" as its error, at whatever level, and leaves timesyncd’s reaching its servers', () => {
    const failed = 'Failed to set RTC to local time: Invalid argument';
    expect(verdicts(line(TIMEDATED, failed, 0, { PRIORITY: '6' }))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'systemd-timedated.service',
        'systemd-timedated could not do its work: Failed to set RTC to local time: Invalid argument',
      ],
    ]);
    for (const message of [
      'Failed to resolve 0.arch.pool.ntp.org: Temporary failure',
      'Failed to connect to /run/systemd/resolve/io.systemd.Resolve: No such file or directory',
    ])
      expect(verdicts(line(WRITERS.timesyncd, message, 0, { PRIORITY: '6' }))).toEqual([]);
    // Another of the machine's programs in the same words.
    expect(verdicts(line({ ...TIMEDATED, _EXE: '/usr/bin/logger' }, failed, 0, { PRIORITY: '6' }))).toEqual([]);
  });

  it('reads timedated’s warnings as its error: it warns only where it cannot read or keep the clock’s settings', () => {
    const localtime = '/etc/localtime should be a symbolic link to a time zone data file in /usr/share/zoneinfo/.';
    expect(verdicts(line(TIMEDATED, localtime, 0, { PRIORITY: '4' }))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'systemd-timedated.service', `systemd-timedated could not do its work: ${localtime}`],
    ]);
    // Its ordinary notices are no failure.
    expect(verdicts(line(TIMEDATED, "Changed time zone to 'Europe/Berlin' (CET).", 0, { PRIORITY: '6' }))).toEqual([]);
    expect(verdicts(line(TIMEDATED, localtime, 0, { PRIORITY: '6' }))).toEqual([]);
  });

  it('reads gnome-settings-daemon’s time zone plugin failing as the clock’s, about the one clock', () => {
    const GSD_DATETIME = {
      SYSLOG_IDENTIFIER: 'gsd-datetime',
      _COMM: 'gsd-datetime',
      _EXE: '/usr/libexec/gsd-datetime',
      _SYSTEMD_UNIT: 'user@1000.service',
      _SYSTEMD_USER_UNIT: 'org.gnome.SettingsDaemon.Datetime.service',
      _UID: '1000',
    };
    const failed = 'Failed to set timezone: GDBus.Error:org.freedesktop.DBus.Error.AccessDenied: Permission denied';
    const found = verdicts(line(GSD_DATETIME, failed, 0, { PRIORITY: '4' }));
    expect(found.map(([kind, subject]) => [kind, subject])).toEqual([[CLOCK_UNSYNCHRONISED, 'clock']]);
    // The same words from another program of the session.
    expect(verdicts(line({ ...GSD_DATETIME, _EXE: '/usr/bin/python3' }, failed, 0, { PRIORITY: '4' }))).toEqual([]);
  });

  it('reads ntpd’s and NTPsec’s steps of a minute or more, and chronyd finding the clock moved under it', () => {
    const titles = (writer: Record<string, string>, message: string) =>
      verdicts(line(writer, message)).map(([, , title]) => title);
    expect(titles(WRITERS.ntpd, '0.0.0.0 c61c 0c clock_step +3599.837286 s')).toEqual([
      'The clock was off by +3599.837286 seconds (ntp.service)',
    ]);
    expect(titles(WRITERS.ntpd, 'CLOCK: time stepped by 3599.993214')).toEqual([
      'The clock was off by 3599.993214 seconds (ntp.service)',
    ]);
    expect(titles(WRITERS.ntpd, '0.0.0.0 c61c 0c clock_step -0.142331 s')).toEqual([]);
    // Fedora's timedated, its error at err.
    const timedatex = {
      SYSLOG_IDENTIFIER: 'timedatex',
      _COMM: 'timedatex',
      _EXE: '/usr/sbin/timedatex',
      _SYSTEMD_UNIT: 'timedatex.service',
      _UID: '0',
    };
    expect(verdicts(line(timedatex, 'Failed to set system clock: Operation not permitted', 0, { PRIORITY: '3' })))
      .withContext('timedatex')
      .toEqual([
        [CLOCK_UNSYNCHRONISED, 'timedatex.service', 'timedatex reported an error: Operation not permitted (EPERM)'],
      ]);
    expect(titles(WRITERS.chronyd, 'Backward time jump detected!')).toEqual([
      'The clock jumped: another program set the time under chrony.service',
    ]);
  });

  it('believes no other writer of the same words', () => {
    const forged = [
      // A user's program naming itself chronyd, outside chrony.service.
      { ...WRITERS.chronyd, _UID: '1000', _EXE: '/home/user/chronyd', _SYSTEMD_UNIT: 'session-2.scope' },
      // Another program inside the daemon's unit name is not the daemon.
      { ...WRITERS.ntpd, _COMM: 'sh', _EXE: '/usr/bin/sh' },
      // logger -t systemd-timesyncd from a user's session.
      { SYSLOG_IDENTIFIER: 'systemd-timesyncd', _COMM: 'logger', _EXE: '/usr/bin/logger', _UID: '1000' },
    ];
    for (const writer of forged) {
      expect(verdicts(line(writer, "Can't synchronise: no selectable sources"))).toEqual([]);
      expect(verdicts(...timeouts(writer, [0, 10, 20]))).toEqual([]);
    }
  });

  it('stays silent on healthy synchronisation', () => {
    expect(
      verdicts(
        line(WRITERS.timesyncd, 'Initial synchronization to time server 185.125.190.56:123 (ntp.ubuntu.com).'),
        line(WRITERS.timesyncd, 'Contacted time server 162.159.200.1:123 (2.arch.pool.ntp.org).'),
        line(WRITERS.timesyncd, 'Network configuration changed, trying to establish connection.'),
        line(WRITERS.chronyd, 'Selected source 162.159.200.123 (2.fedora.pool.ntp.org)'),
        line(WRITERS.chronyd, 'Source 94.16.122.152 online'),
        line(WRITERS.ntpd, 'Listen normally on 3 eth0 192.168.1.10:123'),
        line(WRITERS.ntpd, 'kernel reports status change 2001'),
      ),
    ).toEqual([]);
  });

  it('proposes the daemon’s own lines, changing nothing', async () => {
    const playbook = clockKind.playbooks[CLOCK_UNSYNCHRONISED];
    expect(playbook).toBeDefined();
    const finding = findingWithEvidence(CLOCK_UNSYNCHRONISED, 'chrony.service', {
      title: 'The clock is not synchronised: chrony.service has no time server it can use',
      firstSeen: new Date(0),
      evidence: [{ kind: 'journal', text: 'x', cursor: 's=1', journal: 'system', at: new Date(0) }],
    });
    const draft = await playbook!(finding, {} as PlaybookTools);
    expect(draft?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'system', cursor: 's=1', sameWriter: true } },
    ]);
  });
});

describe('the clock-ntp-off detector', () => {
  const clock = (state: ClockState): WatchEvent => ({
    type: 'desktop',
    at: new Date(0),
    desktop: { kind: 'clock', clock: state },
  });

  it('raises automatic time switched off while a time-sync service is installed, and resolves when it is on', () => {
    const detector = new ClockNtpOffDetector();
    const [off] = detector.detect(clock({ ntp: false, canNtp: true, synchronized: false }));
    expect(off && 'report' in off ? [off.report.kind, off.report.subject, off.report.severity] : off).toEqual([
      CLOCK_NTP_OFF,
      NTP_SUBJECT,
      'info',
    ]);
    expect(detector.detect(clock({ ntp: true, canNtp: true, synchronized: false }))).toEqual([
      { resolve: { kind: CLOCK_NTP_OFF, subject: NTP_SUBJECT, at: new Date(0) } },
    ]);
  });

  it('raises nothing where no time-sync service is installed: there is nothing to switch on', () => {
    expect(new ClockNtpOffDetector().detect(clock({ ntp: false, canNtp: false, synchronized: false }))).toEqual([
      { resolve: { kind: CLOCK_NTP_OFF, subject: NTP_SUBJECT, at: new Date(0) } },
    ]);
  });

  it('proposes turning automatic time on, unless its preview changes nothing', async () => {
    const playbook = clockKind.playbooks[CLOCK_NTP_OFF];
    expect(playbook).toBeDefined();
    const finding = findingWithEvidence(CLOCK_NTP_OFF, NTP_SUBJECT, {
      title: 'Automatic time is switched off: nothing keeps the clock right',
      firstSeen: new Date(0),
      evidence: [{ kind: 'text', text: 'org.freedesktop.timedate1: NTP is false, CanNTP is true', at: new Date(0) }],
    });
    const tools = (changesNothing: boolean) =>
      ({
        preview: () => Promise.resolve({ summary: 'Turn Automatic Time On', details: [], changesNothing }),
      }) as unknown as PlaybookTools;
    const draft = await playbook!(finding, tools(false));
    expect(draft?.title).toBe('Turn Automatic Time On');
    expect(draft?.actions).toEqual([{ name: 'clock.ntp_on', params: {} }]);
    expect(await playbook!(finding, tools(true))).toBeNull();
  });
});
