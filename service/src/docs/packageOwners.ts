// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which package installed a file, from the package manager's own lists: dpkg's info/NAME.list and pacman's
// local/NAME-VERSION-REL/files are plain text, read directly (one dpkg -S per page would spawn thousands of
// processes). rpm keeps its lists in a binary database and Nix in store paths: their pages have no package.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const DPKG_INFO = /\/var\/lib\/dpkg\/info$/;
/**
 * The files the index asks about: pages, help pages (not their figures), manuals, READMEs, commands and units.
 * A desktop's lists name a few hundred thousand files (libraries, icons, translations), kept out of the
 * service's memory.
 */
const ASKED_ABOUT = /\/(?:share\/(?:man|info|doc)|s?bin|systemd)\/|\/share\/help\/.+\.page$/;
const PACMAN_LOCAL = /\/var\/lib\/pacman\/local$/;

/**
 * The root a database's paths are relative to: "" for /var/lib/dpkg/info, "/srv/root" for
 * /srv/root/var/lib/dpkg/info (a test's or the benchmark's tree, whose lists name the files as installed).
 */
const rootOf = (database: string, pattern: RegExp) => database.replace(pattern, '');

async function dpkgOwners(database: string, owners: Map<string, string>): Promise<void> {
  const root = rootOf(database, DPKG_INFO);
  const names = (await readdir(database).catch(() => [])).filter((name) => name.endsWith('.list'));
  for (const name of names.sort()) {
    // Multi-arch packages list as NAME:ARCH.list.
    const pkg = name.slice(0, -'.list'.length).split(':')[0] ?? '';
    const text = await readFile(join(database, name), 'utf8').catch(() => '');
    for (const path of text.split('\n'))
      if (path.startsWith('/') && ASKED_ABOUT.test(path)) owners.set(`${root}${path}`, pkg);
  }
}

async function pacmanOwners(database: string, owners: Map<string, string>): Promise<void> {
  const root = rootOf(database, PACMAN_LOCAL);
  for (const entry of (await readdir(database).catch(() => [])).sort()) {
    // NAME-VERSION-RELEASE: the name may hold dashes, the version and the release do not.
    const pkg = entry.split('-').slice(0, -2).join('-');
    if (pkg === '') continue;
    const text = await readFile(join(database, entry, 'files'), 'utf8').catch(() => '');
    const files = text.split('%FILES%\n')[1]?.split('\n\n')[0] ?? '';
    for (const path of files.split('\n'))
      if (path !== '' && !path.endsWith('/') && ASKED_ABOUT.test(`/${path}`)) owners.set(`${root}/${path}`, pkg);
  }
}

/**
 * Each listed page's, manual's, command's and unit's package, by the file's path, from the package databases
 * that are dpkg's or pacman's.
 */
export async function readPackageOwners(databases: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const database of databases) {
    const path = database.replace(/\/+$/, '');
    if (DPKG_INFO.test(path)) await dpkgOwners(path, owners);
    else if (PACMAN_LOCAL.test(path)) await pacmanOwners(path, owners);
  }
  return owners;
}

/** The file's package: by its path, or by its folder's real path where a merged /usr lists it as /bin. */
export function ownerOf(owners: ReadonlyMap<string, string>, path: string): string | null {
  const own = owners.get(path);
  if (own !== undefined) return own;
  const folder = dirname(path);
  // Debian's lists still name /bin, /sbin and /lib where the files now live under /usr (and the other way).
  const moved = folder.replace(/\/usr\/(s?bin|lib)(?=\/|$)/, '/$1');
  const other = moved === folder ? folder.replace(/\/(s?bin|lib)(?=\/|$)/, '/usr/$1') : moved;
  return owners.get(join(other, basename(path))) ?? null;
}
