// Installing and removing distribution packages through PackageKit, which
// asks polkit; a simulated transaction shows exactly what would change first.
import { z } from 'zod';
import { StewardError } from '../../dbus/errors.js';
import { formatBytes } from '../../findings/detectors/format.js';
import type { ActionContext, ActionDefinition, Preview, UndoPlan, Verification } from '../action.js';
import { packageName } from '../params.js';
import { FILTER, FLAG, INFO, resolve, transaction, type PackageRef } from './packageKit.js';

const MAX_PACKAGES = 50;
const packagesParams = z.object({ packages: z.array(packageName).min(1).max(MAX_PACKAGES) });
type PackagesParams = z.infer<typeof packagesParams>;

const CHANGE_VERBS: Record<number, string> = {
  [INFO.installing]: 'install',
  [INFO.updating]: 'update',
  [INFO.removing]: 'remove',
  [INFO.obsoleting]: 'replace',
  [INFO.reinstalling]: 'reinstall',
  [INFO.downgrading]: 'downgrade',
};
const REMOVED = new Set<number>([INFO.removing, INFO.obsoleting]);

/** "install vips-doc 8.15.1-1 (fedora)". */
function describe({ name, version, data, info }: PackageRef): string {
  const repository = data && data !== 'installed' ? ` (${data})` : '';
  return `${CHANGE_VERBS[info] ?? 'change'} ${name} ${version}${repository}`;
}

const unique = (names: string[]) => [...new Set(names)];
const list = (names: string[]) =>
  names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
const namesOf = (packages: PackageRef[]) => unique(packages.map(({ name }) => name));

/** The changes a simulated transaction reported, once each. */
function changesIn(packages: PackageRef[]): PackageRef[] {
  const changes = new Map<string, PackageRef>();
  for (const ref of packages) if (ref.info in CHANGE_VERBS) changes.set(ref.id, ref);
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
  if (unknown.length > 0) throw new StewardError('InvalidArgs', `no package named ${unknown.join(', ')}`);
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

function sizeLine(bytes: number | undefined, what: string): string[] {
  return bytes === undefined ? [] : [`${what}: ${formatBytes(bytes)}`];
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
    return { impossible: `it changed ${names.length} packages, more than one action can take back` };
  return { action, params: { packages: names }, summary };
}

const installPackages: ActionDefinition<PackagesParams> = {
  name: 'packages.install',
  title: 'Install packages',
  params: packagesParams,
  risk: 'medium',
  needsAuthorization: true,
  readOnly: false,
  async preview({ packages: names }, context): Promise<Preview> {
    const { installed, missing } = await installPlan(context, names);
    if (missing.length === 0) {
      return {
        summary: `${list(names)} ${names.length === 1 ? 'is' : 'are'} already installed`,
        details: installed.map(({ name, version }) => `${name} ${version} is installed`),
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
      summary: `Install ${list(namesOf(missing))}${others > 0 ? ` and change ${others} other packages` : ''}`,
      details: [...changes.map(describe), ...sizeLine(bytes, 'download')],
      bytes,
      changesNothing: false,
    };
  },
  async run({ packages: names }, context, { progress, signal }) {
    const { missing } = await installPlan(context, names);
    if (missing.length === 0)
      return { summary: `${list(names)} already installed`, undo: { impossible: 'nothing was installed' } };
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
      summary: `Installed ${list(installed)}`,
      undo: undoOf('packages.remove', installed, `Remove ${list(installed)}`),
    };
  },
  async verify({ packages: names }, context): Promise<Verification> {
    const present = new Set(namesOf(await installedOf(context, names)));
    const absent = names.filter((name) => !present.has(name));
    return absent.length === 0
      ? { ok: true, observed: `${list(names)} ${names.length === 1 ? 'is' : 'are'} installed` }
      : { ok: false, observed: `${list(absent)} ${absent.length === 1 ? 'is' : 'are'} not installed` };
  },
};

const removePackages: ActionDefinition<PackagesParams> = {
  name: 'packages.remove',
  title: 'Remove packages',
  params: packagesParams,
  risk: 'high',
  needsAuthorization: true,
  readOnly: false,
  async preview({ packages: names }, context): Promise<Preview> {
    const installed = await removePlan(context, names);
    if (installed.length === 0) {
      return {
        summary: `${list(names)} ${names.length === 1 ? 'is' : 'are'} not installed`,
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
      summary: `Remove ${list(namesOf(installed))}${others > 0 ? ` and ${others} packages that need them` : ''}`,
      details: [...changes.map(describe), ...sizeLine(bytes, 'frees')],
      bytes,
      changesNothing: false,
    };
  },
  async run({ packages: names }, context, { progress, signal }) {
    const installed = await removePlan(context, names);
    if (installed.length === 0)
      return { summary: `${list(names)} not installed`, undo: { impossible: 'nothing was removed' } };
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
      summary: `Removed ${list(removed)}`,
      undo: undoOf('packages.install', removed, `Install ${list(removed)} again (the newest versions)`),
    };
  },
  async verify({ packages: names }, context): Promise<Verification> {
    const present = namesOf(await installedOf(context, names));
    return present.length === 0
      ? { ok: true, observed: `${list(names)} ${names.length === 1 ? 'is' : 'are'} not installed` }
      : { ok: false, observed: `${list(present)} ${present.length === 1 ? 'is' : 'are'} still installed` };
  },
};

export const packageActions = [installPackages, removePackages];
