// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// packages.update: installs the update PackageKit offers for one package, and
// only that one, through PackageKit (which asks polkit). What a crashed
// program's report needs to say whether a fix may already be waiting comes
// from here too: the installed package owning a file, and its waiting update.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { _, format, N_ } from '../../i18n.js';
import type { ActionDefinition, Preview, Verification } from '../action.js';
import { packageName } from '../params.js';
import { FILTER, FLAG, type PackageKitContext, type PackageRef, resolve, transaction } from './packageKit.js';

/** PkFilterEnum "none": GetUpdates with no filter. */
const NO_FILTER = 2 ** 1;
/** PkInfoEnum "blocked": an update GetUpdates lists that cannot be installed now. */
const BLOCKED = 9;

const updateParams = z.object({ name: packageName });
type UpdateParams = z.infer<typeof updateParams>;

export interface WaitingUpdate {
  name: string;
  /** The installed version. */
  from: string;
  /** The version the update brings. */
  to: string;
  /** The update's package id, what UpdatePackages takes. */
  id: string;
}

/** The installed package that owns the file at `path` (PackageKit's SearchFiles), or null where none does. */
export async function installedOwnerOf(context: PackageKitContext, path: string): Promise<PackageRef | null> {
  const { packages } = await transaction(context, 'SearchFiles', 'tas', [BigInt(FILTER.installed), [path]]);
  return packages[0] ?? null;
}

/** The update PackageKit's GetUpdates lists for `name`, with the installed version it replaces; null for none. */
export async function waitingUpdateOf(context: PackageKitContext, name: string): Promise<WaitingUpdate | null> {
  const { packages } = await transaction(context, 'GetUpdates', 't', [BigInt(NO_FILTER)]);
  const update = packages.find((ref) => ref.name === name && ref.info !== BLOCKED);
  if (!update) return null;
  const [installed] = await resolve(context, [name], FILTER.installed);
  return { name, from: installed?.version ?? '', to: update.version, id: update.id };
}

/** "gnome-calculator 46.0-1 → 46.1-1". */
export const describeUpdate = ({ name, from, to }: WaitingUpdate) =>
  format(_('{package} {from} → {to}'), { package: name, from: from || _('(version not known)'), to });

async function requireUpdate(context: PackageKitContext, name: string): Promise<WaitingUpdate> {
  const update = await waitingUpdateOf(context, name);
  if (!update) {
    const [installed] = await resolve(context, [name], FILTER.installed);
    throw new StewardError(
      'NotFound',
      installed
        ? format(_('PackageKit offers no update for {package} {version}'), {
            package: name,
            version: installed.version,
          })
        : format(_('{package} is not installed'), { package: name }),
    );
  }
  return update;
}

export const packageUpdateAction: ActionDefinition<UpdateParams> = {
  name: 'packages.update',
  title: N_('Update a package'),
  params: updateParams,
  risk: 'medium',
  needsAuthorization: true,
  readOnly: false,
  changes: 'packages',
  async preview({ name }, context): Promise<Preview> {
    const update = await requireUpdate(context, name);
    return {
      summary: format(_('Update {package} from {from} to {to}'), {
        package: name,
        from: update.from || _('(version not known)'),
        to: update.to,
      }),
      details: [
        format(_('update {update}'), { update: describeUpdate(update) }),
        _('Only this package is updated, from a trusted repository; other waiting updates are left for later.'),
      ],
      changesNothing: false,
    };
  },
  async run({ name }, context, { progress, signal }) {
    const update = await requireUpdate(context, name);
    await transaction(context, 'UpdatePackages', 'tas', [BigInt(FLAG.onlyTrusted), [update.id]], {
      authorized: true,
      progress,
      signal,
    });
    return {
      summary: format(_('Updated {update}'), { update: describeUpdate(update) }),
      // The old version is rarely still offered by the repository; where it is, the person can install it back.
      undo: {
        impossible: format(
          _(
            'PackageKit cannot go back to {package} {from}: the repository usually no longer offers it; ' +
              'where it still does, the package manager can install that version again',
          ),
          { package: name, from: update.from || _('(version not known)') },
        ),
      },
    };
  },
  async verify({ name }, context): Promise<Verification> {
    const [installed] = await resolve(context, [name], FILTER.installed);
    if (!installed) return { ok: false, observed: format(_('{package} is not installed'), { package: name }) };
    const still = await waitingUpdateOf(context, name);
    return still
      ? {
          ok: false,
          observed: format(_('{package} {version} is installed; the update to {to} is still waiting'), {
            package: name,
            version: installed.version,
            to: still.to,
          }),
        }
      : {
          ok: true,
          observed: format(_('{package} {version} is installed, and no update for it is waiting'), {
            package: name,
            version: installed.version,
          }),
        };
  },
};
