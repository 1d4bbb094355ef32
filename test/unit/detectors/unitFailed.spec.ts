import { missingExecutableIn, UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { journalEvent, journalEvents, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

describe('the unit-failed detector', () => {
  it('reports each failed unit once from the journal, with how it failed, and resolves it when it starts again', () => {
    const outputs = runDetector(new UnitFailedDetector(), journalEvents('unit-failed'));
    const reports = reportsOf(outputs);
    expect(reports.map((r) => [r.kind, r.severity, r.subject, r.title])).toEqual([
      ['unit-failed', 'error', 'bluetooth.service', 'bluetooth.service failed (exit code 1)'],
      ['unit-failed', 'error', 'tracker-miner-fs-3.service', 'tracker-miner-fs-3.service failed (timed out)'],
      ['unit-failed', 'error', 'nginx.service', 'nginx.service failed (exit code 1)'],
    ]);
    const journalLine = (text: string) => ({
      kind: 'journal' as const,
      text,
      cursor: jasmine.stringMatching(/^s=fixture;i=/),
      at: jasmine.any(Date),
    });
    // The failure, then what the unit itself logged before it.
    expect(reports[0]!.evidence).toEqual([
      journalLine("bluetooth.service: Failed with result 'exit-code'."),
      journalLine('Bluetooth daemon 5.72'),
      journalLine('src/main.c:main() Unable to get on D-Bus'),
    ]);
    expect(reports[2]!.evidence.map((e) => e.text)).toEqual([
      "nginx.service: Failed with result 'exit-code'.",
      'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/default:47',
      'nginx: configuration file /etc/nginx/nginx.conf test failed',
    ]);
    expect(resolutionsOf(outputs).map((r) => [r.kind, r.subject])).toEqual([['unit-failed', 'bluetooth.service']]);
  });

  it('reports a start job that failed on its own (systemd 252 wording, no result line)', () => {
    const event = journalEvent({
      MESSAGE: 'Failed to start Network Time Synchronization.',
      MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
      UNIT: 'systemd-timesyncd.service',
      JOB_TYPE: 'start',
      JOB_RESULT: 'failed',
      SYSLOG_IDENTIFIER: 'systemd',
      _PID: '1',
      _UID: '0',
      __REALTIME_TIMESTAMP: '1773479523000000',
    });
    expect(reportsOf(new UnitFailedDetector().detect(event)).map((r) => r.title)).toEqual([
      'systemd-timesyncd.service failed to start',
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

  it('reports units the manager says failed, and resolves them when active', () => {
    const detector = new UnitFailedDetector();
    const at = new Date('2026-03-14T09:00:00Z');
    const unit = (activeState: string, extra: object = {}): WatchEvent => ({
      type: 'unit',
      at,
      state: { scope: 'system', unit: 'cups.service', activeState, ...extra },
    });
    const failed = reportsOf(detector.detect(unit('failed', { result: 'signal', exitCode: 11 })));
    expect(failed.map((r) => [r.subject, r.title, r.severity])).toEqual([
      ['cups.service', 'cups.service failed (killed by SIGSEGV)', 'error'],
    ]);
    expect(failed[0]!.evidence[0]!.text).toBe('system unit cups.service is failed (result signal, signal SEGV)');
    expect(detector.detect(unit('active'))).toEqual([
      { resolve: { kind: 'unit-failed', subject: 'cups.service', at } },
    ]);
    expect(detector.detect(unit('active'))).toEqual([]);
    expect(reportsOf(detector.detect(unit('failed', { result: 'exit-code', exitCode: 2 })))[0]!.title).toBe(
      'cups.service failed (exit code 2)',
    );
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
    ]);
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
