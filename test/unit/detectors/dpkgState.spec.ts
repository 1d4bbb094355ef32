// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { DpkgStateDetector } from '../../../service/src/kinds/packageManagerError/dpkgStateDetector.js';
import type { DpkgState } from '../../../service/src/watch/dpkgState.js';

const at = new Date('2026-11-25T10:00:00Z');
const event = (state: DpkgState) => ({ type: 'dpkg' as const, at, state });
const halfConfigured = {
  name: 'gym-tool',
  state: 'half-configured',
  reinstallRequired: false,
  version: '1.0',
  architecture: 'all',
};

describe('package-manager-error from dpkg’s own database', () => {
  it('reports each package a run left part-way, by its name, as the journal’s “error processing package” does', () => {
    const outputs = new DpkgStateDetector().detect(event({ unfinished: [halfConfigured], pendingJournal: 0 }));
    expect(outputs).toEqual([
      {
        report: jasmine.objectContaining({
          kind: 'package-manager-error',
          severity: 'warning',
          subject: 'gym-tool',
          title: 'dpkg could not configure gym-tool 1.0: its configuration script did not finish',
          evidence: [
            {
              kind: 'text',
              text: '/var/lib/dpkg/status: Package: gym-tool, Version: 1.0, Status: ok half-configured',
              path: '/var/lib/dpkg/status',
              at,
            },
          ],
        }),
      },
    ]);
  });

  it('reports a run cut off before it merged its journal as dpkg interrupted, one finding for all it left', () => {
    const outputs = new DpkgStateDetector().detect(event({ unfinished: [halfConfigured], pendingJournal: 3 }));
    expect(outputs).toHaveSize(1);
    expect(outputs[0]).toEqual({
      report: jasmine.objectContaining({
        subject: 'dpkg',
        title: 'An earlier package installation was interrupted and must be finished',
      }),
    });
  });

  it('resolves what it reported once dpkg’s database no longer says so, and nothing it did not report', () => {
    const detector = new DpkgStateDetector();
    expect(detector.detect(event({ unfinished: [], pendingJournal: 0 }))).toEqual([]);
    detector.detect(event({ unfinished: [], pendingJournal: 1 }));
    expect(detector.detect(event({ unfinished: [halfConfigured], pendingJournal: 0 }))).toEqual([
      jasmine.objectContaining({ report: jasmine.objectContaining({ subject: 'gym-tool' }) }),
      { resolve: { kind: 'package-manager-error', subject: 'dpkg', at } },
    ]);
    expect(detector.detect(event({ unfinished: [], pendingJournal: 0 }))).toEqual([
      { resolve: { kind: 'package-manager-error', subject: 'gym-tool', at } },
    ]);
  });

  it('reads nothing but dpkg’s state', () => {
    expect(new DpkgStateDetector().detect({ type: 'disk', at, usage: {} as never })).toEqual([]);
  });
});
