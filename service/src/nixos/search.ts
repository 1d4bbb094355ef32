// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Names checked against the nixpkgs this system was built from, never guessed: a package or option the
// model names is looked up before anything is proposed, and a wrong one gets the nearest real names,
// chosen the way nixpkgs' module system suggests valid option names (lib/modules.nix).

import { _ } from '../i18n.js';
import { canEvaluateOptions, evaluatedOptionsJson } from './evaluatedOptions.js';
import { type NameCheck, nearestNames } from './nearestNames.js';
import { findNixpkgs, type NixpkgsSource } from './nixpkgsSource.js';
import { OptionIndex, type OptionInfo } from './optionIndex.js';
import { PackageIndex, type PackageInfo } from './packageIndex.js';

export { findNixpkgs, type NixpkgsSource } from './nixpkgsSource.js';
export type { OptionInfo } from './optionIndex.js';
export type { PackageInfo } from './packageIndex.js';

export interface NixosSearch {
  /** Where the names come from: the nixpkgs tree and the options.json read. */
  readonly source: NixpkgsSource;
  /** `name` is an attribute path in nixpkgs, e.g. "blender" or "python3Packages.requests". */
  checkPackage(name: string): Promise<NameCheck>;
  /** `path` is a NixOS option, e.g. "services.openssh.enable"; `<name>` parts of options match any name. */
  checkOption(path: string): Promise<NameCheck>;
  /** Packages whose attribute name contains `query` (case-insensitively), best first, at most `limit`. */
  searchPackages(query: string, limit: number): Promise<PackageInfo[]>;
  /** Options whose name or description contains `query`, best first, at most `limit`. */
  searchOptions(query: string, limit: number): Promise<OptionInfo[]>;
}

export interface SearchOptions {
  /** Stands for `/` (STEWARD_TEST_NIXOS_ROOT); the system's paths and its links' targets are read below it. */
  root?: string;
  /** Where the evaluated package names are cached, keyed by the nixpkgs store path. */
  cacheDir: string;
}

/** Null when no nixpkgs tree of this system can be found (then nothing can be checked, and nothing proposed). */
export async function openNixosSearch(options: SearchOptions): Promise<NixosSearch | null> {
  const source = await findNixpkgs(options.root ?? '/');
  return source && searchOver(source, options.cacheDir);
}

/** The options of `source`: its options.json, else evaluated from its NixOS modules (slow once, then cached). */
async function loadOptions(source: NixpkgsSource, cacheDir: string): Promise<OptionIndex | null> {
  if (source.optionsJson) return OptionIndex.load(source.optionsJson);
  if (!(await canEvaluateOptions(source))) return null;
  return OptionIndex.load(await evaluatedOptionsJson(source, cacheDir));
}

/** The search over a nixpkgs tree already found. */
export function searchOver(source: NixpkgsSource, cacheDir: string): NixosSearch {
  const packages = new PackageIndex(source, cacheDir);
  let options: Promise<OptionIndex | null> | null = null;
  // Loaded on the first question about options; a failed evaluation is tried again on the next.
  const nixosOptions = () =>
    (options ??= loadOptions(source, cacheDir).catch((error: unknown) => {
      options = null;
      throw error;
    }));
  return {
    source,
    checkPackage: (name) => packages.check(name),
    checkOption: async (path) =>
      (await nixosOptions())?.check(path) ?? {
        ok: false,
        why: _('this system has no options.json, and its nixpkgs has no NixOS modules to read the options from'),
        suggestions: [],
      },
    searchPackages: (query, limit) => packages.search(query, limit),
    searchOptions: async (query, limit) => (await nixosOptions())?.search(query, limit) ?? [],
  };
}

export { nearestNames };
