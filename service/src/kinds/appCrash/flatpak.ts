// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which Flatpak app crashed, and what of it is deployed, read from Flatpak's
// own installation folders: app/<ID>/current names "<arch>/<branch>", that
// branch's "active" names the deployed commit, whose metadata names the runtime
// and whose metainfo names the release. An update waits where the installation's
// repo holds a newer commit of the app's ref from its remote (repo/refs/remotes/
// <origin>/app/<ID>/<arch>/<branch>) than the deployed one: what a fetch left
// there (GNOME Software's background download, `flatpak update --no-deploy`).
// What the remote got since the last fetch is not known offline.
import { access, open, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import { cleanLine } from '../../untrustedText.js';

// Flatpak starts each app in a transient scope "app-flatpak-<APPID>-<n>.scope" (flatpak-run.c); an app ID is
// reverse-DNS with letters, digits, '_' and '-' in its elements, and the scope's own number ends it.
const FLATPAK_SCOPE = /(?:^|\/)app-flatpak-([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)-\d+\.scope$/;
const APP_ID = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/;
const ARCH_BRANCH = /^([\w-]+)\/([\w.-]+)$/;
const COMMIT = /^[0-9a-f]{64}$/;
// A remote's name as `flatpak remote-add` accepts it (flatpak_dir_add_remote: no '/', not empty, no leading '.').
const REMOTE = /^[A-Za-z0-9_][\w.-]*$/;

/** A Flatpak app ID (reverse-DNS, at least two elements, at most 255 characters as flatpak_is_valid_name). */
export const isFlatpakAppId = (appId: string) => appId.length <= 255 && APP_ID.test(appId);

/** The app ID in systemd-coredump's COREDUMP_CGROUP, or null for a process outside a Flatpak app's scope. */
export function flatpakAppOf(cgroup: string | undefined): string | null {
  return cgroup?.match(FLATPAK_SCOPE)?.[1] ?? null;
}

export interface FlatpakInstallation {
  /** 'user' (~/.local/share/flatpak) or 'system' (/var/lib/flatpak). */
  kind: 'user' | 'system';
  path: string;
}

export interface FlatpakDeployment {
  appId: string;
  installation: FlatpakInstallation;
  arch: string;
  branch: string;
  /** The deployed OSTree commit. */
  commit: string;
  /** The remote it was installed from (the deployment's origin), where its deploy data names one. */
  origin?: string;
  /** "org.gnome.Platform/x86_64/46", from the deployment's metadata. */
  runtime?: string;
  /** The newest release its metainfo lists (untrusted text, cleaned). */
  version?: string;
}

/** The installations Flatpak itself looks in, the user's first, as it does. */
export function flatpakInstallations(dataHome: string, systemPath = '/var/lib/flatpak'): FlatpakInstallation[] {
  return [
    { kind: 'user', path: join(dataHome, 'flatpak') },
    { kind: 'system', path: systemPath },
  ];
}

const readLink = (path: string) => readlink(path).catch(() => null);
const readText = (path: string) => readFile(path, 'utf8').catch(() => null);

/** The `key` of `[group]` in a GLib key file. */
function keyFileValue(text: string, group: string, key: string): string | undefined {
  let inGroup = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) inGroup = trimmed === `[${group}]`;
    else if (inGroup && trimmed.startsWith(`${key}=`)) return trimmed.slice(key.length + 1);
  }
  return undefined;
}

/** The first `<release version="…">` of AppStream metainfo: releases are listed newest first. */
function metainfoVersion(xml: string): string | undefined {
  return xml.match(/<release\b[^>]*\bversion\s*=\s*["']([^"']+)["']/)?.[1];
}

/**
 * The origin remote in a deployment's "deploy" file: a GVariant "(ssasta{sv})" whose first member, the origin, is
 * a NUL-terminated string at offset 0 (flatpak-dir.c, flatpak_dir_get_deploy_data). Null where it is not one.
 */
async function deployOrigin(deployed: string): Promise<string | null> {
  const file = await open(join(deployed, 'deploy')).catch(() => null);
  if (!file) return null;
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(256), position: 0 });
    const end = buffer.subarray(0, bytesRead).indexOf(0);
    const origin = end > 0 ? buffer.subarray(0, end).toString('utf8') : '';
    return REMOTE.test(origin) ? origin : null;
  } finally {
    await file.close();
  }
}

/** The app's deployment in this installation, or null where it has none. */
export async function deploymentIn(
  appId: string,
  installation: FlatpakInstallation,
): Promise<FlatpakDeployment | null> {
  if (!isFlatpakAppId(appId)) return null;
  const app = join(installation.path, 'app', appId);
  const [, arch, branch] = (await readLink(join(app, 'current')))?.match(ARCH_BRANCH) ?? [];
  if (!arch || !branch) return null;
  const commit = await readLink(join(app, arch, branch, 'active'));
  if (!commit || !COMMIT.test(commit)) return null;
  const deployed = join(app, arch, branch, commit);
  const metadata = await readText(join(deployed, 'metadata'));
  const runtime = metadata ? keyFileValue(metadata, 'Application', 'runtime') : undefined;
  const metainfo =
    (await readText(join(deployed, 'files/share/metainfo', `${appId}.metainfo.xml`))) ??
    (await readText(join(deployed, 'files/share/appdata', `${appId}.appdata.xml`)));
  const version = metainfo ? metainfoVersion(metainfo) : undefined;
  const origin = await deployOrigin(deployed);
  return {
    appId,
    installation,
    arch,
    branch,
    commit,
    ...(origin && { origin }),
    ...(runtime && { runtime: cleanLine(runtime, 200) }),
    ...(version && { version: cleanLine(version, 100) }),
  };
}

/** The app's deployment in the first installation that has it, or null where none does. */
export async function flatpakDeployment(
  appId: string,
  installations: FlatpakInstallation[],
): Promise<FlatpakDeployment | null> {
  if (!APP_ID.test(appId)) return null;
  for (const installation of installations) {
    const found = await deploymentIn(appId, installation);
    if (found) return found;
  }
  return null;
}

/** "app/org.gnome.Calculator/x86_64/stable": the ref Flatpak's commands take. */
export const flatpakRef = ({ appId, arch, branch }: FlatpakDeployment) => `app/${appId}/${arch}/${branch}`;

export interface FlatpakUpdate {
  remote: string;
  /** The commit of the app's ref the installation last fetched from its remote, newer than the deployed one. */
  commit: string;
}

/** The commit of the deployment's ref its installation last fetched from its origin remote; null where unknown. */
export async function remoteCommitOf(deployment: FlatpakDeployment): Promise<string | null> {
  if (!deployment.origin) return null;
  const repo = join(deployment.installation.path, 'repo');
  const commit = (await readText(join(repo, 'refs/remotes', deployment.origin, flatpakRef(deployment))))?.trim();
  return commit && COMMIT.test(commit) ? commit : null;
}

/**
 * The commit waiting for the deployment: its remote's ref in the installation's own repo, where it differs from the
 * deployed commit and that commit was fetched (its object is in the repo). Null where none waits, as far as the
 * last fetch knows.
 */
export async function flatpakUpdateOf(deployment: FlatpakDeployment): Promise<FlatpakUpdate | null> {
  const commit = await remoteCommitOf(deployment);
  if (!deployment.origin || !commit || commit === deployment.commit) return null;
  const objects = join(deployment.installation.path, 'repo/objects');
  const fetched = await access(join(objects, commit.slice(0, 2), `${commit.slice(2)}.commit`)).then(
    () => true,
    () => false,
  );
  return fetched ? { remote: deployment.origin, commit } : null;
}
