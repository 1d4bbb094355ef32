// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { missingExecutableIn, UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
import { BluetoothUnavailableDetector } from '../../../service/src/kinds/bluetooth/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { journalEvent, journalEvents, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

describe('the unit-failed detector', () => {
  it('reports each failed unit once from the journal, with how it failed, and resolves it when it starts again', () => {
    const outputs = runDetector(new UnitFailedDetector(), journalEvents('unit-failed'));
    const reports = reportsOf(outputs);
    // bluetooth.service is BlueZ's own unit: its failure is the Bluetooth kind's finding (below), not unit-failed's.
    expect(reports.map((r) => [r.kind, r.severity, r.subject, r.title])).toEqual([
      ['unit-failed', 'error', 'tracker-miner-fs-3.service', 'tracker-miner-fs-3.service failed (timed out)'],
      ['unit-failed', 'error', 'nginx.service', 'nginx.service failed (exit code 1)'],
    ]);
    const bluetooth = runDetector(new BluetoothUnavailableDetector(desktopWriters()), journalEvents('unit-failed'));
    expect(reportsOf(bluetooth).map((r) => [r.kind, r.subject, r.title])).toEqual([
      ['bluetooth-unavailable', 'bluetooth.service', 'bluetooth.service failed (exit code 1)'],
    ]);
    expect(resolutionsOf(bluetooth).map((r) => [r.kind, r.subject])).toEqual([
      ['bluetooth-unavailable', 'bluetooth.service'],
    ]);
    const journalLine = (text: string, writer?: string) => ({
      kind: 'journal' as const,
      text,
      cursor: jasmine.stringMatching(/^s=fixture;i=/),
      at: jasmine.any(Date),
      ...(writer ? { writer } : {}),
    });
    // The failure, then what the unit itself logged before it, each with the program of the unit's that wrote it.
    expect(reports[1]!.evidence).toEqual([
      journalLine("nginx.service: Failed with result 'exit-code'."),
      journalLine('nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/default:47', 'nginx'),
      journalLine('nginx: configuration file /etc/nginx/nginx.conf test failed', 'nginx'),
    ]);
    expect(reports[1]!.evidence.map((e) => e.text)).toEqual([
      "nginx.service: Failed with result 'exit-code'.",
      'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/default:47',
      'nginx: configuration file /etc/nginx/nginx.conf test failed',
    ]);
    expect(resolutionsOf(outputs)).toEqual([]);
  });

  it('reports a start job that failed on its own (systemd 252 wording, no result line)', () => {
    const event = journalEvent({
      MESSAGE: 'Failed to start Network Configuration.',
      MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
      UNIT: 'systemd-networkd.service',
      JOB_TYPE: 'start',
      JOB_RESULT: 'failed',
      SYSLOG_IDENTIFIER: 'systemd',
      _PID: '1',
      _UID: '0',
      __REALTIME_TIMESTAMP: '1773479523000000',
    });
    expect(reportsOf(new UnitFailedDetector().detect(event)).map((r) => r.title)).toEqual([
      'systemd-networkd.service failed to start',
    ]);
  });

  it('reports a unit whose start PID 1 could not queue because a unit it requires is masked, in both wordings', () => {
    const pid1 = (MESSAGE: string, index: number) =>
      journalEvent({ MESSAGE, SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0' }, index);
    const reports = reportsOf(
      runDetector(new UnitFailedDetector(), [
        pid1('app.service: Cannot add dependency job, ignoring: Unit db.service is masked.', 1),
        pid1('Cannot add dependency job for unit web.service, ignoring: Unit cache.service is masked.', 2),
      ]),
    );
    expect(reports.map((r) => [r.subject, r.title])).toEqual([
      ['app.service', 'app.service failed (a service it requires is masked)'],
      ['web.service', 'web.service failed (a service it requires is masked)'],
    ]);
    // From any other process the same words are nothing.
    const forged = journalEvent({
      MESSAGE: 'app.service: Cannot add dependency job, ignoring: Unit db.service is masked.',
      SYSLOG_IDENTIFIER: 'systemd',
      _PID: '4242',
      _UID: '1000',
    });
    expect(reportsOf(new UnitFailedDetector().detect(forged))).toEqual([]);
  });

  it('keeps PID 1’s line with a setup step’s exit status among the unit’s lines', () => {
    const pid1 = (fields: Record<string, string>, index: number) =>
      journalEvent({ SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0', ...fields }, index);
    const [report] = reportsOf(
      runDetector(new UnitFailedDetector(), [
        pid1({ MESSAGE: 'emonhub.service: Control process exited, code=exited, status=217/USER' }, 1),
        pid1({ MESSAGE: "emonhub.service: Failed with result 'exit-code'.", UNIT: 'emonhub.service' }, 2),
      ]),
    );
    expect(report?.evidence.map((e) => e.text)).toEqual([
      "emonhub.service: Failed with result 'exit-code'.",
      'emonhub.service: Control process exited, code=exited, status=217/USER',
    ]);
    // And its word that a restart was refused because a unit it needs is masked.
    const [masked] = reportsOf(
      runDetector(new UnitFailedDetector(), [
        pid1(
          { MESSAGE: 'app.service: Failed to schedule restart job: Unit db.service is masked.', UNIT: 'app.service' },
          3,
        ),
        pid1({ MESSAGE: "app.service: Failed with result 'signal'.", UNIT: 'app.service' }, 4),
      ]),
    );
    expect(masked?.evidence.map((e) => e.text)).toContain(
      'app.service: Failed to schedule restart job: Unit db.service is masked.',
    );
  });

  it('keeps PID 1’s own error saying why a unit did not start, and its helper’s, but not the job’s line', () => {
    // systemd 257 in the gym: an EnvironmentFile= that is missing, and a socket unit whose port another process
    // holds ("(sd-listen)", forked by PID 1 in init.scope to bind the address, says why; PID 1 only gets EIO).
    const pid1 = (fields: Record<string, string>, index: number) =>
      journalEvent(
        { SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0', _SYSTEMD_UNIT: 'init.scope', ...fields },
        index,
      );
    const result = (unit: string, index: number) =>
      pid1({ MESSAGE: `${unit}: Failed with result 'resources'.`, UNIT: unit, PRIORITY: '4' }, index);
    const job = (MESSAGE: string, UNIT: string, index: number) =>
      pid1(
        { MESSAGE, UNIT, PRIORITY: '3', JOB_RESULT: 'failed', MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d' },
        index,
      );
    const reports = reportsOf(
      runDetector(new UnitFailedDetector(), [
        pid1(
          {
            MESSAGE: 'pe.service: Failed to load environment files: No such file or directory',
            UNIT: 'pe.service',
            PRIORITY: '3',
          },
          1,
        ),
        pid1(
          {
            MESSAGE: "pe.service: Failed to spawn 'start' task: No such file or directory",
            UNIT: 'pe.service',
            PRIORITY: '4',
          },
          2,
        ),
        result('pe.service', 3),
        job('Failed to start pe.service - Probe.', 'pe.service', 4),
        journalEvent(
          {
            MESSAGE: 'psock.socket: Failed to create listening socket ([::]:7071): Address already in use',
            SYSLOG_IDENTIFIER: '(sd-listen)',
            UNIT: 'psock.socket',
            PRIORITY: '3',
            _PID: '386',
            _UID: '0',
            _SYSTEMD_UNIT: 'init.scope',
          },
          5,
        ),
        pid1(
          {
            MESSAGE: 'psock.socket: Failed to receive listening socket ([::]:7071): Input/output error',
            UNIT: 'psock.socket',
            PRIORITY: '3',
          },
          6,
        ),
        result('psock.socket', 7),
        job('Failed to listen on psock.socket.', 'psock.socket', 8),
        result('pe.service', 20_000),
      ]),
    );
    expect(reports.map((report) => [report.subject, report.evidence.map((e) => e.text)])).toEqual([
      [
        'pe.service',
        [
          "pe.service: Failed with result 'resources'.",
          'pe.service: Failed to load environment files: No such file or directory',
        ],
      ],
      [
        'psock.socket',
        [
          "psock.socket: Failed with result 'resources'.",
          'psock.socket: Failed to create listening socket ([::]:7071): Address already in use',
          'psock.socket: Failed to receive listening socket ([::]:7071): Input/output error',
        ],
      ],
      // The job's "Failed to start" line was not kept for the next failure.
      ['pe.service', ["pe.service: Failed with result 'resources'."]],
    ]);
  });

  it('gives a helper’s line to the unit its UNIT= names only when it comes from root in init.scope', () => {
    // Any process may set UNIT= on its own lines: a user's program, or a root service outside the manager's scope,
    // naming a socket unit that fails later must not put its words among that unit's evidence.
    const forged = (fields: Record<string, string>, index: number) =>
      journalEvent(
        {
          MESSAGE: 'victim.socket: Failed to create listening socket ([::]:80): Address already in use (held by evil)',
          SYSLOG_IDENTIFIER: '(sd-listen)',
          UNIT: 'victim.socket',
          PRIORITY: '3',
          _PID: String(500 + index),
          ...fields,
        },
        index,
      );
    const reports = reportsOf(
      runDetector(new UnitFailedDetector(), [
        forged({ _UID: '1000', _SYSTEMD_UNIT: 'init.scope' }, 1),
        forged({ _UID: '0', _SYSTEMD_UNIT: 'evil.service' }, 2),
        forged({ _UID: '1000', _SYSTEMD_UNIT: 'user@1000.service', _SYSTEMD_USER_UNIT: 'evil.service' }, 3),
        journalEvent(
          {
            MESSAGE: "victim.socket: Failed with result 'resources'.",
            UNIT: 'victim.socket',
            PRIORITY: '4',
            SYSLOG_IDENTIFIER: 'systemd',
            _PID: '1',
            _UID: '0',
            _SYSTEMD_UNIT: 'init.scope',
          },
          4,
        ),
      ]),
    );
    expect(reports.map((report) => [report.subject, report.evidence.map((e) => e.text)])).toEqual([
      ['victim.socket', ["victim.socket: Failed with result 'resources'."]],
    ]);
  });

  it("takes the same words from another program as that program's claim, never as systemd's", () => {
    const forged = (fields: Record<string, string>) =>
      journalEvent({ MESSAGE: "foo.service: Failed with result 'exit-code'.", _PID: '4242', _UID: '1000', ...fields });
    for (const event of [
      forged({ SYSLOG_IDENTIFIER: 'logger' }),
      // Claiming to be systemd in the fields a process sets itself changes nothing.
      forged({ SYSLOG_IDENTIFIER: 'systemd', UNIT: 'foo.service', _COMM: 'systemd' }),
    ]) {
      expect(reportsOf(new UnitFailedDetector().detect(event)).map((r) => [r.severity, r.title])).toEqual([
        ['warning', 'A program says foo.service failed'],
      ]);
    }
  });

  it('reports a start PID 1 gave up on, and counts the failure that follows once the unit is stopped once', () => {
    const at = (seconds: number) => String(1_773_479_523_000_000 + seconds * 1_000_000);
    const pid1 = (MESSAGE: string, seconds: number, index: number) =>
      journalEvent(
        { MESSAGE, SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0', __REALTIME_TIMESTAMP: at(seconds) },
        index,
      );
    const detector = new UnitFailedDetector();
    const state = (unit: string, seconds: number): WatchEvent => ({
      type: 'unit',
      at: new Date(Number(at(seconds)) / 1000),
      state: { scope: 'system', unit, activeState: 'failed', result: 'timeout' },
    });
    const reports = reportsOf(
      runDetector(detector, [
        // Two wordings real versions print (before v250, and since), then a stop that timed out: not a start.
        pid1('nginx.service: start operation timed out. Terminating.', 0, 1),
        pid1('postgresql.service: Start operation timed out. Terminating.', 1, 2),
        pid1('smbd.service: State stop-sigterm timed out. Killing.', 2, 3),
        // Ninety seconds later the manager stops nginx: its state, result and job lines repeat the failure.
        state('nginx.service', 90),
        pid1("nginx.service: Failed with result 'timeout'.", 90, 4),
        journalEvent(
          {
            MESSAGE: 'Failed to start nginx.service - A high performance web server.',
            UNIT: 'nginx.service',
            JOB_TYPE: 'start',
            JOB_RESULT: 'failed',
            MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
            SYSLOG_IDENTIFIER: 'systemd',
            _PID: '1',
            _UID: '0',
            __REALTIME_TIMESTAMP: at(90),
          },
          5,
        ),
        // A later failure of the same unit, long after, is a failure of its own.
        pid1("nginx.service: Failed with result 'timeout'.", 3600, 6),
      ]),
    );
    expect(reports.map((report) => [report.subject, report.title, report.evidence[0]!.text])).toEqual([
      ['nginx.service', 'nginx.service failed (timed out)', 'nginx.service: start operation timed out. Terminating.'],
      [
        'postgresql.service',
        'postgresql.service failed (timed out)',
        'postgresql.service: Start operation timed out. Terminating.',
      ],
      ['nginx.service', 'nginx.service failed (timed out)', "nginx.service: Failed with result 'timeout'."],
    ]);
  });

  it('reports units the manager says failed, and resolves them when active', () => {
    const detector = new UnitFailedDetector();
    const at = new Date('2026-03-14T09:00:00Z');
    const unit = (activeState: string, extra: object = {}): WatchEvent => ({
      type: 'unit',
      at,
      state: { scope: 'system', unit: 'smbd.service', activeState, ...extra },
    });
    const failed = reportsOf(detector.detect(unit('failed', { result: 'signal', exitCode: 11 })));
    expect(failed.map((r) => [r.subject, r.title, r.severity])).toEqual([
      ['smbd.service', 'smbd.service failed (killed by SIGSEGV)', 'error'],
    ]);
    expect(failed[0]!.evidence[0]!.text).toBe('system service smbd.service has failed (result signal, signal SEGV)');
    expect(detector.detect(unit('active'))).toEqual([
      { resolve: { kind: 'unit-failed', subject: 'smbd.service', at } },
    ]);
    expect(detector.detect(unit('active'))).toEqual([]);
    expect(reportsOf(detector.detect(unit('failed', { result: 'exit-code', exitCode: 2 })))[0]!.title).toBe(
      'smbd.service failed (exit code 2)',
    );
  });

  it('adds the unit’s own line that comes just after its failure to that failure, not counted again', () => {
    const detector = new UnitFailedDetector();
    const at = new Date('2026-03-14T09:00:00Z');
    const line = (MESSAGE: string, ms: number) =>
      journalEvent({
        MESSAGE,
        _SYSTEMD_UNIT: 'gym-lan.service',
        SYSLOG_IDENTIFIER: 'dnsmasq',
        _COMM: 'dnsmasq',
        _PID: '812',
        __REALTIME_TIMESTAMP: String((at.getTime() + ms) * 1000),
      });
    // The manager's state over D-Bus, heard before the journal's lines were read.
    const failed = reportsOf(
      detector.detect({
        type: 'unit',
        at,
        state: { scope: 'system', unit: 'gym-lan.service', activeState: 'failed', result: 'exit-code', exitCode: 2 },
      }),
    );
    expect(failed.map((r) => [r.subject, r.evidence.length, r.sameOccurrence])).toEqual([
      ['gym-lan.service', 1, undefined],
    ]);
    const late = reportsOf(detector.detect(line('dnsmasq: unknown interface gym5', -40)));
    expect(late.map((r) => [r.subject, r.title, r.at, r.sameOccurrence])).toEqual([
      ['gym-lan.service', 'gym-lan.service failed (exit code 2)', at, true],
    ]);
    expect(late[0]!.evidence.map((e) => [e.text, e.writer])).toEqual([['dnsmasq: unknown interface gym5', 'dnsmasq']]);
    // What it writes well after is its next run's, kept for that run's failure.
    expect(detector.detect(line('dnsmasq: started, version 2.90', 30_000))).toEqual([]);
  });

  it('keeps Node’s error line in a failure heard first from systemd, without the stack frames read after it', () => {
    const detector = new UnitFailedDetector();
    const at = new Date('2026-03-14T09:00:00Z');
    detector.detect({
      type: 'unit',
      at,
      state: { scope: 'system', unit: 'gym-board.service', activeState: 'failed', result: 'exit-code', exitCode: 1 },
    });
    const printed = [
      '/usr/local/bin/gym-board:2',
      "const settings = JSON.parse(require('node:fs').readFileSync('/etc/gym-board/board.json', 'utf8'));",
      "Error: ENOENT: no such file or directory, open '/etc/gym-board/board.json'",
      ...Array.from({ length: 12 }, (_, i) => `    at frame${i} (node:internal/modules/cjs/loader:${i})`),
      "  code: 'ENOENT',",
      'Node.js v20.19.2',
    ];
    const reported = printed.flatMap((MESSAGE, index) =>
      reportsOf(
        detector.detect(
          journalEvent({
            MESSAGE,
            _SYSTEMD_UNIT: 'gym-board.service',
            SYSLOG_IDENTIFIER: 'gym-board',
            _COMM: 'node',
            _PID: '900',
            __REALTIME_TIMESTAMP: String((at.getTime() - 40 + index) * 1000),
          }),
        ),
      ),
    );
    expect(reported.flatMap((report) => report.evidence.map((line) => line.text))).toEqual(printed.slice(0, 3));
    expect(reported.every((report) => report.sameOccurrence)).toBeTrue();
    // systemd's result line, read after them, is the same failure, not a second one.
    const result = reportsOf(
      detector.detect(
        journalEvent({
          MESSAGE: "gym-board.service: Failed with result 'exit-code'.",
          UNIT: 'gym-board.service',
          SYSLOG_IDENTIFIER: 'systemd',
          _PID: '1',
          _UID: '0',
          _COMM: 'systemd',
          _SYSTEMD_UNIT: 'init.scope',
          PRIORITY: '4',
          __REALTIME_TIMESTAMP: String((at.getTime() + 5) * 1000),
        }),
      ),
    );
    expect(result.map((report) => [report.subject, report.sameOccurrence])).toEqual([['gym-board.service', true]]);
  });

  it('adds the unit’s line written seconds before its failure, read only after it on a busy machine', () => {
    const detector = new UnitFailedDetector();
    const at = new Date('2026-03-14T09:00:00Z');
    detector.detect({
      type: 'unit',
      at,
      state: { scope: 'system', unit: 'gym-jotter.service', activeState: 'failed', result: 'exit-code', exitCode: 1 },
    });
    const written = (ms: number) =>
      journalEvent({
        MESSAGE: "Error: ENOENT: no such file or directory, open '/etc/gym-jotter/settings.json'",
        _SYSTEMD_UNIT: 'gym-jotter.service',
        SYSLOG_IDENTIFIER: 'gym-jotter',
        _COMM: 'node',
        _PID: '901',
        __REALTIME_TIMESTAMP: String((at.getTime() + ms) * 1000),
      });
    const late = reportsOf(detector.detect(written(-5_000)));
    expect(late.map((r) => [r.subject, r.at, r.sameOccurrence, r.evidence.length])).toEqual([
      ['gym-jotter.service', at, true, 1],
    ]);
    // A line from an hour before says nothing of this failure.
    expect(detector.detect(written(-3_600_000))).toEqual([]);
  });

  it("keeps only each unit's last lines, for a bounded number of units", () => {
    const detector = new UnitFailedDetector();
    const logged = (unit: string, message: string, index: number) =>
      journalEvent({ MESSAGE: message, _SYSTEMD_UNIT: unit, SYSLOG_IDENTIFIER: 'app', _PID: '4242' }, index);
    const failed = (unit: string, index: number) =>
      journalEvent(
        {
          MESSAGE: `${unit}: Failed with result 'exit-code'.`,
          UNIT: unit,
          SYSLOG_IDENTIFIER: 'systemd',
          _PID: '1',
          _UID: '0',
        },
        index,
      );
    const events = [
      ...Array.from({ length: 8 }, (_, i) => logged('app.service', `line ${i}`, i)),
      ...Array.from({ length: 300 }, (_, i) => logged(`other${i}.service`, 'busy', 100 + i)),
      logged('late.service', 'x'.repeat(10_000), 500),
    ];
    runDetector(detector, events);
    const evidence = (unit: string, index: number) =>
      reportsOf(detector.detect(failed(unit, index)))[0]!
        .evidence.slice(1)
        .map((e) => e.text);
    // app.service logged before 300 other units did: it was forgotten first.
    expect(evidence('app.service', 600)).toEqual([]);
    expect(evidence('other299.service', 601)).toEqual(['busy']);
    expect(evidence('late.service', 602)).toEqual([`${'x'.repeat(500)}…`]);
  });

  it('shows the last five lines a unit wrote before it failed', () => {
    const detector = new UnitFailedDetector();
    runDetector(
      detector,
      Array.from({ length: 8 }, (_, i) =>
        journalEvent({ MESSAGE: `line ${i}`, _SYSTEMD_UNIT: 'app.service', SYSLOG_IDENTIFIER: 'app', _PID: '7' }, i),
      ),
    );
    const failure = journalEvent(
      {
        MESSAGE: "app.service: Failed with result 'exit-code'.",
        UNIT: 'app.service',
        SYSLOG_IDENTIFIER: 'systemd',
        _PID: '1',
        _UID: '0',
      },
      9,
    );
    expect(reportsOf(detector.detect(failure))[0]!.evidence.map((e) => e.text)).toEqual([
      "app.service: Failed with result 'exit-code'.",
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
    ]);
  });

  it("keeps systemd's word that a unit's program is missing with the unit's lines", () => {
    const detector = new UnitFailedDetector();
    const fromSystemd = (message: string, index: number) =>
      journalEvent(
        { MESSAGE: message, UNIT: 'backup.service', SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0' },
        index,
      );
    runDetector(detector, [
      fromSystemd('backup.service: Failed to locate executable /usr/bin/restic: No such file or directory', 1),
      fromSystemd('backup.service: Failed at step EXEC spawning /usr/bin/restic: No such file or directory', 2),
      fromSystemd('backup.service: Main process exited, code=exited, status=203/EXEC', 3),
    ]);
    const [report] = reportsOf(detector.detect(fromSystemd("backup.service: Failed with result 'exit-code'.", 4)));
    expect(report?.title).toBe('backup.service failed (exit code 203)');
    expect(report?.evidence.map((e) => missingExecutableIn(e.text))).toEqual([
      null,
      '/usr/bin/restic',
      '/usr/bin/restic',
      null,
    ]);
    // The exit status that names the step comes with them.
    expect(report?.evidence.at(-1)?.text).toBe('backup.service: Main process exited, code=exited, status=203/EXEC');
  });

  it('reads the missing program in the wordings of systemd 252 to 257', () => {
    expect(
      missingExecutableIn("x.service: Unable to locate executable '/opt/app/bin/run': No such file or directory"),
    ).toBe('/opt/app/bin/run');
    expect(missingExecutableIn('x.service: Failed to locate executable /usr/bin/a: Permission denied')).toBeNull();
    expect(
      missingExecutableIn('restic: Failed to locate executable relative/path: No such file or directory'),
    ).toBeNull();
  });
});

describe('the unit-failed detector on the catalogue and the wordings of each systemd', () => {
  const START = 1_773_479_523_000_000;
  /** PID 1's lines, `apart` µs from each other. */
  const pid1 = (lines: Record<string, string>[], apart = 10_000_000) =>
    lines.map((fields, i) =>
      journalEvent(
        {
          __REALTIME_TIMESTAMP: String(START + i * apart),
          SYSLOG_IDENTIFIER: 'systemd',
          _PID: '1',
          _UID: '0',
          ...fields,
        },
        i,
      ),
    );
  const titles = (events: WatchEvent[]) =>
    reportsOf(runDetector(new UnitFailedDetector(), events)).map((r) => [r.subject, r.title]);

  it('takes the unit and result from the catalogued fields, whatever the words', () => {
    expect(
      titles(
        pid1([
          {
            MESSAGE: 'exit status 2',
            MESSAGE_ID: '98e322203f7a4ed290d09fe03c09fe15',
            UNIT: 'smbd.service',
            EXIT_CODE: 'exited',
            EXIT_STATUS: '2',
          },
          // a localised or future wording of "Failed with result"
          {
            MESSAGE: 'smbd.service: échec',
            MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
            UNIT: 'smbd.service',
            UNIT_RESULT: 'exit-code',
          },
          {
            MESSAGE: 'postgresql.service: Main process exited, code=killed, status=6/ABRT',
            MESSAGE_ID: '98e322203f7a4ed290d09fe03c09fe15',
            UNIT: 'postgresql.service',
            EXIT_CODE: 'killed',
            EXIT_STATUS: '6',
          },
          {
            MESSAGE: 'postgresql.service: Failed',
            MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
            UNIT: 'postgresql.service',
            UNIT_RESULT: 'signal',
          },
        ]),
      ),
    ).toEqual([
      ['smbd.service', 'smbd.service failed (exit code 2)'],
      ['postgresql.service', 'postgresql.service failed (killed by SIGABRT)'],
    ]);
  });

  it('reports a missing fstab disk as the mount that waited for it, never as the device unit', () => {
    expect(
      titles(
        pid1([
          {
            MESSAGE: 'Timed out waiting for device /dev/disk/by-uuid/1234-ABCD.',
            MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
            UNIT: 'dev-disk-by\\x2duuid-1234\\x2dABCD.device',
            JOB_TYPE: 'start',
            JOB_RESULT: 'timeout',
          },
          // the unit a person wrote (an /etc/fstab line) is the finding
          {
            MESSAGE: 'Dependency failed for /boot/efi.',
            MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
            UNIT: 'boot-efi.mount',
            JOB_TYPE: 'start',
            JOB_RESULT: 'dependency',
          },
          // a service's dependency is reported on the unit that failed, not on each one waiting for it
          {
            MESSAGE: 'Dependency failed for backup.service - Backup.',
            MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
            UNIT: 'backup.service',
            JOB_TYPE: 'start',
            JOB_RESULT: 'dependency',
          },
        ]),
      ),
    ).toEqual([['boot-efi.mount', 'boot-efi.mount failed to start']]);
  });

  it('reads the words alone, with or without the full stop, in the wordings before and after systemd 233', () => {
    expect(
      titles(
        pid1([
          // systemd 233+, the full stop lost by a relay
          { MESSAGE: 'smbd.service: main process exited, code=exited, status=1/FAILURE' },
          { MESSAGE: "smbd.service: Failed with result 'exit-code'" },
          // before 233; systemd 219 (CentOS 7) without the comma and the status's name
          { MESSAGE: 'nmbd.service: control process exited, code=exited status=1' },
          { MESSAGE: 'Unit nmbd.service entered failed state.' },
          { MESSAGE: 'winbind.service: Unit entered failed state.' },
          // 253+, no UNIT= kept: the name comes from the words
          { MESSAGE: 'Failed to start rsync.service - fast remote file copy program daemon' },
        ]),
      ),
    ).toEqual([
      ['smbd.service', 'smbd.service failed (exit code 1)'],
      ['nmbd.service', 'nmbd.service failed (exit code 1)'],
      ['winbind.service', 'winbind.service failed'],
      ['rsync.service', 'rsync.service failed to start'],
    ]);
  });

  it('counts an old "entered failed state" and the job line beside it once', () => {
    expect(
      titles(
        pid1(
          [
            {
              MESSAGE: 'Failed to start Samba SMB Daemon.',
              UNIT: 'smbd.service',
              MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
              JOB_TYPE: 'start',
              JOB_RESULT: 'failed',
            },
            { MESSAGE: 'Unit smbd.service entered failed state.', UNIT: 'smbd.service' },
          ],
          100_000,
        ),
      ),
    ).toEqual([['smbd.service', 'smbd.service failed to start']]);
  });

  it('never names init.scope, the manager itself, as the failed unit', () => {
    expect(
      titles(
        pid1([
          // the failing start of a unit whose name the line does not give, from PID 1 in init.scope
          { MESSAGE: 'Failed to start Load Kernel Modules.' },
          {
            MESSAGE: 'Failed to start Load Kernel Modules',
            MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
            JOB_TYPE: 'start',
            JOB_RESULT: 'failed',
          },
        ]),
      ),
    ).toEqual([]);
    // a program in a user manager's init.scope ("(sd-pam)") repeating systemd's words claims nothing for init.scope
    const sdPam = journalEvent({
      MESSAGE: "Failed with result 'exit-code'.",
      _PID: '1211',
      _UID: '1000',
      _COMM: '(sd-pam)',
      _SYSTEMD_UNIT: 'user@1000.service',
      _SYSTEMD_USER_UNIT: 'init.scope',
    });
    expect(new UnitFailedDetector().detect(sdPam)).toEqual([]);
  });
});

describe("the unit-failed detector and a unit's old lines", () => {
  it('leaves out what the unit logged long before it failed', () => {
    const START = 1_773_479_523_000_000;
    const line = (message: string, minutes: number, fields: Record<string, string>, index: number) =>
      journalEvent({ __REALTIME_TIMESTAMP: String(START + minutes * 60_000_000), MESSAGE: message, ...fields }, index);
    const sshd = { _SYSTEMD_UNIT: 'sshd.service', SYSLOG_IDENTIFIER: 'sshd', _PID: '812' };
    const reports = reportsOf(
      runDetector(new UnitFailedDetector(), [
        line('Failed password for brent from 192.168.92.1 port 50176 ssh2', 0, sshd, 0),
        line('/etc/ssh/sshd_config line 12: Bad configuration option: PermitRootLogn', 180, sshd, 1),
        line(
          "sshd.service: Failed with result 'exit-code'.",
          181,
          { UNIT: 'sshd.service', SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0' },
          2,
        ),
      ]),
    );
    expect(reports.map((r) => r.evidence.map((e) => e.text))).toEqual([
      [
        "sshd.service: Failed with result 'exit-code'.",
        '/etc/ssh/sshd_config line 12: Bad configuration option: PermitRootLogn',
      ],
    ]);
  });
});
