// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Structural edits of a NixOS or Home Manager module: the file is parsed, the
// edit replaces or inserts text at the spans of the nodes it concerns, and every
// other byte stays as the user wrote it.

import { _, format } from '../i18n.js';
import { type Binding, type NixNode, parseNix } from './nixParser.js';

export type PackageList = 'environment.systemPackages' | 'home.packages';

export type NixEdit =
  | { kind: 'add-package'; list: PackageList; name: string }
  | { kind: 'remove-package'; list: PackageList; name: string }
  /** `service` is the option path below `services`, e.g. "openssh" or "xserver.desktopManager.gnome". */
  | { kind: 'set-service'; service: string; enable: boolean }
  /** `option` is a full option path, e.g. "networking.hostName" or "time.timeZone". */
  | { kind: 'set-option'; option: string; value: NixValue };

/** The values an option may be set to by Steward: what the model can fill in as typed parameters. */
export type NixValue = boolean | number | string | string[];

/** A Nix string literal: `"`, `\` and `${` are escaped, so that no value becomes code. */
const nixString = (text: string) =>
  `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('${', '\\${').replaceAll('\n', '\\n')}"`;

/** `value` spelt as Nix. */
export function nixLiteral(value: NixValue): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('only whole numbers are Nix integers here');
    return String(value);
  }
  if (typeof value === 'string') return nixString(value);
  return value.length === 0 ? '[ ]' : `[ ${value.map(nixString).join(' ')} ]`;
}

const STRING = String.raw`"(?:[^"\$]|\.|\$(?!\{))*"`;
/** A value an edit may replace: a literal, not an expression the user wrote (a function call, a reference). */
const LITERAL = new RegExp(String.raw`^(?:true|false|-?\d+|${STRING}|\[\s*(?:${STRING}\s*)*\])$`, 's');

export type NixEditResult =
  { status: 'changed'; text: string } | { status: 'unchanged'; why: string } | { status: 'refused'; why: string };

const NAME = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;
const KEYWORDS = new Set(['let', 'in', 'with', 'rec', 'inherit', 'if', 'then', 'else', 'assert', 'or']);

/** Splits a dotted attribute path; null when a part is not a plain Nix name (no quoting, no injection). */
export function attributePath(dotted: string): string[] | null {
  const parts = dotted.split('.');
  return parts.every((part) => NAME.test(part) && !KEYWORDS.has(part)) ? parts : null;
}

interface Module {
  attrs: Extract<NixNode, { type: 'attrs' }>;
  /** Whether the module's body is inside `with pkgs;`. */
  withPkgs: boolean;
  /** Whether `pkgs` is a name the module's function header binds. */
  pkgsBound: boolean;
}

/** The attribute set a module file evaluates to, below its function header, `let` and `with`. */
function moduleOf(root: NixNode): Module | null {
  let node = root;
  let withPkgs = false;
  let pkgsBound = false;
  for (;;) {
    if (node.type === 'attrs') return { attrs: node, withPkgs, pkgsBound };
    if (node.type === 'lambda') {
      pkgsBound ||= node.formals?.includes('pkgs') ?? false;
      node = node.body;
    } else if (node.type === 'let') node = node.body;
    else if (node.type === 'paren') node = node.inner;
    else if (node.type === 'with') {
      withPkgs ||= node.scope.type === 'ident' && node.scope.name === 'pkgs';
      node = node.body;
    } else return null;
  }
}

type AttrBinding = Extract<Binding, { kind: 'attr' }>;
type Attrs = Extract<NixNode, { type: 'attrs' }>;

