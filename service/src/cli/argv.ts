// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the command line against the option table, in our words rather than
// Node's parser's: an unknown option or command gets a suggestion.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { closest } from '../closestWord.js';
import { _, format } from '../i18n.js';
import { type OptionDefinition, type OptionName, OPTIONS, type OptionValues } from './options.js';

export interface ParsedLine {
  /** The words that are not options: the command, its subcommand and arguments. */
  words: string[];
  values: OptionValues;
  /** The options given, by name, to check them against the command's. */
  given: OptionName[];
}

/** "; did you mean “X”?" or nothing. */
export function suggestion(word: string, candidates: readonly string[], prefix = ''): string {
  const best = closest(word, candidates);
  return best ? format(_('; did you mean “{suggestion}”?'), { suggestion: `${prefix}${best}` }) : '';
}

export class UsageError extends Error {}

const NAMES = Object.keys(OPTIONS) as OptionName[];

/** The words and options of `argv`; a UsageError says what is wrong with them. */
export function parseLine(argv: string[]): ParsedLine {
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
    NAMES.map((name) => {
      const option: OptionDefinition = OPTIONS[name];
      return [name, { type: option.type, ...(option.short ? { short: option.short } : {}) }];
    }),
  );
  // Not strict: the checks below say what is wrong in our own words.
  const { tokens = [] } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const words: string[] = [];
  const values: Record<string, string | boolean> = {};
  const given: OptionName[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') words.push(token.value);
    if (token.kind !== 'option') continue;
    // The parser names a known short option by its long name.
    const name = token.name as OptionName;
    if (!(name in OPTIONS)) {
      throw new UsageError(
        format(_('there is no option {option}'), { option: token.rawName }) +
          (token.rawName.startsWith('--') ? suggestion(token.name, NAMES, '--') : ''),
      );
    }
    const option: OptionDefinition = OPTIONS[name];
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(format(_('--{option} takes no value'), { option: name }));
      values[name] = true;
    } else {
      // Without "=", the parser takes the next word even when it is another option.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
        throw new UsageError(
          format(_('--{option} needs a value ({value})'), { option: name, value: option.value ?? '' }),
        );
      values[name] = token.value;
    }
    given.push(name);
  }
  return { words, values, given };
}

/**
 * `text` when it is a numeric id (of a finding, proposal or job), checked here so that the user reads
 * which word was wrong rather than the bus's complaint about an argument; `invalid` says so, with {id}.
 */
export function numericId(text: string, invalid: string): string {
  if (/^[1-9]\d{0,15}$/.test(text)) return text;
  throw new UsageError(format(invalid, { id: text }));
}
