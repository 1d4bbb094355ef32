// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the declaration says: the system's configuration (and the flake beside it), Home Manager's home.nix,
// each module's `imports` followed through the parser, and the bindings below an attribute path.

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

import type { NixosPlatform } from '../core/nixosPlatform.js';
import { holdsPrivateKey, secretPlaceReason } from '../secretPlaces.js';
import { type Binding, type NixNode, parseNix } from './nixParser.js';

export interface ConfigFile {
  /** The path as the system names it. */
  path: string;
  role: 'flake' | 'system' | 'home' | 'import';
  /** The file that imports it; null for the managed files themselves. */
  importedBy: string | null;
  text: string;
  truncated: boolean;
  /** Imported files this view follows, as system paths. */
  imports: string[];
  /** Imports that are not a plain relative path (a flake input's module, `<nixpkgs/…>`), as written. */
  notFollowed: string[];
  /** Why the file could not be read or parsed; null when it was. */
  problem: string | null;
}

export interface FocusedBinding {
  file: string;
  line: number;
  /** The full attribute path of the binding, e.g. "services.openssh.enable". */
  path: string;
  text: string;
}

const MAX_FILE_BYTES = 64 * 1024;
const MAX_FILES = 16;
const MAX_DEPTH = 4;
const RELATIVE_PATH = /^\.{1,2}(\/[a-zA-Z0-9._+-]+)+\/?$|^\.{1,2}$/;
// Configurations keep passwords and tokens in imported files so named (secrets.nix, wifi-passwords.nix).
const SECRET_MODULE = /secret|passw|token|credential/i;

/** Why an imported file is not shown (what the tools read may reach a remote model), or null. */
function secretImport(file: string, text: string, home: string): string | null {
  return (
    secretPlaceReason(file, home) ??
    (SECRET_MODULE.test(basename(file)) ? 'its name says it keeps secrets' : null) ??
    (holdsPrivateKey(text) ? 'it holds a private key' : null)
  );
}

type Attrs = Extract<NixNode, { type: 'attrs' }>;

/** The attribute set a module evaluates to, below its function header, `let` and `with`. */
function moduleAttrs(node: NixNode): Attrs | null {
  for (;;) {
    if (node.type === 'attrs') return node;
    if (node.type === 'lambda' || node.type === 'let' || node.type === 'with') node = node.body;
    else if (node.type === 'paren') node = node.inner;
    else return null;
  }
}

const namesOf = (binding: Extract<Binding, { kind: 'attr' }>) => binding.path.map(({ name }) => name ?? '${…}');

function importItems(attrs: Attrs, text: string): string[] {
  const binding = attrs.bindings.find(
    (candidate) => candidate.kind === 'attr' && namesOf(candidate).join('.') === 'imports',
  );
  if (binding?.kind !== 'attr' || binding.value.type !== 'list') return [];
  return binding.value.items.map((item) => text.slice(item.start, item.end));
}

async function resolveImport(onDiskFile: string, written: string): Promise<string | null> {
  if (!RELATIVE_PATH.test(written)) return null;
  const target = resolve(dirname(onDiskFile), written);
  const stats = await stat(target).catch(() => null);
  if (stats?.isDirectory()) return join(target, 'default.nix');
  return stats?.isFile() ? target : null;
}

async function readBounded(file: string): Promise<{ text: string; truncated: boolean }> {
  const buffer = await readFile(file);
  return { text: buffer.subarray(0, MAX_FILE_BYTES).toString('utf8'), truncated: buffer.length > MAX_FILE_BYTES };
}

/**
 * The managed files and what they import, breadth first, at most 16 files; imported files that keep secrets
 * are listed, not shown. `root` stands for `/`; the platform's paths are below it, and the paths in the
 * result are as the system names them.
 */
export async function readDeclaration(platform: NixosPlatform, userHome: string, root = '/'): Promise<ConfigFile[]> {
  const shown = (file: string) => (root === '/' ? file : `/${relative(root, file)}`);
  const queue: { file: string; role: ConfigFile['role']; importedBy: string | null; depth: number }[] = [];
  const { system, home } = platform;
  if (system?.flake) queue.push({ file: system.path, role: 'flake', importedBy: null, depth: MAX_DEPTH });
  const module = system?.flake ? system.module : system;
  if (module) queue.push({ file: module.path, role: 'system', importedBy: null, depth: 0 });
  // Home Manager's file is the user's, not below the system's root.
  if (home) queue.push({ file: home.path, role: 'home', importedBy: null, depth: 0 });
  const seen = new Set(queue.map(({ file }) => file));
  const files: ConfigFile[] = [];
  for (let next = queue.shift(); next && files.length < MAX_FILES; next = queue.shift()) {
    const { file, role, importedBy, depth } = next;
    const path = role === 'home' ? file : shown(file);
    const entry: ConfigFile = {
      path,
      role,
      importedBy,
      text: '',
      truncated: false,
      imports: [],
      notFollowed: [],
      problem: null,
    };
    files.push(entry);
    try {
      Object.assign(entry, await readBounded(file));
    } catch (error) {
      entry.problem = (error as Error).message;
      continue;
    }
    const secret = role === 'import' ? secretImport(file, entry.text, userHome) : null;
    if (secret) {
      Object.assign(entry, { text: '', truncated: false, problem: `not shown: ${secret}` });
      continue;
    }
    if (role === 'flake') continue;
    let attrs: Attrs | null;
    try {
      attrs = entry.truncated ? null : moduleAttrs(parseNix(entry.text));
    } catch (error) {
      entry.problem = (error as Error).message;
      continue;
    }
    for (const written of attrs ? importItems(attrs, entry.text) : []) {
      const target = await resolveImport(file, written);
      if (!target) {
        entry.notFollowed.push(written);
        continue;
      }
      const targetPath = role === 'home' ? target : shown(target);
      entry.imports.push(targetPath);
      if (seen.has(target) || depth + 1 > MAX_DEPTH) continue;
      seen.add(target);
      queue.push({ file: target, role: 'import', importedBy: path, depth: depth + 1 });
    }
  }
  return files;
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * The bindings of `focus` (a dotted attribute path such as "services.openssh" or
 * "environment.systemPackages") and of everything below it, in each file as written.
 */
export function focusOn(files: readonly ConfigFile[], focus: string): FocusedBinding[] {
  const wanted = focus.split('.');
  const found: FocusedBinding[] = [];
  const visit = (file: ConfigFile, attrs: Attrs, prefix: string[]) => {
    for (const binding of attrs.bindings) {
      if (binding.kind !== 'attr') continue;
      const path = [...prefix, ...namesOf(binding)];
      const common = Math.min(path.length, wanted.length);
      if (path.slice(0, common).some((name, index) => name !== wanted[index])) continue;
      if (path.length >= wanted.length) {
        found.push({
          file: file.path,
          line: lineOf(file.text, binding.start),
          path: path.join('.'),
          text: file.text.slice(binding.start, binding.end),
        });
      } else if (binding.value.type === 'attrs') visit(file, binding.value, path);
    }
  };
  for (const file of files) {
    if (file.role === 'flake' || file.problem || file.truncated) continue;
    const attrs = moduleAttrs(parseNix(file.text));
    if (attrs) visit(file, attrs, []);
  }
  return found;
}
