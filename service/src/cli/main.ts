// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import { connectBus } from '../dbus/connection.js';
import { type ParsedLine, parseLine, suggestion, UsageError } from './argv.js';
import { type CommandDefinition, subcommandsOf } from './commandDefinition.js';
import { commandNamed, COMMANDS } from './commands.js';
import { reportError } from './errors.js';
import { commandHelp, overview } from './help.js';
import { GLOBAL_OPTIONS } from './options.js';
import { setColour } from './terminal.js';

/** The command named on the line, with the options it takes checked. */
function commandOf(line: ParsedLine): CommandDefinition {
  const [name = ''] = line.words;
  const command = commandNamed(name);
  if (!command)
    throw new UsageError(
      `there is no command “${name}”${suggestion(
        name,
        COMMANDS.map((candidate) => candidate.name),
      )}`,
    );
  const args = line.words.slice(1);
  const subcommands = subcommandsOf(command);
  if (subcommands.length > 0 && args[0] !== undefined && !subcommands.includes(args[0]))
    throw new UsageError(`there is no command “${name} ${args[0]}”${suggestion(args[0], subcommands, `${name} `)}`);
  for (const option of line.given)
    if (!command.options.includes(option) && !GLOBAL_OPTIONS.includes(option))
      throw new UsageError(`“steward ${name}” does not take --${option}`);
  if (command.maxArgs !== undefined && args.length > command.maxArgs)
    throw new UsageError(`too many arguments for “steward ${name}”`);
  return command;
}

async function main(argv: string[]): Promise<number> {
  let line: ParsedLine;
  try {
    line = parseLine(argv);
  } catch (error) {
    return reportError(error, argv.includes('--json'), '“steward help” lists the commands and options.');
  }
  const { values, words } = line;
  setColour(values['no-color'] !== true);
  const json = values.json ?? false;
  if (values.version && words.length === 0) {
    process.stdout.write(`steward ${STEWARD_VERSION}\n`);
    return 0;
  }
  if (words.length === 0) {
    process.stdout.write(overview(COMMANDS));
    return values.help ? 0 : 2;
  }
  let command: CommandDefinition | undefined;
  let bus: MessageBus | undefined;
  try {
    command = commandOf(line);
    if (values.help) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    return await command.run({
      args: words.slice(1),
      values,
      json,
      bus: async () => (bus ??= await connectBus('session')),
    });
  } catch (error) {
    const named = command ?? commandNamed(words[0] ?? '');
    const help = named ? `“steward help ${named.name}” shows how to use it.` : '“steward help” lists the commands.';
    return reportError(error, json, help);
  } finally {
    bus?.disconnect();
  }
}

// A reader that stops early (steward ask … | head) closes the pipe: end as quietly as systemctl does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, process.argv.includes('--json'));
  },
);
