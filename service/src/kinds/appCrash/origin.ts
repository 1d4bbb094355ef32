// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Where the crashed program comes from, for the crash report: the Flatpak app
// and its deployment, or the distribution package that owns the executable and
// whether PackageKit has an update for it waiting. Each part says what it could
// not learn rather than failing the report.
import type { PackageKitContext } from '../../fixes/actions/packageKit.js';
import {
  describeUpdate,
  installedOwnerOf,
  type WaitingUpdate,
  waitingUpdateOf,
} from '../../fixes/actions/packageUpdate.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import {
  flatpakAppOf,
  type FlatpakDeployment,
  flatpakDeployment,
  flatpakInstallations,
  type FlatpakUpdate,
  flatpakUpdateOf,
} from './flatpak.js';

/** The COREDUMP_* fields the origin is read from (systemd-coredump's own, as text). */
export interface CrashFields {
  COREDUMP_CGROUP?: string;
  COREDUMP_EXE?: string;
  COREDUMP_PACKAGE_NAME?: string;
  COREDUMP_PACKAGE_VERSION?: string;
}

export interface OriginOptions {
  /** Where the user's data lives (~/.local/share): the user's Flatpak installation is under it. */
  dataHome: string;
  /** The system's Flatpak installation, /var/lib/flatpak unless a test places it. */
  systemFlatpak?: string;
}

// Inside a Flatpak sandbox the app's own files are under /app; the runtime's under /usr are not the host's.
const isSandboxPath = (exe: string) => exe === '/app' || exe.startsWith('/app/');

/** The package a crashed program belongs to and its waiting update, for the playbook; null where unknown. */
export async function crashedPackage(
  context: PackageKitContext,
  fields: CrashFields,
): Promise<{ name: string; update: WaitingUpdate | null } | null> {
  if (flatpakAppOf(fields.COREDUMP_CGROUP)) return null;
  const exe = fields.COREDUMP_EXE;
  const named = fields.COREDUMP_PACKAGE_NAME;
  const name = named ?? (exe && !isSandboxPath(exe) ? (await installedOwnerOf(context, exe))?.name : undefined);
  if (!name) return null;
  return { name, update: await waitingUpdateOf(context, name) };
}

const installationsOf = (options: OriginOptions) =>
  flatpakInstallations(options.dataHome, options.systemFlatpak ?? '/var/lib/flatpak');

/**
 * The Flatpak app a crashed program belongs to, its deployment and the update its installation has waiting, for
 * the playbook; null for a program outside a Flatpak app's scope or an app no installation holds.
 */
export async function crashedFlatpak(
  fields: CrashFields,
  options: OriginOptions,
): Promise<{ deployment: FlatpakDeployment; update: FlatpakUpdate | null } | null> {
  const appId = flatpakAppOf(fields.COREDUMP_CGROUP);
  const deployment = appId ? await flatpakDeployment(appId, installationsOf(options)) : null;
  return deployment && { deployment, update: await flatpakUpdateOf(deployment) };
}

async function flatpakLines(appId: string, options: OriginOptions): Promise<string[]> {
  const app = cleanLine(appId, 200);
  const deployment = await flatpakDeployment(appId, installationsOf(options));
  if (!deployment)
    return [format(_('Flatpak app: {app} (no installation here holds it; it may have been removed)'), { app })];
  const where =
    deployment.installation.kind === 'user'
      ? format(_('user installation, {path}'), { path: deployment.installation.path })
      : format(_('system installation, {path}'), { path: deployment.installation.path });
  const update = await flatpakUpdateOf(deployment);
  return [
    format(_('Flatpak app: {app} ({where})'), { app, where }),
    format(_('Branch: {branch} ({arch})'), { branch: deployment.branch, arch: deployment.arch }),
    ...(deployment.version ? [format(_('Version: {version}'), { version: deployment.version })] : []),
    format(_('Deployed commit: {commit}'), { commit: deployment.commit }),
    ...(deployment.runtime ? [format(_('Runtime: {runtime}'), { runtime: deployment.runtime })] : []),
    update
      ? format(_('Update waiting: commit {commit}, fetched from {remote}'), {
          commit: update.commit,
          remote: update.remote,
        })
      : _('No update for it is waiting, as of the last fetch from its remote (Software or “flatpak update” fetch)'),
  ];
}

async function packageLines(context: PackageKitContext, fields: CrashFields): Promise<string[]> {
  const exe = fields.COREDUMP_EXE;
  if (!fields.COREDUMP_PACKAGE_NAME && (!exe || isSandboxPath(exe))) return [];
  try {
    const owner = fields.COREDUMP_PACKAGE_NAME
      ? null
      : await installedOwnerOf(context, exe ?? '').then((ref) => ref && { name: ref.name, version: ref.version });
    const name = fields.COREDUMP_PACKAGE_NAME ?? owner?.name;
    if (!name) return [format(_('No installed package owns {path}'), { path: cleanLine(exe ?? '', 300) })];
    const update = await waitingUpdateOf(context, name);
    return [
      ...(owner
        ? [
            format(_('Package (PackageKit): {package} {version}'), {
              package: cleanLine(name, 128),
              version: cleanLine(owner.version, 100),
            }),
          ]
        : []),
      update
        ? format(_('Update waiting: {update}'), { update: cleanLine(describeUpdate(update), 300) })
        : format(_('No update for {package} is waiting'), { package: cleanLine(name, 128) }),
    ];
  } catch (error) {
    return [
      format(_('PackageKit is not available ({reason}): whether an update is waiting is not known'), {
        reason: cleanLine(error instanceof Error ? error.message : String(error), 200),
      }),
    ];
  }
}

/** The report's lines on where the crashed program comes from. */
export async function originLines(
  context: PackageKitContext,
  fields: CrashFields,
  options: OriginOptions,
): Promise<string[]> {
  const appId = flatpakAppOf(fields.COREDUMP_CGROUP);
  if (appId) return flatpakLines(appId, options);
  // A sandboxed path without the app's scope: a Flatpak app, but which one the record does not say.
  if (fields.COREDUMP_EXE && isSandboxPath(fields.COREDUMP_EXE) && !fields.COREDUMP_PACKAGE_NAME)
    return [_('A Flatpak app (its program is under /app), but the record does not name which one')];
  return packageLines(context, fields);
}
