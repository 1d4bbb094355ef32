// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What one entry of the commands' table (commands.ts) holds: the dispatcher, `steward help`, the man page and the
// shell completions read it.
import type { MessageBus } from '@jellybrick/dbus-next';

import type { OptionName, OptionValues } from './options.js';

export interface CommandContext {
  /** The words after the command's name. */
  args: string[];
  values: OptionValues;
  json: boolean;
  /** The session bus, connected on first use and closed when the command ends. */
  bus(): Promise<MessageBus>;
}

/** One way to call a command: its arguments, as the help shows them, and what it does. */
export interface CommandForm {
  args: string;
  /** In English (marked with N_), translated where it is shown. */
  summary: string;
}

export interface CommandDefinition {
  name: string;
  /** The first form is the command's own; the others are its subcommands. */
  forms: readonly CommandForm[];
  /** More about the command, for `steward help NAME` and the man page. */
  details?: string;
  options: readonly OptionName[];
  /** The most words the command takes after its name (the parser refuses more). */
  maxArgs?: number;
  run(context: CommandContext): Promise<number>;
}

/**
 * The subcommands of a command: the first word of each form that is not a placeholder ("[list]" counts
 * as "list"), and "list" for a command that lists when it is given none.
 */
export function subcommandsOf(command: CommandDefinition): string[] {
  // A subcommand with two forms ("pull URI", "pull speech:NAME") is offered once.
  const words = [
    ...new Set(
      command.forms
        .map((form) => (form.args.split(' ')[0] ?? '').replace(/^\[(.*)\]$/, '$1'))
        .filter((word) => /^[a-z][a-z-]*$/.test(word)),
    ),
  ];
  return words.length > 0 && command.forms[0]?.args === '' ? ['list', ...words] : words;
}
