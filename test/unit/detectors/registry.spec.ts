// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createDetectors, detectorKinds } from '../../../service/src/findings/detectors/index.js';
import type { Detector } from '../../../service/src/findings/types.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { journalEvents, readJournalFixture, reportsOf } from '../../support/journalEvents.js';

const JOURNAL_KINDS = [
  'unit-failed',
  'crash-loop',
  'coredump',
  'oom-kill',
  'filesystem-error',
  'dns-failure',
  'auth-failures',
  'package-manager-error',
  'thermal-throttling',
];

/** Every output of every detector, in event order, as the findings pipeline would see them. */
function runAll(detectors: Detector[], fixture: string) {
  return journalEvents(fixture).flatMap((event) => detectors.flatMap((detector) => detector.detect(event)));
}

describe('the detector registry', () => {
  it('has one detector per finding kind; a kind read from state and from the journal has one for each', () => {
    const kinds = detectorKinds(createDetectors(KINDS));
    const twice = kinds.filter((kind, index) => kinds.indexOf(kind) !== index);
    expect(twice.sort()).toEqual([
      // The time daemons' lines, and the clock's own state (timedated, timesyncd).
      'clock-unsynchronised',
      // The kernel's and systemd's word of a crash, and the desktop session manager's (desktop/appCrash).
      'crash',
      'extension-error',
      'extension-error',
      'package-manager-error',
      'printer-problem',
      'sound-unavailable',
    ]);
    expect([...new Set(kinds)].sort()).toEqual(
      [
        ...JOURNAL_KINDS,
        'disk-low',
        'disk-critical',
        'inode-exhaustion',
        'memory-pressure',
        'link-down',
        'no-route',
        'no-connectivity',
        'captive-portal',
        'config-changed-before-failure',
        'unrecognised-errors',
        'config-error',
        'network-failure',
        'wifi-secrets',
        'storage-error',
        'gpu-fault',
        'no-space',
        'crash',
        'bluetooth-unavailable',
        'bluetooth-off',
        'extension-error',
        'printer-problem',
        'sign-in-failure',
        'clock-unsynchronised',
        'clock-ntp-off',
        'sound-unavailable',
        'sound-default-gone',
        'sound-muted',
      ].sort(),
    );
  });

  it('gives each call its own state', () => {
    const [a, b] = [createDetectors(KINDS), createDetectors(KINDS)];
    expect(a[0]).not.toBe(b[0]);
  });

  it('stays silent on a corpus of healthy boot and desktop logs', () => {
    expect(readJournalFixture('healthy').length).toBeGreaterThan(250);
    expect(runAll(createDetectors(KINDS), 'healthy')).toEqual([]);
  });

  for (const kind of JOURNAL_KINDS) {
    it(`fires ${kind} on its corpus excerpt`, () => {
      const kinds = new Set(reportsOf(runAll(createDetectors(KINDS), kind)).map((r) => r.kind));
      expect(kinds).toContain(kind);
    });
  }
});
