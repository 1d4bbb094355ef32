// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Finishes an interrupted dpkg run through PackageKit's RepairSystem (what `apt-get --fix-broken install` does),
// which asks polkit (org.freedesktop.packagekit.repair-system). apt opens its cache for a repair without its lock
// and reads only dpkg's status file, so the journal a killed dpkg left (what apt's "dpkg was interrupted" means)
// is invisible to it: PackageKit 1.3.1 with apt 3.0.4 answers success and changes nothing. While that journal is
// pending, dpkg itself finishes first: `dpkg --configure -a`, a fixed command (no shell) run once as a transient
// system service through systemd's D-Bus API, which asks polkit (org.freedesktop.systemd1.manage-units). What
// it would finish and whether it did are read from dpkg's own database, not taken from either's word.
import { join } from 'node:path';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { type DpkgState, moreAndJournalLines, needsFinishing, readDpkgState } from '../../watch/dpkgState.js';
import type { ActionDefinition, Preview, Verification } from '../action.js';
import { FLAG, transaction } from './packageKit.js';
import { UnitManager } from './systemdUnits.js';

const repairParams = z.object({}).strict();
type RepairParams = z.infer<typeof repairParams>;

export interface RepairSystemOptions {
  /** A directory standing for `/` where dpkg's database is read (the test hook); the machine's own by default. */
  root?: string;
}

const MAX_LISTED = 20;

/** "gym-tool: half-configured", one line per package, and the journal a killed run left. */
function stateLines(state: DpkgState): string[] {
  const packages = state.unfinished
    .slice(0, MAX_LISTED)
    .map(({ name, state: word, reinstallRequired }) =>
      reinstallRequired
        ? format(_('{package}: {state}, to be reinstalled'), { package: name, state: word })
        : format(_('{package}: {state}'), { package: name, state: word }),
    );
  return [...packages, ...moreAndJournalLines(state, packages.length)];
}

const names = (state: DpkgState) => state.unfinished.map(({ name }) => name);

/** dpkg's own finishing run, on the database under `root`. */
const dpkgConfigure = (root: string) => [
  '/usr/bin/dpkg',
  ...(root === '/' ? [] : [`--admindir=${join(root, 'var/lib/dpkg')}`]),
  '--configure',
  '-a',
];

const CANNOT_UNDO = N_(
  'This cannot be undone: finishing runs the packages’ own configuration scripts as root, as `dpkg --configure -a` does.',
);

export function repairSystemAction({ root = '/' }: RepairSystemOptions = {}): ActionDefinition<RepairParams> {
  return {
    name: 'packages.repair_system',
    title: N_('Finish an interrupted package installation'),
    params: repairParams,
    risk: 'medium',
    needsAuthorization: true,
    readOnly: false,
    changes: 'packages',
    async preview(): Promise<Preview> {
      const state = await readDpkgState(root);
      if (!needsFinishing(state)) {
        return {
          summary: state
            ? _('dpkg has nothing left to finish: no package is half-installed or half-configured')
            : _('This system has no dpkg database'),
          details: [],
          changesNothing: true,
        };
      }
      const unfinished = names(state);
      return {
        summary:
          unfinished.length > 0
            ? format(_('Finish the interrupted package run: configure {names}'), {
                names: unfinished.slice(0, 3).join(', ') + (unfinished.length > 3 ? ', …' : ''),
              })
            : _('Finish the interrupted package run'),
        details: [
          ...stateLines(state),
          ...(state.pendingJournal > 0
            ? [format(_('dpkg finishes its own run first: {command}'), { command: dpkgConfigure(root).join(' ') })]
            : []),
          _('PackageKit then repairs what apt sees broken (RepairSystem)'),
          _(CANNOT_UNDO),
        ],
        changesNothing: false,
      };
    },
    async run(_params, context, { progress, signal }) {
      const before = await readDpkgState(root);
      if (before && before.pendingJournal > 0) {
        progress(null, _('dpkg finishes the interrupted run'));
        await new UnitManager(context, 'system').runTransient(
          `steward-dpkg-configure-${Date.now()}.service`,
          dpkgConfigure(root),
          ['DEBIAN_FRONTEND=noninteractive'],
          signal,
        );
      }
      await transaction(context, 'RepairSystem', 't', [BigInt(FLAG.onlyTrusted)], {
        authorized: true,
        progress,
        signal,
      });
      const finished = before ? names(before) : [];
      return {
        summary:
          finished.length > 0
            ? format(_('Finished the interrupted package run ({names})'), { names: finished.slice(0, 5).join(', ') })
            : _('Finished the interrupted package run'),
        undo: { impossible: _(CANNOT_UNDO) },
      };
    },
    async verify(): Promise<Verification> {
      const state = await readDpkgState(root);
      if (!needsFinishing(state))
        return { ok: true, observed: _('dpkg’s database is consistent: no package is left half-way') };
      return { ok: false, observed: stateLines(state).join('; ') };
    },
  };
}
