// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// package-manager-error from dpkg's own database: a run that was cut off before it merged its journal, or else each
// package a run left part-way (half-configured, unpacked…). The same kind and subject as the journal's "dpkg: error
// processing package NAME", so that a run whose output did reach the journal makes one finding, not two. Each
// resolves when dpkg's database no longer says so.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format, N_ } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { PACKAGE_MANAGER_ERROR } from './detector.js';

/** The files of dpkg's database its evidence names: a package's state, and the journal of a run cut off. */
export const DPKG_STATUS = '/var/lib/dpkg/status';
export const DPKG_UPDATES = '/var/lib/dpkg/updates';

/** The subject of an interrupted run, as the journal's "E: dpkg was interrupted" has it. */
const DPKG = 'dpkg';

const TITLES: Readonly<Record<string, string>> = {
  'half-configured': N_('dpkg could not configure {package} {version}: its configuration script did not finish'),
  unpacked: N_('{package} {version} is unpacked but not configured'),
  'half-installed': N_('{package} {version} is half-installed: it must be installed again'),
  'triggers-awaited': N_('{package} {version} waits for another package’s triggers'),
  'triggers-pending': N_('{package} {version} has triggers dpkg did not process'),
};

export class DpkgStateDetector implements Detector {
  readonly kinds = [PACKAGE_MANAGER_ERROR];
  /** The subjects reported from the last state, to resolve those it no longer names. */
  #reported = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'dpkg') return [];
    const { at, state } = event;
    // A run cut off is one problem, whatever packages it left part-way: finishing it finishes them.
    const reports: DetectorOutput[] = (state.pendingJournal > 0 ? [] : state.unfinished).map((entry) => ({
      report: {
        kind: PACKAGE_MANAGER_ERROR,
        severity: 'warning',
        subject: entry.name,
        title: format(_(TITLES[entry.state] ?? N_('dpkg left {package} {version} unfinished')), {
          package: entry.name,
          version: entry.version ?? '',
        }),
        evidence: [
          {
            kind: 'text',
            text: `${DPKG_STATUS}: Package: ${entry.name}, Version: ${entry.version ?? '?'}, Status: ${entry.reinstallRequired ? 'reinstreq' : 'ok'} ${entry.state}`,
            path: DPKG_STATUS,
            at,
          },
        ],
        at,
      },
    }));
    if (state.pendingJournal > 0)
      reports.push({
        report: {
          kind: PACKAGE_MANAGER_ERROR,
          severity: 'warning',
          subject: DPKG,
          title: _('An earlier package installation was interrupted and must be finished'),
          evidence: [
            {
              kind: 'text',
              text: format(_('{path} holds {count} changes dpkg did not finish'), {
                path: DPKG_UPDATES,
                count: state.pendingJournal,
              }),
              path: DPKG_UPDATES,
              at,
            },
          ],
          at,
        },
      });
    const now = new Set(reports.flatMap((output) => ('report' in output ? [output.report.subject] : [])));
    const resolved: DetectorOutput[] = [...this.#reported]
      .filter((subject) => !now.has(subject))
      .map((subject) => ({ resolve: { kind: PACKAGE_MANAGER_ERROR, subject, at } }));
    this.#reported = now;
    return [...reports, ...resolved];
  }
}