/** The binding of `path` in `attrs`, through nested sets; or the deepest set that holds a prefix of it. */
function locate(attrs: Attrs, path: string[]): { binding: AttrBinding } | { container: Attrs; rest: string[] } {
  let deepest: { container: Attrs; rest: string[] } = { container: attrs, rest: path };
  for (const binding of attrs.bindings) {
    if (binding.kind !== 'attr') continue;
    const names = binding.path.map(({ name }) => name);
    if (names.length > path.length || names.some((name, index) => name !== path[index])) continue;
    if (names.length === path.length) return { binding };
    if (binding.value.type !== 'attrs') continue;
    const inner = locate(binding.value, path.slice(names.length));
    if ('binding' in inner) return inner;
    if (inner.rest.length < deepest.rest.length) deepest = inner;
  }
  return deepest;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentAt = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
const startsLine = (text: string, offset: number) => text.slice(lineStart(text, offset), offset).trim() === '';

/** After `offset`, past blanks and a trailing `#` comment: the start of the next line, or null when code follows. */
function nextLineAfter(text: string, offset: number): number | null {
  const rest = /^[ \t]*(#[^\n]*)?(\r?\n|$)/.exec(text.slice(offset));
  return rest ? offset + rest[0].length : null;
}

const splice = (text: string, start: number, end: number, insert: string) =>
  text.slice(0, start) + insert + text.slice(end);

/** Inserts `line` (a binding or list item, without indentation) after `anchor`, as its next line where it ends one. */
function insertAfter(text: string, anchor: { start: number; end: number }, line: string): string {
  const next = nextLineAfter(text, anchor.end);
  if (next === null) return splice(text, anchor.end, anchor.end, ` ${line}`);
  const newline = text[next - 1] === '\n' ? '' : '\n';
  return splice(text, next, next, `${newline}${indentAt(text, anchor.start)}${line}\n`);
}

/** Inserts `line` as the only content of the empty set or list whose brackets span `node`. */
function fillEmpty(text: string, node: { start: number; end: number }, line: string): string {
  const open = text[node.end - 1] === '}' ? '{' : '[';
  const close = text[node.end - 1] ?? '';
  const from = text.lastIndexOf(open, node.end - 1);
  if (!text.slice(from, node.end).includes('\n')) return splice(text, from, node.end, `${open} ${line} ${close}`);
  const indent = indentAt(text, from);
  return splice(text, from, node.end, `${open}\n${indent}  ${line}\n${indent}${close}`);
}

/** Adds `path = value;` to the set, next to the bindings that share its first name where there are some. */
function addBinding(text: string, container: Attrs, path: string[], value: string): string {
  const line = `${path.join('.')} = ${value};`;
  const bindings = container.bindings;
  const kin = bindings.filter((b) => b.kind === 'attr' && b.path[0]?.name === path[0]).at(-1);
  const anchor = kin ?? bindings.at(-1);
  return anchor ? insertAfter(text, anchor, line) : fillEmpty(text, container, line);
}

/** `vim`, `pkgs.vim`, `python3Packages.pip`: the dotted name an item spells, or null for anything else. */
function dottedName(node: NixNode): string | null {
  if (node.type === 'ident') return node.name;
  if (node.type !== 'select') return null;
  const target = dottedName(node.target);
  const names = node.path.map(({ name }) => name);
  return target !== null && names.every((name) => name !== null) ? [target, ...names].join('.') : null;
}

interface PackageSite {
  list: Extract<NixNode, { type: 'list' }>;
  /** Whether the items are spelt without `pkgs.` (the list is inside `with pkgs;`). */
  bare: boolean;
}

function packageSite(value: NixNode, withPkgs: boolean): PackageSite | string {
  let node = value;
  let bare = withPkgs;
  for (;;) {
    if (node.type === 'paren') node = node.inner;
    else if (node.type === 'with') {
      if (node.scope.type !== 'ident' || node.scope.name !== 'pkgs')
        return _('the list is inside a “with” other than “with pkgs;”');
      bare = true;
      node = node.body;
    } else break;
  }
  if (node.type !== 'list') return _('its value is an expression, not a plain list');
  // A list that already spells pkgs.x keeps that style even inside `with pkgs;`.
  if (node.items.some((item) => dottedName(item)?.startsWith('pkgs.'))) bare = false;
  return { list: node, bare };
}

function packageEdit(text: string, module: Module, edit: Extract<NixEdit, { list: PackageList }>): NixEditResult {
  const path = edit.list.split('.');
  const name = attributePath(edit.name);
  if (!name)
    return { status: 'refused', why: format(_('“{name}” is not a package attribute name'), { name: edit.name }) };
  const found = locate(module.attrs, path);
  const matches = (item: NixNode) => {
    const spelt = dottedName(item);
    return spelt === edit.name || spelt === `pkgs.${edit.name}`;
  };
  if (!('binding' in found)) {
    if (edit.kind === 'remove-package')
      return { status: 'unchanged', why: format(_('the file sets no {list}'), { list: edit.list }) };
    if (!module.pkgsBound) return { status: 'refused', why: _('the module’s function header does not bind “pkgs”') };
    return { status: 'changed', text: addBinding(text, found.container, found.rest, `[ pkgs.${edit.name} ]`) };
  }
  const site = packageSite(found.binding.value, module.withPkgs);
  if (typeof site === 'string')
    return {
      status: 'refused',
      why: format(_('{list} cannot be edited: {reason}'), { list: edit.list, reason: site }),
    };
  const { list, bare } = site;
  const present = list.items.filter(matches);
  if (edit.kind === 'add-package') {
    if (present.length > 0)
      return {
        status: 'unchanged',
        why: format(_('{name} is already in {list}'), { name: edit.name, list: edit.list }),
      };
    if (!bare && !module.pkgsBound)
      return { status: 'refused', why: _('the module’s function header does not bind “pkgs”') };
    const item = bare ? edit.name : `pkgs.${edit.name}`;
    const last = list.items.at(-1);
    return { status: 'changed', text: last ? insertAfter(text, last, item) : fillEmpty(text, list, item) };
  }
  if (present.length === 0)
    return { status: 'unchanged', why: format(_('{name} is not in {list}'), { name: edit.name, list: edit.list }) };
  let result = text;
  // From the end, so that earlier offsets stay valid.
  for (const item of [...present].reverse()) {
    const next = nextLineAfter(result, item.end);
    if (startsLine(result, item.start) && next !== null)
      result = splice(result, lineStart(result, item.start), next, '');
    else {
      const before = /[ \t]*$/.exec(result.slice(0, item.start))?.[0].length ?? 0;
      result = splice(result, item.start - before, item.end, '');
    }
  }
  return { status: 'changed', text: result };
}

function serviceEdit(text: string, module: Module, edit: Extract<NixEdit, { kind: 'set-service' }>): NixEditResult {
  const service = attributePath(edit.service);
  if (!service)
    return { status: 'refused', why: format(_('“{name}” is not a service option name'), { name: edit.service }) };
  const path = ['services', ...service, 'enable'];
  const wanted = String(edit.enable);
  const found = locate(module.attrs, path);
  if (!('binding' in found)) {
    return { status: 'changed', text: addBinding(text, found.container, found.rest, wanted) };
  }
  const value = found.binding.value;
  if (value.type !== 'ident' || (value.name !== 'true' && value.name !== 'false')) {
    return {
      status: 'refused',
      why: format(_('{option} is set by an expression, not a plain true or false'), { option: path.join('.') }),
    };
  }
  if (value.name === wanted)
    return {
      status: 'unchanged',
      why: format(_('{option} is already {value}'), { option: path.join('.'), value: wanted }),
    };
  return { status: 'changed', text: splice(text, value.start, value.end, wanted) };
}

function optionEdit(text: string, module: Module, edit: Extract<NixEdit, { kind: 'set-option' }>): NixEditResult {
  const path = attributePath(edit.option);
  if (!path || path.length < 2)
    return { status: 'refused', why: format(_('“{name}” is not an option path'), { name: edit.option }) };
  const wanted = nixLiteral(edit.value);
  const found = locate(module.attrs, path);
  if (!('binding' in found)) return { status: 'changed', text: addBinding(text, found.container, found.rest, wanted) };
  const value = found.binding.value;
  const spelt = text.slice(value.start, value.end);
  if (!LITERAL.test(spelt))
    return {
      status: 'refused',
      why: format(_('{option} is set by an expression, not a plain value'), { option: edit.option }),
    };
  if (spelt === wanted)
    return {
      status: 'unchanged',
      why: format(_('{option} is already {value}'), { option: edit.option, value: wanted }),
    };
  return { status: 'changed', text: splice(text, value.start, value.end, wanted) };
}

/** A flake's top level names its `outputs` (a module never sets an option called that). */
const isFlake = (attrs: Attrs) =>
  attrs.bindings.some((binding) => binding.kind === 'attr' && binding.path[0]?.name === 'outputs');

/**
 * Applies `edit` to the module `text`; throws NixParseError when the text is not Nix the parser knows.
 * Refuses (with the reason) where the file's shape is one it cannot edit without rewriting the user's code.
 */
export function editNixModule(text: string, edit: NixEdit): NixEditResult {
  const module = moduleOf(parseNix(text));
  if (!module) return { status: 'refused', why: _('the file is not a module that evaluates to an attribute set') };
  if (isFlake(module.attrs))
    return { status: 'refused', why: _('the file is a flake: the edit belongs in a module it lists') };
  if (edit.kind === 'set-option') return optionEdit(text, module, edit);
  return edit.kind === 'set-service' ? serviceEdit(text, module, edit) : packageEdit(text, module, edit);
}
