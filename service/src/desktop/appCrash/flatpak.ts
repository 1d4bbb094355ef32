// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which Flatpak app crashed, and what of it is deployed, read from Flatpak's
// own installation folders: app/<ID>/current names "<arch>/<branch>", that
// branch's "active" names the deployed commit, whose metadata names the runtime
// and whose metainfo names the release. Whether a newer commit waits on the
// remote is not known offline: the report says only what is on disk.
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import { cleanLine } from '../../untrustedText.js';

// Flatpak starts each app in a transient scope "app-flatpak-<APPID>-<n>.scope" (flatpak-run.c); an app ID is
// reverse-DNS with letters, digits, '_' and '-' in its elements, and the scope's own number ends it.
const FLATPAK_SCOPE = /(?:^|\/)app-flatpak-([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)-\d+\.scope$/;
const APP_ID = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/;
const ARCH_BRANCH = /^([\w-]+)\/([\w.-]+)$/;
const COMMIT = /^[0-9a-f]{64}$/;

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

async function deploymentIn(appId: string, installation: FlatpakInstallation): Promise<FlatpakDeployment | null> {
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
  return {
    appId,
    installation,
    arch,
    branch,
    commit,
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
