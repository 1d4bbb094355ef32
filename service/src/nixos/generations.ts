// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system's generations, from its profile links as nixos-rebuild list-generations reads them:
// /nix/var/nix/profiles/system-N-link, the `system` link naming the current one, each link's time its date.

import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import { onDisk, resolveBelow } from './rootedPath.js';

export interface Generation {
  number: number;
  /** The store path the link points to. */
  storePath: string;
  /** When the link was made: when this generation was built. */
  date: Date;
  current: boolean;
  /** The one running now (/run/booted-system for the system); null where that cannot be told. */
  booted: boolean | null;
  /** The generation's own nixos-version file, e.g. "24.05.20240612.abcdef (Uakari)"; null without one. */
  version: string | null;
}

export interface Profile {
  /** The profile link, e.g. /nix/var/nix/profiles/system. */
  profile: string;
  generations: Generation[];
}

const SYSTEM_PROFILE = '/nix/var/nix/profiles/system';
const BOOTED = '/run/booted-system';

/** Generations of the profile link `profile` (a path on the system, read below `root`), newest first. */
export async function readGenerations(root: string, profile: string, booted?: string): Promise<Profile | null> {
  const link = onDisk(root, profile);
  const directory = join(link, '..');
  const base = profile.slice(profile.lastIndexOf('/') + 1);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}-(\\d+)-link$`);
  const current = await readlink(link).catch(() => null);
  const entries = await readdir(directory).catch(() => null);
  if (!entries) return null;
  const bootedPath = booted ? await resolveBelow(root, booted) : null;
  const generations: Generation[] = [];
  for (const entry of entries) {
    const number = pattern.exec(entry)?.[1];
    if (number === undefined) continue;
    const path = join(directory, entry);
    const [stats, storePath] = await Promise.all([lstat(path), readlink(path)]);
    const version = await readFile(join(onDisk(root, storePath), 'nixos-version'), 'utf8').then(
      (text) => text.trim() || null,
      () => null,
    );
    generations.push({
      number: Number(number),
      storePath,
      date: stats.mtime,
      current: current === entry || current === join(directory, entry),
      booted: booted ? storePath === bootedPath : null,
      version,
    });
  }
  generations.sort((a, b) => b.number - a.number);
  return { profile, generations };
}

export const systemGenerations = (root: string) => readGenerations(root, SYSTEM_PROFILE, BOOTED);

/** Home Manager's profile: in the user's state directory since 23.05, in the per-user profiles before. */
export async function homeGenerations(home: string, user: string, root: string): Promise<Profile | null> {
  const stateProfile = await readGenerations('/', join(home, '.local', 'state', 'nix', 'profiles', 'home-manager'));
  if (stateProfile?.generations.length) return stateProfile;
  const legacy = await readGenerations(root, `/nix/var/nix/profiles/per-user/${user}/home-manager`);
  return legacy?.generations.length ? legacy : null;
}
