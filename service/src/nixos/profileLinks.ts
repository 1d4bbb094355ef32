// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system generations a switch moves, as NixOS keeps them: the profile links
// /nix/var/nix/profiles/system-N-link, the `system` link naming the newest one
// switched to, and /run/current-system, what is active now.

import { readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface Generation {
  number: number;
  /** The store path the generation's link points to. */
  target: string;
}

export interface GenerationState {
  generations: Generation[];
  /** The generation the `system` profile link names; null where there is none. */
  profile: number | null;
  /** The store path /run/current-system points to; null where the link is missing. */
  current: string | null;
}

const LINK = /^system-(\d+)-link$/;

export const profileDirectory = (root: string) => join(root, 'nix', 'var', 'nix', 'profiles');

const target = (link: string) =>
  readlink(link).then(
    (to) => resolve(join(link, '..'), to),
    () => null,
  );

/** The generations under `root` (which stands for `/`), oldest first. */
export async function readGenerations(root: string): Promise<GenerationState> {
  const directory = profileDirectory(root);
  const names = await readdir(directory).catch(() => [] as string[]);
  const generations: Generation[] = [];
  for (const name of names) {
    const number = LINK.exec(name)?.[1];
    const to = number === undefined ? null : await target(join(directory, name));
    if (number !== undefined && to !== null) generations.push({ number: Number(number), target: to });
  }
  generations.sort((a, b) => a.number - b.number);
  const profileLink = await readlink(join(directory, 'system')).catch(() => null);
  const profile = profileLink === null ? null : Number(LINK.exec(profileLink.split('/').at(-1) ?? '')?.[1] ?? NaN);
  return {
    generations,
    profile: profile === null || Number.isNaN(profile) ? null : profile,
    current: await target(join(root, 'run', 'current-system')),
  };
}

/** The generation that is active now (its store path is /run/current-system's). */
export function currentGeneration(state: GenerationState): Generation | null {
  const byProfile = state.generations.find(({ number }) => number === state.profile);
  if (byProfile && byProfile.target === state.current) return byProfile;
  return state.generations.findLast(({ target }) => target === state.current) ?? null;
}
