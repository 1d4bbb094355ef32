// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// NixOS option names from the options JSON that NixOS's documentation build writes
// (share/doc/nixos/options.json): one entry per declared option, `<name>` and `*` standing for any name.

import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { _, format } from '../i18n.js';
import type { NameCheck } from './nearestNames.js';
import { nearestNames } from './nearestNames.js';

export interface OptionInfo {
  name: string;
  type: string | null;
  description: string | null;
  default: string | null;
}

// Descriptions were plain strings, then { _type = "mdDoc"; text }; defaults are literalExpression or a value.
const textOf = z.union([z.string(), z.object({ text: z.string() }).transform(({ text }) => text)]);
const entrySchema = z.object({
  loc: z.array(z.string()).optional(),
  type: z.string().optional(),
  description: textOf.nullable().optional(),
  default: z.unknown().optional(),
});
const optionsSchema = z.record(z.string(), entrySchema);

const PLACEHOLDERS = new Set(['<name>', '*']);
const DESCRIPTION_CHARS = 400;

interface Node {
  children: Map<string, Node>;
  option: OptionInfo | null;
}

const newNode = (): Node => ({ children: new Map(), option: null });

function defaultText(value: unknown): string | null {
  if (value === undefined) return null;
  const literal = z.object({ text: z.string() }).safeParse(value);
  return literal.success ? literal.data.text : JSON.stringify(value);
}

export class OptionIndex {
  private readonly root = newNode();
  private readonly all: OptionInfo[] = [];

  static async load(file: string): Promise<OptionIndex> {
    const index = new OptionIndex();
    const entries = optionsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    for (const [name, entry] of Object.entries(entries)) {
      const info: OptionInfo = {
        name,
        type: entry.type ?? null,
        description: entry.description?.trim().slice(0, DESCRIPTION_CHARS) ?? null,
        default: defaultText(entry.default),
      };
      index.add(entry.loc ?? name.split('.'), info);
    }
    return index;
  }

  private add(loc: string[], info: OptionInfo): void {
    let node = this.root;
    for (const part of loc) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = newNode()));
      node = child;
    }
    node.option = info;
    this.all.push(info);
  }

  private child(node: Node, part: string): Node | undefined {
    return node.children.get(part) ?? node.children.get('<name>') ?? node.children.get('*');
  }

  /** The node `parts` lead to from `node`, or null. */
  private walk(node: Node, parts: string[]): Node | null {
    let current: Node | undefined = node;
    for (const part of parts) {
      current = this.child(current, part);
      if (!current) return null;
    }
    return current;
  }

  check(path: string): NameCheck {
    const parts = path.split('.');
    let node = this.root;
    for (const [index, part] of parts.entries()) {
      const next = this.child(node, part);
      if (next) {
        node = next;
        continue;
      }
      // An option of a submodule type has its sub-options below it; past those is inside its value.
      if (node.option) {
        return {
          ok: false,
          why: format(_('“{path}” is inside the option “{option}” (type: {type}), not an option of its own'), {
            path,
            option: node.option.name,
            type: node.option.type ?? '?',
          }),
          suggestions: [node.option.name],
        };
      }
      return this.unknown(path, node, parts, index);
    }
    if (node.option) return { ok: true };
    const inside = [...node.children.keys()].filter((name) => node.children.get(name)?.option);
    return {
      ok: false,
      why: format(_('“{path}” is a group of options, not an option'), { path }),
      suggestions: (inside.includes('enable') ? ['enable'] : inside.slice(0, 3)).map((name) => `${path}.${name}`),
    };
  }

  /** Nearest siblings of the first unknown part, completed with the rest of the path where that exists. */
  private unknown(path: string, parent: Node, parts: string[], index: number): NameCheck {
    const siblings = [...parent.children.keys()].filter((name) => !PLACEHOLDERS.has(name));
    const before = parts.slice(0, index);
    const rest = parts.slice(index + 1);
    const suggestions = nearestNames(parts[index] ?? '', siblings).map((sibling) => {
      const child = parent.children.get(sibling);
      const whole = child && this.walk(child, rest);
      return [...before, sibling, ...(whole?.option ? rest : [])].join('.');
    });
    return { ok: false, why: format(_('NixOS has no option “{path}”'), { path }), suggestions };
  }

  search(query: string, limit: number): OptionInfo[] {
    const needle = query.trim().toLowerCase();
    if (!needle) return [];
    const rank = ({ name, description }: OptionInfo) => {
      const lower = name.toLowerCase();
      if (lower === needle) return 0;
      if (lower.split('.').includes(needle)) return 1;
      if (lower.includes(needle)) return 2;
      return description?.toLowerCase().includes(needle) ? 3 : 4;
    };
    return this.all
      .map((option) => ({ option, rank: rank(option) }))
      .filter(({ rank }) => rank < 4)
      .sort((a, b) => a.rank - b.rank || a.option.name.length - b.option.name.length)
      .slice(0, limit)
      .map(({ option }) => option);
  }
}
