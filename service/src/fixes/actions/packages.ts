// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Installing and removing distribution packages through PackageKit, which
// asks polkit; a simulated transaction shows exactly what would change first.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, N_, ngettext } from '../../i18n.js';
import type { ActionContext, ActionDefinition, Preview, UndoPlan, Verification } from '../action.js';
import { packageName } from '../params.js';
import { FILTER, FLAG, INFO, type PackageRef, resolve, transaction } from './packageKit.js';

const MAX_PACKAGES = 50;
const packagesParams = z.object({ packages: z.array(packageName).min(1).max(MAX_PACKAGES) });
type PackagesParams = z.infer<typeof packagesParams>;

/** What a change does to `{package}` ("vips-doc 8.15.1-1 (fedora)"), by PackageKit's info. */
function changeTemplate(info: number): string {
  switch (info) {
    case INFO.installing:
      return _('install {package}');
    case INFO.updating:
      return _('update {package}');
    case INFO.removing:
      return _('remove {package}');
    case INFO.obsoleting:
      return _('replace {package}');
    case INFO.reinstalling:
      return _('reinstall {package}');
    case INFO.downgrading:
      return _('downgrade {package}');
    default:
      return _('change {package}');
  }
}
/** The infos of a simulated transaction's packages that say what would change. */
const CHANGES = new Set<number>([
  INFO.installing,
  INFO.updating,
  INFO.removing,
  INFO.obsoleting,
  INFO.reinstalling,
  INFO.downgrading,
]);
const REMOVED = new Set<number>([INFO.removing, INFO.obsoleting]);

/** "install vips-doc 8.15.1-1 (fedora)". */
function describe({ name, version, data, info }: PackageRef): string {
  const repository = data && data !== 'installed' ? ` (${data})` : '';
  return format(changeTemplate(info), { package: `${name} ${version}${repository}` });
}

const unique = (names: string[]) => [...new Set(names)];
const list = (names: string[]) =>
  names.length <= 3
    ? names.join(', ')
    : format(ngettext('{names} and {count} more', '{names} and {count} more', names.length - 3), {
        names: names.slice(0, 3).join(', '),
        count: names.length - 3,
      });
/** `template` with the listed names in `{names}`. */
const aboutNames = (names: string[], template: string) => format(template, { names: list(names) });
const namesOf = (packages: PackageRef[]) => unique(packages.map(({ name }) => name));

/** The changes a simulated transaction reported, once each. */
function changesIn(packages: PackageRef[]): PackageRef[] {
  const changes = new Map<string, PackageRef>();
  for (const ref of packages) if (CHANGES.has(ref.info)) changes.set(ref.id, ref);
  return [...changes.values()];
}

/** The installed packages by these names. */
const installedOf = (context: ActionContext, names: string[]) => resolve(context, names, FILTER.installed);

/** The newest installable package for each name; InvalidArgs for a name PackageKit does not know at all. */
async function candidatesOf(context: ActionContext, names: string[]): Promise<PackageRef[]> {
  if (names.length === 0) return [];
  const found = new Map<string, PackageRef>();
  for (const ref of await resolve(context, names, FILTER.notInstalled | FILTER.newest | FILTER.arch)) {
    if (!found.has(ref.name)) found.set(ref.name, ref);
  }
  const unknown = names.filter((name) => !found.has(name));
  if (unknown.length > 0)
    throw new StewardError('InvalidArgs', format(_('no package named {names}'), { names: unknown.join(', ') }));
  return [...found.values()];
}

/** What installing `names` starts from: those already installed, and the packages to install for the rest. */
async function installPlan(context: ActionContext, names: string[]) {
  const installed = await installedOf(context, names);
  const present = new Set(namesOf(installed));
  return {
    installed,
    missing: await candidatesOf(
      context,
      names.filter((name) => !present.has(name)),
    ),
  };
}

