// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which of a list of program paths the distribution installed: a regular file owned by root that no one else may
// replace (it and every folder above it root's, not writable by others but where the sticky bit keeps others from
// renaming what is not theirs), listed by the package manager's own database (dpkg-query, rpm, pacman), or linked
// from NixOS's system profile (/run/current-system, which only root switches). journald's `_EXE` is the path
// /proc/PID/exe gives, which never passes through a symbolic link: a path that does is not one `_EXE` can hold.
import { execFile } from 'node:child_process';
import { access, lstat, readlink } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import { promisify } from 'node:util';

import { ownersIn } from './packageOwner.js';

const execFileAsync = promisify(execFile);

/** Runs a package manager's query: its standard output, or '' where it failed or is not installed. */
export type Query = (program: string, args: string[]) => Promise<string>;

const runQuery: Query = (program, args) =>
  execFileAsync(program, args, { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }).then(
    ({ stdout }) => stdout,
    // dpkg-query exits 1 when some path has no package, and still prints those that do.
    (error: { stdout?: unknown }) => (typeof error.stdout === 'string' ? error.stdout : ''),
  );

export interface InstalledOptions {
  /** The machine's "/", a stand-in root in tests. */
  root: string;
  /** Runs the package managers (tests give one that answers as they would). */
  query?: Query;
}

/** A program the distribution installed: its path as journald's `_EXE` holds it, and the package (or profile) it came from. */
export interface InstalledProgram {
  path: string;
  from: string;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Whether `path` (under `root`) is a regular file that only root may change, reached through no symbolic link. */
export async function rootOwned(root: string, path: string): Promise<boolean> {
  const file = await lstat(join(root, path)).catch(() => null);
  if (!file?.isFile() || file.uid !== 0 || (file.mode & 0o022) !== 0) return false;
  for (let folder = posix.dirname(path); ; folder = posix.dirname(folder)) {
    const stats = await lstat(join(root, folder)).catch(() => null);
    const othersMayWrite = stats !== null && (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0;
    if (!stats?.isDirectory() || stats.uid !== 0 || othersMayWrite) return false;
    if (folder === '/') return true;
  }
}

// usr-merged systems link /bin, /sbin and /lib* to their /usr folders; dpkg lists a file under the name its package
// shipped it with, which may be either.
const MERGED = /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\//;

async function unmergedAlias(root: string, path: string): Promise<string | null> {
  const folder = MERGED.exec(path)?.[1];
  if (!folder) return null;
  const target = await readlink(join(root, folder)).catch(() => null);
  return target === `usr/${folder}` || target === `/usr/${folder}` ? path.slice('/usr'.length) : null;
}

/** The paths dpkg's database lists, with their package. */
async function fromDpkg(root: string, paths: readonly string[], query: Query): Promise<InstalledProgram[]> {
  const admindir = join(root, 'var', 'lib', 'dpkg');
  if (!(await exists(join(admindir, 'status')))) return [];
  const names = await Promise.all(paths.map(async (path) => [path, await unmergedAlias(root, path)] as const));
  const asked = names.flatMap(([path, alias]) => (alias ? [path, alias] : [path]));
  const output = await query('dpkg-query', [`--admindir=${admindir}`, '--search', '--', ...asked]);
  return names.flatMap(([path, alias]) => {
    const [owner] = [path, alias].flatMap((name) => (name ? ownersIn(output, name) : []));
    return owner ? [{ path, from: owner }] : [];
  });
}

/** The paths rpm's database lists (Fedora, openSUSE), one query each: rpm names unowned files on its output too. */
async function fromRpm(root: string, paths: readonly string[], query: Query): Promise<InstalledProgram[]> {
  const databases = [join(root, 'var', 'lib', 'rpm'), join(root, 'usr', 'lib', 'sysimage', 'rpm')];
  if (!(await Promise.all(databases.map(exists))).some(Boolean)) return [];
  const found = await Promise.all(
    paths.map(async (path) => {
      const output = await query('rpm', [
        '--root',
        root,
        '--query',
        '--file',
        '--queryformat',
        '%{NAME}\\n',
        '--',
        path,
      ]);
      const name = output.trim();
      return /^[\w.+-]+$/.test(name) ? [{ path, from: name }] : [];
    }),
  );
  return found.flat();
}

/** The paths pacman's database lists (Arch). */
async function fromPacman(root: string, paths: readonly string[], query: Query): Promise<InstalledProgram[]> {
  const dbpath = join(root, 'var', 'lib', 'pacman');
  if (!(await exists(join(dbpath, 'local')))) return [];
  const found = await Promise.all(
    paths.map(async (path) => {
      const output = await query('pacman', ['--root', root, '--dbpath', dbpath, '--query', '--quiet', '--owns', path]);
      const name = output.trim();
      return /^[\w.+@-]+$/.test(name) ? [{ path, from: name }] : [];
    }),
  );
  return found.flat();
}

/** Of `paths`, those the distribution's package manager installed, each with its package. */
export async function packagedPrograms(
  paths: readonly string[],
  { root, query = runQuery }: InstalledOptions,
): Promise<InstalledProgram[]> {
  const owned = (await Promise.all(paths.map(async (path) => ((await rootOwned(root, path)) ? [path] : [])))).flat();
  if (owned.length === 0) return [];
  const found = await Promise.all([
    fromDpkg(root, owned, query),
    fromRpm(root, owned, query),
    fromPacman(root, owned, query),
  ]);
  const byPath = new Map(found.flat().map((program) => [program.path, program]));
  return [...byPath.values()];
}

/** The longest chain of links followed: the kernel's own limit (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** `path` with every symbolic link followed inside `root` (an absolute target is taken under it), or null. */
async function resolveIn(root: string, path: string): Promise<string | null> {
  let pending = path.split('/').filter(Boolean);
  let resolved = '/';
  for (let links = 0; pending.length > 0;) {
    const [name, ...rest] = pending;
    pending = rest;
    if (name === '.' || name === undefined) continue;
    if (name === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const next = posix.join(resolved, name);
    const stats = await lstat(join(root, next)).catch(() => null);
    if (!stats) return null;
    if (!stats.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if (++links > MAX_LINKS) return null;
    const target = await readlink(join(root, next));
    if (isAbsolute(target)) resolved = '/';
    pending = [...target.split('/').filter(Boolean), ...pending];
  }
  return resolved;
}

/**
 * NixOS: the programs its system profile links (`relative` under /run/current-system), as the store paths they
 * resolve to; a wrapped program runs as ".NAME-wrapped" beside its wrapper, which `_EXE` then names.
 */
export async function nixosPrograms(
  relative: readonly string[],
  { root }: InstalledOptions,
): Promise<InstalledProgram[]> {
  if (!(await exists(join(root, 'etc', 'NIXOS')))) return [];
  const found = await Promise.all(
    relative.map(async (link) => {
      const path = await resolveIn(root, posix.join('/run/current-system', link));
      if (!path?.startsWith('/nix/store/')) return [];
      const wrapped = posix.join(posix.dirname(path), `.${posix.basename(path)}-wrapped`);
      const candidates = [path, wrapped];
      const owned = await Promise.all(candidates.map((candidate) => rootOwned(root, candidate)));
      return candidates.filter((_, index) => owned[index]).map((program) => ({ path: program, from: 'NixOS' }));
    }),
  );
  return found.flat();
}
