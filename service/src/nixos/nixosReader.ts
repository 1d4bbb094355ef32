// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The read side of NixOS for the assistant's tools and `steward nixos`: the declaration, the generations
// and the search, each found on demand (nothing here writes but the names cache).

import { userInfo } from 'node:os';
import { join } from 'node:path';

import { detectNixos, type NixosPlatform } from '../core/nixosPlatform.js';
import { _ } from '../i18n.js';
import { type ConfigFile, readDeclaration } from './configView.js';
import { homeGenerations, type Profile, systemGenerations } from './generations.js';
import { findNixpkgs, type NixosSearch, searchOver } from './search.js';

export interface NixosReaderOptions {
  /** Stands for `/` (STEWARD_TEST_NIXOS_ROOT). */
  root?: string;
  home: string;
  /** Where the nixpkgs names are cached. */
  cacheDir: string;
}

export interface NixosGenerations {
  system: Profile | null;
  home: Profile | null;
}

export class NixosReader {
  private search: NixosSearch | null = null;

  constructor(private readonly options: NixosReaderOptions) {}

  private get root(): string {
    return this.options.root ?? '/';
  }

  /** Throws, with a message for the model and the user, when this is not NixOS. */
  async platform(): Promise<NixosPlatform> {
    const platform = await detectNixos({
      ...(this.options.root && { root: this.options.root }),
      home: this.options.home,
    });
    if (!platform) throw new Error(_('this computer is not NixOS (no /etc/NIXOS, no /run/current-system)'));
    return platform;
  }

  async declaration(): Promise<ConfigFile[]> {
    return readDeclaration(await this.platform(), this.options.home, this.root);
  }

  async generations(): Promise<NixosGenerations> {
    await this.platform();
    const [system, home] = await Promise.all([
      systemGenerations(this.root),
      homeGenerations(this.options.home, userInfo().username, this.root),
    ]);
    return { system, home };
  }

  /**
   * The search over this system's nixpkgs, found again each time (a rebuild or channel update moves it)
   * and opened again only when it moved; null when no nixpkgs tree of the system is on disk. This is what
   * the catalog's nixos.* actions check names with before they propose.
   */
  async nameChecker(): Promise<NixosSearch | null> {
    await this.platform();
    const source = await findNixpkgs(this.root);
    if (!source) return null;
    if (this.search?.source.path !== source.path || this.search.source.optionsJson !== source.optionsJson)
      this.search = searchOver(source, this.options.cacheDir);
    return this.search;
  }

  /** nameChecker for the tools: throws, with a message for the model and the user, where there is none. */
  async nixpkgs(): Promise<NixosSearch> {
    const search = await this.nameChecker();
    if (!search)
      throw new Error(
        _(
          'no nixpkgs of this system was found (neither /etc/nix/registry.json, /etc/nixos/flake.lock nor root’s nixos channel names one on disk)',
        ),
      );
    return search;
  }
}

/** Where the service and the CLI cache nixpkgs' names: not secret, and rebuilt when lost. */
export const nixosCacheDir = (cacheHome: string) => join(cacheHome, 'steward', 'nixos');

/** A reader when this is NixOS, null otherwise: NixOS does not come and go while Steward runs. */
export async function openNixosReader(options: {
  root?: string;
  home: string;
  cacheHome: string;
}): Promise<NixosReader | null> {
  const root = options.root && { root: options.root };
  if (!(await detectNixos({ ...root, home: options.home }))) return null;
  return new NixosReader({ ...root, home: options.home, cacheDir: nixosCacheDir(options.cacheHome) });
}
