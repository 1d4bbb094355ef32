import { UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
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
    expect(reports[0]!.evidence).toEqual([
      {
        kind: 'journal',
        text: "bluetooth.service: Failed with result 'exit-code'.",
        cursor: jasmine.stringMatching(/^s=fixture;i=/),
        at: jasmine.any(Date),
      },
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
      __REALTIME_TIMESTAMP: '1773479523000000',
    });
    expect(reportsOf(new UnitFailedDetector().detect(event)).map((r) => r.title)).toEqual([
      'systemd-timesyncd.service failed to start',
    ]);
  });

  it('ignores messages from other programs that look alike', () => {
    const event = journalEvent({
      MESSAGE: "foo.service: Failed with result 'exit-code'.",
      SYSLOG_IDENTIFIER: 'logger',
      _PID: '4242',
    });
    expect(new UnitFailedDetector().detect(event)).toEqual([]);
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
});
