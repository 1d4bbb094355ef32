// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Package names from evaluating the system's nixpkgs tree (its attribute names, never a list from
// elsewhere), cached per tree: a store path's content never changes, so its names never do either.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { _, format } from '../i18n.js';
import type { NameCheck } from './nearestNames.js';
import { nearestNames } from './nearestNames.js';
import { evaluateJson } from './nixEval.js';
import type { NixpkgsSource } from './nixpkgsSource.js';

export interface PackageInfo {
  name: string;
  version: string | null;
  description: string | null;
}

// Without the user's overlays and config: names, not builds, are wanted, and an unfree package's name exists too.
const PKGS = 'pkgs = import src { config = { }; overlays = [ ]; };';
const PARTS = 'parts = builtins.filter builtins.isString (builtins.split "[.]" path);';

const NAMES = `{ src }: let ${PKGS} in builtins.attrNames pkgs`;

// The deepest set on the way to `path`, and what the name at its end is.
const LOOKUP = `{ src, path }: let ${PKGS} ${PARTS}
  walk = set: rest:
    if rest == [ ] then { found = true; kind = kindOf set; siblings = [ ]; }
    else if builtins.isAttrs set && builtins.hasAttr (builtins.head rest) set
    then (let next = builtins.tryEval (builtins.getAttr (builtins.head rest) set); in
      if next.success then walk next.value (builtins.tail rest)
      else { found = true; kind = "broken"; siblings = [ ]; })
    else { found = false; kind = null; missing = builtins.head rest;
           siblings = if builtins.isAttrs set then builtins.attrNames set else [ ]; };
  kindOf = value: let r = builtins.tryEval (
      if builtins.isAttrs value && (value.type or null) == "derivation" then "package"
      else if builtins.isAttrs value then "set" else "other"); in
    if r.success then r.value else "broken";
in walk pkgs parts`;

const DESCRIBE = `{ src, names }: let ${PKGS}
  field = value: let r = builtins.tryEval (builtins.deepSeq value value); in
    if r.success && builtins.isString r.value then r.value else null;
  describe = name: let p = builtins.tryEval pkgs.\${name}; in {
    inherit name;
    version = if p.success && builtins.isAttrs p.value then field (p.value.version or null) else null;
    description = if p.success && builtins.isAttrs p.value then field (p.value.meta.description or null) else null;
  };
in map describe (builtins.filter (n: builtins.isString n && n != "") (builtins.split "," names))`;

const lookupSchema = z.object({
  found: z.boolean(),
  kind: z.enum(['package', 'set', 'other', 'broken']).nullable(),
  missing: z.string().optional(),
  siblings: z.array(z.string()),
});
const describeSchema = z.array(
  z.object({ name: z.string(), version: z.string().nullable(), description: z.string().nullable() }),
);

// A plain attribute path; anything else cannot name a package and is not handed to Nix.
const ATTRIBUTE_PATH = /^[a-zA-Z_][a-zA-Z0-9_'-]*(\.[a-zA-Z_][a-zA-Z0-9_'-]*)*$/;
const TOP_NAME = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

export class PackageIndex {
  private names: Promise<string[]> | null = null;

  constructor(
    private readonly source: NixpkgsSource,
    private readonly cacheDir: string,
  ) {}

  /** The top-level attribute names, from the cache or a fresh evaluation. */
  topNames(): Promise<string[]> {
    this.names ??= this.loadNames().catch((error: unknown) => {
      this.names = null;
      throw error;
    });
    return this.names;
  }

  private async loadNames(): Promise<string[]> {
    const key = createHash('sha256').update(this.source.path).digest('hex').slice(0, 32);
    const file = join(this.cacheDir, `nixpkgs-names-${key}.json`);
    const cached = await readFile(file, 'utf8').then(
      (text) => z.array(z.string()).safeParse(JSON.parse(text)),
      () => null,
    );
    if (cached?.success) return cached.data;
    const names = z.array(z.string()).parse(await evaluateJson(NAMES, { src: this.source.dir }));
    await mkdir(this.cacheDir, { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(names));
    await rename(`${file}.tmp`, file);
    return names;
  }

  async check(name: string): Promise<NameCheck> {
    if (!ATTRIBUTE_PATH.test(name))
      return { ok: false, why: format(_('“{name}” is not an attribute name of nixpkgs'), { name }), suggestions: [] };
    const parts = name.split('.');
    if (parts.length === 1 && !(await this.topNames()).includes(name)) {
      return {
        ok: false,
        why: format(_('nixpkgs has no package “{name}”'), { name }),
        suggestions: nearestNames(name, await this.topNames()),
      };
    }
    const result = lookupSchema.parse(await evaluateJson(LOOKUP, { src: this.source.dir, path: name }));
    if (!result.found) {
      const parent = parts.slice(0, parts.indexOf(result.missing ?? '')).join('.');
      return {
        ok: false,
        why: format(_('nixpkgs has no package “{name}”'), { name }),
        suggestions: nearestNames(result.missing ?? name, result.siblings).map((sibling) =>
          parent ? `${parent}.${sibling}` : sibling,
        ),
      };
    }
    if (result.kind === 'package') return { ok: true };
    const why =
      result.kind === 'set'
        ? _('“{name}” is a set of packages, not a package: name one of its packages')
        : result.kind === 'broken'
          ? _('“{name}” no longer evaluates in this nixpkgs (removed or renamed)')
          : _('“{name}” is not a package');
    return { ok: false, why: format(why, { name }), suggestions: [] };
  }

  async search(query: string, limit: number): Promise<PackageInfo[]> {
    const needle = query.trim().toLowerCase();
    if (!needle) return [];
    const rank = (name: string) => {
      const lower = name.toLowerCase();
      if (lower === needle) return 0;
      if (lower.startsWith(needle)) return 1;
      return lower.includes(needle) ? 2 : 3;
    };
    const hits = (await this.topNames())
      .map((name) => ({ name, rank: rank(name) }))
      .filter(({ rank }) => rank < 3)
      .sort((a, b) => a.rank - b.rank || a.name.length - b.name.length || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map(({ name }) => name)
      .filter((name) => TOP_NAME.test(name));
    if (hits.length === 0) return [];
    return describeSchema.parse(await evaluateJson(DESCRIBE, { src: this.source.dir, names: hits.join(',') }));
  }
}
