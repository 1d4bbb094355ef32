// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every option the CLI knows, once: the parser, the help, the man page and the
// shell completions read this table. A command lists the names it takes.

import { N_ } from '../i18n.js';

export interface OptionDefinition {
  type: 'boolean' | 'string';
  short?: string;
  /** What the value stands for, as the help shows it: --limit N. */
  value?: string;
  summary: string;
}

export const OPTIONS = {
  json: { type: 'boolean', summary: N_('Print machine-readable JSON, errors included') },
  all: { type: 'boolean', summary: N_('Include resolved or past entries') },
  yes: { type: 'boolean', short: 'y', summary: N_('Do not ask for confirmation') },
  undoable: { type: 'boolean', summary: N_('Only the jobs that can be undone') },
  limit: { type: 'string', value: 'N', summary: N_('Show at most N records') },
  'after-first': { type: 'boolean', summary: N_('Announce it once, then keep quiet') },
  sha256: { type: 'string', value: 'HEX', summary: N_('Verify the download against this SHA-256 digest') },
  link: { type: 'boolean', summary: N_('Link the file into the store instead of copying it') },
  session: {
    type: 'string',
    value: 'ID',
    summary: N_('Continue this conversation (a unique prefix of its id is enough)'),
  },
  continue: { type: 'boolean', short: 'c', summary: N_('Continue the latest conversation') },
  new: { type: 'boolean', summary: N_('Start a new conversation') },
  'max-tokens': { type: 'string', value: 'N', summary: N_('Stop the answer after N tokens') },
  temperature: { type: 'string', value: 'T', summary: N_('Sampling temperature (0 answers the same way each time)') },
  seed: { type: 'string', value: 'N', summary: N_('Random seed, for answers that can be reproduced') },
  'no-tools': { type: 'boolean', summary: N_('Answer without consulting the system') },
  'require-tool': { type: 'boolean', summary: N_('Make the model consult a tool before it answers') },
  model: { type: 'string', value: 'PATH|URL', summary: N_('The GGUF file or OpenAI-compatible endpoint to score') },
  'remote-model': { type: 'string', value: 'NAME', summary: N_('The model name at a remote endpoint') },
  corpus: { type: 'string', value: 'DIR', summary: N_('Read the scenarios from DIR') },
  category: { type: 'string', value: 'C', summary: N_('Only the scenarios of category C') },
  verbose: { type: 'boolean', summary: N_('List each scenario') },
  follow: { type: 'boolean', short: 'f', summary: N_('Keep printing new log lines') },
  lines: { type: 'string', short: 'n', value: 'N', summary: N_('Show the last N log lines') },
  http: { type: 'boolean', summary: N_('Serve over Streamable HTTP on 127.0.0.1 instead of stdio') },
  port: { type: 'string', value: 'N', summary: N_('The port for --http (any free one by default)') },
  purge: { type: 'boolean', summary: N_('Also delete the data and the downloaded models') },
  'no-color': { type: 'boolean', summary: N_('Never colour the output') },
  help: { type: 'boolean', short: 'h', summary: N_('Show the help of the command') },
  version: { type: 'boolean', summary: N_('Print the version of this tool') },
} as const satisfies Record<string, OptionDefinition>;

export type OptionName = keyof typeof OPTIONS;

/** The parsed options: booleans for switches, text for options with a value. */
export type OptionValues = {
  -readonly [name in OptionName]?: (typeof OPTIONS)[name]['type'] extends 'boolean' ? boolean : string;
};

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['no-color', 'help'];

/** "--limit N" or "-y, --yes", as help and man page show it. */
export function optionLabel(name: OptionName): string {
  const option: OptionDefinition = OPTIONS[name];
  const long = `--${name}${option.value ? ` ${option.value}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : long;
}
