// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A STAND-IN NixOS root (NixOS cannot run on these machines): a directory that stands for `/`, laid out as
// NixOS lays out what Steward reads, from the fixtures in test/fixtures/nixos (see its README):
//   /etc/NIXOS, /etc/nixos/configuration.nix (a real file) importing hardware-configuration.nix (a stand-in)
//   importing profiles/base.nix (nixpkgs' own module); a stand-in nixpkgs tree in /nix/store, named by
//   root's `nixos` channel (or by a flake.lock, or the registry); three system generations as profile
//   links; /run/current-system (the newest) and /run/booted-system (the one before); an options.json that
//   the vendored nixpkgs lib makes from the stand-in's option declarations, as NixOS's documentation does.
// The stand-in nixpkgs tree carries the vendored lib at lib/, as a real tree does.
// Evaluation uses the real nix-instantiate, with a store and state of its own.
import { execFile } from 'node:child_process';
import { copyFile, cp, lutimes, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { sourceStorePath } from '../../service/src/nixos/storePath.js';
import { nixEnvironment, nixpkgsLib } from './nix.js';

const exec = promisify(execFile);
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'nixos');
const STAND_IN = join(FIXTURES, 'stand-in');

export const nix = (env: NodeJS.ProcessEnv, command: string, args: string[]) =>
  exec(command, args, { env, maxBuffer: 64 * 1024 * 1024 }).then(({ stdout }) => stdout);

// What NixOS's documentation build keeps of each option (nixos/lib/make-options-doc: visible, not internal).
const OPTIONS_JSON = `{ lib, module }: let lib' = import lib; in
  builtins.listToAttrs (map (o: { inherit (o) name; value = removeAttrs o [ "name" "visible" "internal" ]; })
    (builtins.filter (o: o.visible && !o.internal)
      (lib'.optionAttrSetToDocList (lib'.evalModules { modules = [ (import module) ]; }).options)))`;

export interface NixosStandIn {
  /** Stands for `/`: STEWARD_TEST_NIXOS_ROOT. */
  root: string;
  /** The stand-in nixpkgs tree as the system names it (/nix/store/…). */
  nixpkgs: string;
  /** For nix-instantiate: the store and state of this stand-in. */
  env: NodeJS.ProcessEnv;
}

// Store paths shaped as Nix makes them (32 characters of its base-32, a name); only their shape matters here.
const CHANNEL_NIXPKGS = '/nix/store/8zq6a1f8xw5l3ab7iyk9q0c0rnkgd4rv-nixos-25.05.804936.a676066377a2/nixos';
const CHANNEL_ENV = '/nix/store/0k1ybxhv0z2m9cxyq6hw8d4hm6rrjqf4-user-environment';
const GENERATIONS = [
  {
    number: 1,
    path: '/nix/store/3f6a6c2x4zvlrm1zd1c0c5zbjfa7yrk1-nixos-system-nixos-25.05.804000.1f2e3d4c5b6a',
    day: 1,
  },
  {
    number: 2,
    path: '/nix/store/9d4kp0vb5qgy7yqk2m2rq8b5n1ibn0wc-nixos-system-nixos-25.05.804500.2a3b4c5d6e7f',
    day: 8,
  },
  {
    number: 3,
    path: '/nix/store/c2lxw6j1s0k9rdy0kz3vmbn5dl4x3p1h-nixos-system-nixos-25.05.804936.a676066377a2',
    day: 15,
  },
];

const onDisk = (root: string, path: string) => join(root, path);

async function link(root: string, path: string, target: string, day?: number): Promise<void> {
  await mkdir(dirname(onDisk(root, path)), { recursive: true });
  await symlink(target, onDisk(root, path));
  if (day !== undefined) {
    const time = new Date(Date.UTC(2026, 5, day, 10, 30));
    await lutimes(onDisk(root, path), time, time);
  }
}

