// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward nixos show|search|generations`: the NixOS declaration, the system's nixpkgs and its
// generations, read here directly (files and nix-instantiate; no service needed), as the assistant's
// nixos_* tools read them.
import { describeFiles, describeProfile } from '../assistant/tools/nixos.js';
import { focusOn } from '../nixos/configView.js';
import { type NixosReader, openNixosReader } from '../nixos/nixosReader.js';
import { resolvePaths } from '../paths.js';
import { testHooks } from '../testHooks.js';
import { cleanLine, cleanText } from '../untrustedText.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exitCodes.js';

export const NIXOS_USAGE = `  nixos show [ATTRPATH]    The configuration files Steward manages, their imports, and what they set below
                           ATTRPATH (e.g. services.openssh)
  nixos search WORDS|NAME  Packages and options of the nixpkgs this system was built from; an exact name is
                           checked, with the nearest real names when it does not exist (--limit N, --json)
  nixos generations        The system's and Home Manager's generations, newest first (--limit N, --json)
`;

export interface NixosOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const standardOutput: NixosOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const DEFAULT_LIMIT = 10;
const NAME = /^[a-zA-Z_][a-zA-Z0-9_'-]*(\.[a-zA-Z_<>*][a-zA-Z0-9_'<>*-]*)*$/;

export async function nixosCommand(
  args: string[],
  options: { json: boolean; limit: number | undefined },
  output: NixosOutput = standardOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [verb, ...words] = args;
  const known = verb === 'show' || verb === 'search' || verb === 'generations';
  if (!known || (verb === 'search' && words.length === 0) || (verb !== 'search' && words.length > 1)) {
    output.stderr(`steward: nixos needs “show [ATTRPATH]”, “search WORDS…” or “generations”\n\n${NIXOS_USAGE}`);
    return EXIT_USAGE;
  }
  const paths = resolvePaths(env);
  const root = testHooks(env).nixosRoot;
  if (root) output.stderr(`steward: reading NixOS below the test root ${root} (a test hook)\n`);
  const reader = await openNixosReader({ ...(root && { root }), home: paths.home, cacheHome: paths.cacheHome });
  if (!reader) {
    output.stderr('steward: this computer is not NixOS (no /etc/NIXOS, no /run/current-system)\n');
    return EXIT_FAILURE;
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (verb === 'show') return show(reader, words[0], options.json, output);
  if (verb === 'search') return search(reader, words.join(' '), limit, options.json, output);
  return generations(reader, limit, options.json, output);
}

async function show(reader: NixosReader, focus: string | undefined, json: boolean, output: NixosOutput) {
  if (focus !== undefined && !NAME.test(focus)) {
    output.stderr(`steward: “${cleanLine(focus)}” is not an attribute path such as services.openssh\n`);
    return EXIT_USAGE;
  }
  const files = await reader.declaration();
  const found = focus === undefined ? null : focusOn(files, focus);
  if (json) {
    output.stdout(
      `${JSON.stringify(found ? { files: files.map(({ text: _text, ...file }) => file), focus: found } : { files })}\n`,
    );
    return 0;
  }
  output.stdout(`${cleanText(describeFiles(files))}\n`);
  if (found) {
    output.stdout(`\nBelow ${focus}:\n`);
    if (found.length === 0) output.stdout(`  none of these files sets anything below ${focus}\n`);
    for (const binding of found) output.stdout(`${binding.file}:${binding.line}\n${cleanText(binding.text)}\n`);
    return 0;
  }
  for (const file of files.filter(({ problem }) => !problem)) {
    output.stdout(`\n--- ${file.path}\n${cleanText(file.text)}${file.truncated ? '\n… (cut at 64 KiB)' : ''}\n`);
  }
  return 0;
}

async function search(reader: NixosReader, query: string, limit: number, json: boolean, output: NixosOutput) {
  const nixpkgs = await reader.nixpkgs();
  const exact = NAME.test(query);
  const [packageCheck, optionCheck, packages, options] = await Promise.all([
    exact ? nixpkgs.checkPackage(query) : null,
    // An option's name has a dot; a single word is a search, not a name to check.
    exact && query.includes('.') ? nixpkgs.checkOption(query) : null,
    nixpkgs.searchPackages(query, limit),
    nixpkgs.searchOptions(query, limit),
  ]);
  if (json) {
    output.stdout(`${JSON.stringify({ source: nixpkgs.source, packageCheck, optionCheck, packages, options })}\n`);
    return 0;
  }
  const { source } = nixpkgs;
  output.stdout(`nixpkgs: ${source.path}${source.version ? ` (${source.version})` : ''}, found by ${source.from}\n`);
  if (packageCheck?.ok) output.stdout(`The package ${query} exists.\n`);
  if (optionCheck?.ok) output.stdout(`The option ${query} exists.\n`);
  if (exact && !packageCheck?.ok && !optionCheck?.ok) {
    for (const check of [packageCheck, optionCheck]) {
      if (!check || check.ok) continue;
      const nearest = check.suggestions.length ? ` Nearest: ${check.suggestions.join(', ')}.` : '';
      output.stdout(`${cleanLine(check.why)}.${cleanLine(nearest)}\n`);
    }
  }
  output.stdout(`\nPackages:\n`);
  if (packages.length === 0) output.stdout('  none\n');
  for (const info of packages)
    output.stdout(
      `  ${cleanLine(`${info.name} ${info.version ?? ''}`.trim())}${info.description ? `: ${cleanLine(info.description)}` : ''}\n`,
    );
  output.stdout(`\nOptions:\n`);
  if (!source.optionsJson) output.stdout('  (this system has no options.json)\n');
  else if (options.length === 0) output.stdout('  none\n');
  for (const option of options)
    output.stdout(
      `  ${cleanLine(option.name)} (${cleanLine(option.type ?? '?')})${option.description ? `: ${cleanLine(option.description, 200)}` : ''}\n`,
    );
  return 0;
}

async function generations(reader: NixosReader, limit: number, json: boolean, output: NixosOutput) {
  const { system, home } = await reader.generations();
  if (json) {
    output.stdout(`${JSON.stringify({ system, home })}\n`);
    return 0;
  }
  output.stdout(`${cleanText(describeProfile('System', system, limit))}\n`);
  if (home) output.stdout(`${cleanText(describeProfile('Home Manager', home, limit))}\n`);
  return system?.generations.length ? 0 : EXIT_FAILURE;
}
