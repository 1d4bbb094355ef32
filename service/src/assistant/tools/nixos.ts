// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// nixos_config and nixos_search: on NixOS, what the declaration says and which packages and options
// the system's own nixpkgs has, so that a name is checked before anything is proposed.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import type { ConfigFile, FocusedBinding } from '../../nixos/configView.js';
import { focusOn } from '../../nixos/configView.js';
import type { Profile } from '../../nixos/generations.js';
import type { NameCheck } from '../../nixos/nearestNames.js';
import type { NixosReader } from '../../nixos/nixosReader.js';
import { defineTool, MAX_TOOL_OUTPUT } from '../tool.js';

const ATTRIBUTE_PATH = /^[a-zA-Z_][a-zA-Z0-9_'-]*(\.[a-zA-Z_<>*][a-zA-Z0-9_'<>*-]*)*$/;
const GENERATIONS_SHOWN = 5;

function reader(machine: { nixos?: NixosReader }): NixosReader {
  if (!machine.nixos) throw new Error('this computer is not NixOS');
  return machine.nixos;
}

const day = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/** "42 (current, booted) 2026-11-20 10:00 24.05… /nix/store/…", newest first. */
export function describeProfile(name: string, profile: Profile | null, shown = GENERATIONS_SHOWN): string {
  if (!profile || profile.generations.length === 0) return `${name} generations: none found`;
  const lines = profile.generations.slice(0, shown).map((generation) => {
    const marks = [generation.current && 'current', generation.booted && 'booted'].filter(Boolean).join(', ');
    const words = [
      String(generation.number),
      marks && `(${marks})`,
      day(generation.date),
      generation.version,
      generation.storePath,
    ];
    return `  ${words.filter(Boolean).join(' ')}`;
  });
  const more = profile.generations.length > shown ? `\n  … ${profile.generations.length - shown} older` : '';
  return `${name} generations (${profile.profile}):\n${lines.join('\n')}${more}`;
}

export function describeFiles(files: readonly ConfigFile[]): string {
  return files
    .map((file) => {
      const parts = [`${file.path} (${file.role}${file.importedBy ? `, imported by ${file.importedBy}` : ''})`];
      if (file.problem) parts.push(`  could not be read: ${file.problem}`);
      if (file.imports.length) parts.push(`  imports: ${file.imports.join(', ')}`);
      if (file.notFollowed.length) parts.push(`  imports not followed: ${file.notFollowed.join(', ')}`);
      return parts.join('\n');
    })
    .join('\n');
}

const describeBinding = (binding: FocusedBinding) => `${binding.file}:${binding.line} ${binding.text}`;

export const nixosConfigTool = defineTool({
  name: 'nixos_config',
  description:
    "On NixOS: the system's configuration.nix (or flake) and Home Manager's home.nix with the files they import, the current and previous generations, and, given an attribute path, what the files set below it. Read it before proposing a change to the configuration.",
  params: z.object({
    focus: z
      .string()
      .max(200)
      .regex(ATTRIBUTE_PATH, 'a dotted attribute path')
      .optional()
      .describe('An attribute path, e.g. "services.openssh" or "environment.systemPackages"; without it, the files'),
  }),
  progress: N_('reading the NixOS configuration…'),
  async run({ focus }, { machine }) {
    const nixos = reader(machine);
    const [files, generations] = await Promise.all([nixos.declaration(), nixos.generations()]);
    const head = [
      `Files:\n${describeFiles(files)}`,
      describeProfile('System', generations.system),
      ...(generations.home ? [describeProfile('Home Manager', generations.home)] : []),
    ].join('\n\n');
    if (focus) {
      const found = focusOn(files, focus);
      const body = found.length
        ? found.map(describeBinding).join('\n')
        : `None of these files sets anything below ${focus}.`;
      return `${head}\n\nBelow ${focus}:\n${body}`;
    }
    // The files themselves, first ones first, in what room the loop leaves.
    let room = MAX_TOOL_OUTPUT - head.length - 200;
    const texts: string[] = [];
    for (const file of files) {
      if (room <= 0 || file.problem) break;
      const text = file.text.length > room ? `${file.text.slice(0, room)}\n… (cut; ask again with a focus)` : file.text;
      texts.push(`--- ${file.path}\n${text}`);
      room -= text.length;
    }
    return `${head}\n\n${texts.join('\n')}`;
  },
});

const describeCheck = (kind: string, name: string, check: NameCheck) =>
  check.ok
    ? `${kind} ${name} exists.`
    : `${check.why}.${check.suggestions.length ? ` Nearest real names: ${check.suggestions.join(', ')}.` : ''}`;

export const nixosSearchTool = defineTool({
  name: 'nixos_search',
  description:
    'On NixOS: searches the packages or the options of the nixpkgs this system was built from, and says whether an exact name exists (with the nearest real names when it does not). Check every package and option name here before you propose it.',
  params: z.object({
    kind: z.enum(['package', 'option']),
    query: z
      .string()
      .min(2)
      .max(200)
      .describe('A word, or an exact name such as "blender" or "services.openssh.enable"'),
    limit: z.number().int().min(1).max(20).default(10),
  }),
  progress: N_('searching nixpkgs…'),
  async run({ kind, query, limit }, { machine }) {
    const search = await reader(machine).nixpkgs();
    const exact = ATTRIBUTE_PATH.test(query);
    const origin = `From ${search.source.path}${search.source.version ? ` (nixpkgs ${search.source.version})` : ''}.`;
    if (kind === 'package') {
      const check = exact ? describeCheck('The package', query, await search.checkPackage(query)) : '';
      const found = await search.searchPackages(query, limit);
      const list = found.map(
        (info) =>
          `${info.name}${info.version ? ` ${info.version}` : ''}${info.description ? `: ${info.description}` : ''}`,
      );
      return [origin, check, list.length ? `Packages:\n${list.join('\n')}` : `No package name contains "${query}".`]
        .filter(Boolean)
        .join('\n');
    }
    // An option's name has a dot; a single word is a search, not a name to check.
    const check =
      exact && query.includes('.') ? describeCheck('The option', query, await search.checkOption(query)) : '';
    const found = await search.searchOptions(query, limit);
    const list = found.map(
      (option) =>
        `${option.name} (${option.type ?? '?'}${option.default !== null ? `, default ${option.default}` : ''})${option.description ? `: ${option.description.replace(/\s+/g, ' ')}` : ''}`,
    );
    return [origin, check, list.length ? `Options:\n${list.join('\n')}` : `No option matches "${query}".`]
      .filter(Boolean)
      .join('\n');
  },
});