/** The stand-in root in `dir`; `nixpkgsBy` says what names the nixpkgs tree, as a channel, flake or registry does. */
export async function makeNixosStandIn(
  dir: string,
  nixpkgsBy: 'channel' | 'flake-lock' | 'registry' = 'channel',
  { optionsJson = true } = {},
): Promise<NixosStandIn> {
  const env = await nixEnvironment(join(dir, 'nix-state'));
  // The tree as nixpkgs has it: the stand-in's files, and nixpkgs' real lib at lib/.
  const tree = join(dir, 'nixpkgs-tree');
  await cp(join(STAND_IN, 'nixpkgs'), tree, { recursive: true });
  await cp(nixpkgsLib(), join(tree, 'lib'), { recursive: true });
  const root = join(dir, 'root');
  const etc = join(root, 'etc', 'nixos');
  await mkdir(join(etc, 'profiles'), { recursive: true });
  await writeFile(join(root, 'etc', 'NIXOS'), '');
  await copyFile(join(FIXTURES, 'chaosdorf-laptops-configuration.nix'), join(etc, 'configuration.nix'));
  await copyFile(join(STAND_IN, 'hardware-configuration.nix'), join(etc, 'hardware-configuration.nix'));
  await copyFile(join(FIXTURES, 'nixpkgs-profiles-base.nix'), join(etc, 'profiles', 'base.nix'));

  let nixpkgs = CHANNEL_NIXPKGS;
  if (nixpkgsBy === 'flake-lock') {
    // The lock pins nixpkgs by its NAR hash; Nix stores it at the path that hash makes.
    const hex = (await nix(env, 'nix-hash', ['--type', 'sha256', tree])).trim();
    const narHash = `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;
    nixpkgs = sourceStorePath(narHash) ?? '';
    const lock = {
      nodes: {
        nixpkgs: {
          locked: {
            lastModified: 1750000000,
            narHash,
            owner: 'NixOS',
            repo: 'nixpkgs',
            rev: 'a676066377a2',
            type: 'github',
          },
        },
        root: { inputs: { nixpkgs: 'nixpkgs' } },
      },
      root: 'root',
      version: 7,
    };
    await writeFile(join(etc, 'flake.lock'), JSON.stringify(lock, null, 2));
  } else if (nixpkgsBy === 'registry') {
    nixpkgs = '/nix/store/5w9bqxkx0d7hll8h1kz6y1arxjdlc2m0-source';
    const registry = {
      flakes: [{ exact: true, from: { id: 'nixpkgs', type: 'indirect' }, to: { path: nixpkgs, type: 'path' } }],
      version: 2,
    };
    await mkdir(join(root, 'etc', 'nix'), { recursive: true });
    await writeFile(join(root, 'etc', 'nix', 'registry.json'), JSON.stringify(registry));
  } else {
    // root's channels profile: a generation link to a user environment holding the `nixos` channel.
    await link(root, '/nix/var/nix/profiles/per-user/root/channels', 'channels-1-link');
    await link(root, '/nix/var/nix/profiles/per-user/root/channels-1-link', CHANNEL_ENV);
    await link(root, `${CHANNEL_ENV}/nixos`, CHANNEL_NIXPKGS);
  }
  await cp(tree, onDisk(root, nixpkgs), { recursive: true });

  for (const generation of GENERATIONS) {
    const version = `${generation.path.split('-nixos-system-nixos-')[1]} (Warbler)`;
    await mkdir(onDisk(root, generation.path), { recursive: true });
    await writeFile(join(onDisk(root, generation.path), 'nixos-version'), `${version}\n`);
    await link(root, `/nix/var/nix/profiles/system-${generation.number}-link`, generation.path, generation.day);
  }
  const newest = GENERATIONS[GENERATIONS.length - 1]!;
  await link(root, '/nix/var/nix/profiles/system', `system-${newest.number}-link`);
  await link(root, '/run/current-system', newest.path);
  await link(root, '/run/booted-system', GENERATIONS[1]!.path);
  if (!optionsJson) return { root, nixpkgs, env };
  const file = join(onDisk(root, newest.path), 'sw', 'share', 'doc', 'nixos', 'options.json');
  await mkdir(dirname(file), { recursive: true });
  const options = await nix(env, 'nix-instantiate', [
    '--eval',
    '--strict',
    '--json',
    '-E',
    OPTIONS_JSON,
    '--argstr',
    'lib',
    nixpkgsLib(),
    '--argstr',
    'module',
    join(STAND_IN, 'nixpkgs', 'nixos', 'options.nix'),
  ]);
  await writeFile(file, options);
  return { root, nixpkgs, env };
}
