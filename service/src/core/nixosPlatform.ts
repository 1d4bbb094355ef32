// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Whether this machine is NixOS, and which declaration Steward would edit there:
// the system's configuration (or the flake in /etc/nixos) and Home Manager's home.nix.

import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { join } from 'node:path';

import { _, format } from '../i18n.js';

export interface ManagedFile {
  path: string;
  /** Whether this user may write it; the system's files are root's, and need the privileged helper. */
  writable: boolean;
}

export interface NixosPlatform {
  /** The system's declaration; with a flake, `module` is the configuration.nix beside it, which edits go to. */
  system: (ManagedFile & { flake: boolean; module: ManagedFile | null }) | null;
  home: ManagedFile | null;
}

// lstat: /run/current-system is a link into the store, which counts even where a test root lacks its target.
const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

async function managed(path: string): Promise<ManagedFile | null> {
  if (!(await exists(path))) return null;
  const writable = await access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
  return { path, writable };
}

/**
 * Null when this is not NixOS (neither /etc/NIXOS nor /run/current-system exists). `root` stands for `/`
 * (the STEWARD_TEST_NIXOS_ROOT test hook), and the paths reported are below it.
 */
export async function detectNixos(options: { root?: string; home: string }): Promise<NixosPlatform | null> {
  const root = options.root ?? '/';
  const [marker, current] = await Promise.all([
    exists(join(root, 'etc', 'NIXOS')),
    exists(join(root, 'run', 'current-system')),
  ]);
  if (!marker && !current) return null;
  const etc = join(root, 'etc', 'nixos');
  const [flake, configuration, home] = await Promise.all([
    managed(join(etc, 'flake.nix')),
    managed(join(etc, 'configuration.nix')),
    managed(join(options.home, '.config', 'home-manager', 'home.nix')),
  ]);
  const system = flake
    ? { ...flake, flake: true, module: configuration }
    : configuration && { ...configuration, flake: false, module: null };
  return { system, home };
}

const writability = (file: ManagedFile) =>
  file.writable ? _('writable by you') : _('root’s: changes need the privileged helper');

/** One line for `steward doctor`: what Steward manages here, and whether it can write it. */
export function describeNixos(platform: NixosPlatform): string {
  const parts: string[] = [];
  const { system, home } = platform;
  if (system?.flake) {
    parts.push(
      format(_('system: the flake {flake}, editing {module}'), {
        flake: system.path,
        module: system.module
          ? `${system.module.path} (${writability(system.module)})`
          : _('no configuration.nix beside it'),
      }),
    );
  } else if (system)
    parts.push(format(_('system: {path} ({access})'), { path: system.path, access: writability(system) }));
  else parts.push(_('system: no /etc/nixos/configuration.nix or flake.nix'));
  if (home) parts.push(format(_('Home Manager: {path} ({access})'), { path: home.path, access: writability(home) }));
  return parts.join('; ');
}