/** What removing `names` starts from: the installed packages (after checking that the rest exist at all). */
async function removePlan(context: ActionContext, names: string[]): Promise<PackageRef[]> {
  const installed = await installedOf(context, names);
  const present = new Set(namesOf(installed));
  await candidatesOf(
    context,
    names.filter((name) => !present.has(name)),
  );
  return installed;
}

/**
 * Bytes to download (installs) or freed (removals), from GetDetails; undefined
 * when PackageKit reports no sizes. Only a figure for the preview, so a backend
 * that cannot tell does not stop it.
 */
async function sizeOf(context: ActionContext, changes: PackageRef[], key: 'download-size' | 'size') {
  try {
    const ids = changes.map(({ id }) => id);
    const { details } = await transaction(context, 'GetDetails', 'as', [ids]);
    const sizes = ids
      .map((id) => details.get(id))
      .map((data) => (data?.[key] ?? data?.size)?.value as bigint | undefined);
    const known = sizes.filter((size) => size !== undefined);
    return known.length > 0 ? Number(known.reduce((sum, size) => sum + size, 0n)) : undefined;
  } catch (error) {
    context.log.debug('PackageKit reported no package sizes', { error: String(error) });
    return undefined;
  }
}

/** `template` is "download: {size}" or "frees: {size}". */
function sizeLine(bytes: number | undefined, template: string): string[] {
  return bytes === undefined ? [] : [format(template, { size: formatBytes(bytes) })];
}

async function simulate(
  context: ActionContext,
  method: 'InstallPackages' | 'RemovePackages',
  packages: PackageRef[],
): Promise<PackageRef[]> {
  const flags = BigInt(FLAG.onlyTrusted | FLAG.simulate);
  const ids = packages.map(({ id }) => id);
  const body = method === 'InstallPackages' ? [flags, ids] : [flags, ids, true, false];
  const { packages: reported } = await transaction(
    context,
    method,
    method === 'InstallPackages' ? 'tas' : 'tasbb',
    body,
  );
  return changesIn(reported);
}

function undoOf(action: string, names: string[], summary: string): UndoPlan {
  if (names.length > MAX_PACKAGES)
    return {
      impossible: format(_('it changed {count} packages, more than one action can take back'), {
        count: names.length,
      }),
    };
  return { action, params: { packages: names }, summary };
}

const installPackages: ActionDefinition<PackagesParams> = {
  name: 'packages.install',
  title: N_('Install packages'),
  params: packagesParams,
  risk: 'medium',
  needsAuthorization: true,
  readOnly: false,
  changes: 'packages',
  async preview({ packages: names }, context): Promise<Preview> {
    const { installed, missing } = await installPlan(context, names);
    if (missing.length === 0) {
      return {
        summary: aboutNames(
          names,
          ngettext('{names} is already installed', '{names} are already installed', names.length),
        ),
        details: installed.map(({ name, version }) =>
          format(_('{package} {version} is installed'), { package: name, version }),
        ),
        changesNothing: true,
      };
    }
    const changes = await simulate(context, 'InstallPackages', missing);
    const others = namesOf(changes).filter((name) => !names.includes(name)).length;
    const bytes = await sizeOf(
      context,
      changes.filter(({ info }) => !REMOVED.has(info)),
      'download-size',
    );
    return {
      summary:
        others > 0
          ? format(
              ngettext(
                'Install {names} and change {count} other package',
                'Install {names} and change {count} other packages',
                others,
              ),
              { names: list(namesOf(missing)), count: others },
            )
          : format(_('Install {names}'), { names: list(namesOf(missing)) }),
      details: [...changes.map(describe), ...sizeLine(bytes, _('download: {size}'))],
      bytes,
      changesNothing: false,
    };
  },
  async run({ packages: names }, context, { progress, signal }) {
    const { missing } = await installPlan(context, names);
    if (missing.length === 0)
      return {
        summary: format(_('{names} already installed'), { names: list(names) }),
        undo: { impossible: _('nothing was installed') },
      };
    const { packages } = await transaction(
      context,
      'InstallPackages',
      'tas',
      [BigInt(FLAG.onlyTrusted), missing.map(({ id }) => id)],
      { authorized: true, progress, signal },
    );
    // Dependencies it pulled in are reported as they are installed.
    const installed = unique([
      ...namesOf(missing),
      ...namesOf(packages.filter(({ info }) => info === INFO.installing)),
    ]);
    return {
      summary: format(_('Installed {names}'), { names: list(installed) }),
      undo: undoOf('packages.remove', installed, format(_('Remove {names}'), { names: list(installed) })),
    };
  },
  async verify({ packages: names }, context): Promise<Verification> {
    const present = new Set(namesOf(await installedOf(context, names)));
    const absent = names.filter((name) => !present.has(name));
    return absent.length === 0
      ? {
          ok: true,
          observed: aboutNames(names, ngettext('{names} is installed', '{names} are installed', names.length)),
        }
      : {
          ok: false,
          observed: aboutNames(
            absent,
            ngettext('{names} is not installed', '{names} are not installed', absent.length),
          ),
        };
  },
};

