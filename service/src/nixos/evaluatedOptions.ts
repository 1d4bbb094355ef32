// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// NixOS's option names where the system has no options.json (documentation builds one, but installs
// only the HTML manual): evaluated from the nixpkgs tree's own NixOS modules, as the manual's options
// list is, and cached per tree. Options of modules the user's configuration adds are not among them.

import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { evaluateJson } from './nixEval.js';
import type { NixpkgsSource } from './nixpkgsSource.js';

// What the manual lists (visible, not internal), with the few fields the search reads; the rest stays unevaluated.
const OPTIONS = `{ src }: let
  lib = import (src + "/lib");
  eval = import (src + "/nixos/lib/eval-config.nix") { modules = [ ]; system = builtins.currentSystem; };
  shown = builtins.filter (o: o.visible != false && !(o.internal or false)) (lib.optionAttrSetToDocList eval.options);
in builtins.listToAttrs (map (o: { inherit (o) name; value = { inherit (o) loc type; description = o.description or null; }; }) shown)`;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Whether the tree has NixOS's modules to evaluate. */
export const canEvaluateOptions = (source: NixpkgsSource) =>
  exists(join(source.dir, 'nixos', 'lib', 'eval-config.nix'));

/** The path of an options JSON for `source`, from the cache or evaluated now. */
export async function evaluatedOptionsJson(source: NixpkgsSource, cacheDir: string): Promise<string> {
  const key = createHash('sha256').update(source.path).digest('hex').slice(0, 32);
  const file = join(cacheDir, `nixos-options-${key}.json`);
  if (await exists(file)) return file;
  const options = await evaluateJson(OPTIONS, { src: source.dir });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(options));
  await rename(`${file}.tmp`, file);
  return file;
}
