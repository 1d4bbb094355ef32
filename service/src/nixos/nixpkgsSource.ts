// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The nixpkgs tree this system was built from, found on disk, never fetched: the flake input pinned in
// the system's registry or /etc/nixos/flake.lock, else root's `nixos` channel.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { onDisk, resolveBelow } from './rootedPath.js';
import { sourceStorePath } from './storePath.js';

export interface NixpkgsSource {
  /** How it was found: the file or link that names it. */
  via: 'registry' | 'flake-lock' | 'channel';
  from: string;
  /** The tree as the system names it (a store path), and the directory to read here. */
  path: string;
  dir: string;
  /** nixpkgs' own `.version` file, e.g. "24.05", when it has one. */
  version: string | null;
  /** The NixOS options JSON of the running system (documentation's share/doc/nixos/options.json), when installed. */
  optionsJson: string | null;
}

const REGISTRY = '/etc/nix/registry.json';
const FLAKE_LOCK = '/etc/nixos/flake.lock';
const CHANNELS = ['nixos', 'nixpkgs'].map((name) => `/nix/var/nix/profiles/per-user/root/channels/${name}`);
const OPTIONS_JSON = '/run/current-system/sw/share/doc/nixos/options.json';

// nixpkgs.flake.source writes this entry (nixos/modules/misc/nixpkgs-flake.nix).
const registrySchema = z.object({
  flakes: z.array(
    z.object({
      from: z.object({ type: z.string(), id: z.string().optional() }),
      to: z.object({ type: z.string(), path: z.string().optional() }),
    }),
  ),
});

const lockSchema = z.object({
  root: z.string(),
  nodes: z.record(
    z.string(),
    z.object({
      inputs: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
      locked: z.object({ narHash: z.string().optional() }).optional(),
    }),
  ),
});

async function readJson<T>(root: string, path: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await readFile(onDisk(root, path), 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = schema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

async function fromRegistry(root: string): Promise<string | null> {
  const registry = await readJson(root, REGISTRY, registrySchema);
  const entry = registry?.flakes.find(({ from, to }) => from.id === 'nixpkgs' && to.type === 'path' && to.path);
  return entry?.to.path ?? null;
}

async function fromFlakeLock(root: string): Promise<string | null> {
  const lock = await readJson(root, FLAKE_LOCK, lockSchema);
  const input = lock?.nodes[lock.root]?.inputs?.nixpkgs;
  // A string names the node; a list "follows" another input's, which is not the system's own pin.
  if (!lock || typeof input !== 'string') return null;
  const narHash = lock.nodes[input]?.locked?.narHash;
  return narHash ? sourceStorePath(narHash) : null;
}

async function candidates(root: string): Promise<{ via: NixpkgsSource['via']; from: string; path: string | null }[]> {
  return [
    { via: 'registry', from: REGISTRY, path: await fromRegistry(root) },
    { via: 'flake-lock', from: FLAKE_LOCK, path: await fromFlakeLock(root) },
    ...CHANNELS.map((channel) => ({ via: 'channel' as const, from: channel, path: channel })),
  ];
}

const readTrimmed = (path: string) =>
  readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );

/** The first candidate whose tree is on disk (has nixpkgs' default.nix); null when none is. */
export async function findNixpkgs(root: string): Promise<NixpkgsSource | null> {
  for (const { via, from, path } of await candidates(root)) {
    if (path === null) continue;
    const resolved = await resolveBelow(root, path);
    if (!resolved || !(await resolveBelow(root, join(resolved, 'default.nix')))) continue;
    const dir = onDisk(root, resolved);
    const options = await resolveBelow(root, OPTIONS_JSON);
    return {
      via,
      from,
      path: resolved,
      dir,
      version: await readTrimmed(join(dir, '.version')),
      optionsJson: options ? onDisk(root, options) : null,
    };
  }
  return null;
}