const removePackages: ActionDefinition<PackagesParams> = {
  name: 'packages.remove',
  title: N_('Remove packages'),
  params: packagesParams,
  risk: 'high',
  needsAuthorization: true,
  readOnly: false,
  changes: 'packages',
  async preview({ packages: names }, context): Promise<Preview> {
    const installed = await removePlan(context, names);
    if (installed.length === 0) {
      return {
        summary: aboutNames(names, ngettext('{names} is not installed', '{names} are not installed', names.length)),
        details: [],
        changesNothing: true,
      };
    }
    const changes = await simulate(context, 'RemovePackages', installed);
    const others = namesOf(changes).filter((name) => !names.includes(name)).length;
    const bytes = await sizeOf(
      context,
      changes.filter(({ info }) => REMOVED.has(info)),
      'size',
    );
    return {
      summary:
        others > 0
          ? format(
              ngettext(
                'Remove {names} and {count} package that needs them',
                'Remove {names} and {count} packages that need them',
                others,
              ),
              { names: list(namesOf(installed)), count: others },
            )
          : format(_('Remove {names}'), { names: list(namesOf(installed)) }),
      details: [...changes.map(describe), ...sizeLine(bytes, _('frees: {size}'))],
      bytes,
      changesNothing: false,
    };
  },
  async run({ packages: names }, context, { progress, signal }) {
    const installed = await removePlan(context, names);
    if (installed.length === 0)
      return {
        summary: format(_('{names} not installed'), { names: list(names) }),
        undo: { impossible: _('nothing was removed') },
      };
    const { packages } = await transaction(
      context,
      'RemovePackages',
      'tasbb',
      // Packages that need these go too (the preview lists them); nothing else is autoremoved.
      [BigInt(FLAG.onlyTrusted), installed.map(({ id }) => id), true, false],
      { authorized: true, progress, signal },
    );
    const removed = unique([...namesOf(installed), ...namesOf(packages.filter(({ info }) => info === INFO.removing))]);
    return {
      summary: format(_('Removed {names}'), { names: list(removed) }),
      undo: undoOf(
        'packages.install',
        removed,
        format(_('Install {names} again (the newest versions)'), { names: list(removed) }),
      ),
    };
  },
  async verify({ packages: names }, context): Promise<Verification> {
    const present = namesOf(await installedOf(context, names));
    return present.length === 0
      ? {
          ok: true,
          observed: aboutNames(names, ngettext('{names} is not installed', '{names} are not installed', names.length)),
        }
      : {
          ok: false,
          observed: aboutNames(
            present,
            ngettext('{names} is still installed', '{names} are still installed', present.length),
          ),
        };
  },
};

export const packageActions = [installPackages, removePackages];
