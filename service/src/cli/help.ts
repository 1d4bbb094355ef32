// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward help`, `steward help COMMAND` and `steward COMMAND --help`, made
// from the command table.
import { _, format } from '../i18n.js';
import { suggestion, UsageError } from './argv.js';
import type { CommandDefinition } from './commandDefinition.js';
import { EXIT_CODES } from './exitCodes.js';
import { GLOBAL_OPTIONS, optionLabel, type OptionName, OPTIONS } from './options.js';

const WIDTH = 100;
const LABEL_WIDTH = 27;

/** `text` broken into lines of at most `width` characters, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

/** "  LABEL          summary", the summary wrapped under itself. */
function row(label: string, summary: string): string {
  const indent = ' '.repeat(LABEL_WIDTH);
  const head = `  ${label}`;
  const start = head.length < LABEL_WIDTH - 1 ? head.padEnd(LABEL_WIDTH) : `${head}\n${indent}`;
  return `${start}${wrap(summary, WIDTH - LABEL_WIDTH, indent)}\n`;
}

const formLabel = (command: CommandDefinition, args: string) => `${command.name}${args ? ` ${args}` : ''}`;

export function overview(commands: readonly CommandDefinition[]): string {
  const lines = commands.flatMap((command) =>
    command.forms.map((form) => row(formLabel(command, form.args), _(form.summary))),
  );
  const options = (['json', ...GLOBAL_OPTIONS, 'version'] as OptionName[]).map((name) =>
    row(optionLabel(name), _(OPTIONS[name].summary)),
  );
  return [
    `${_('Usage:')} steward <command> [options]\n\n${_('Commands:')}\n`,
    ...lines,
    `\n${_('Options:')}\n`,
    ...options,
    `\n${_('“steward help COMMAND” or “steward COMMAND --help” shows the options of a command.')}\n`,
    `\n${_('Exit status:')}\n${exitStatusLines()}`,
  ].join('');
}

export function exitStatusLines(): string {
  return EXIT_CODES.map(({ code, meaning }) => row(String(code), _(meaning))).join('');
}

/** The help of one command: its forms, what it does, and the options it takes. */
export function commandHelp(command: CommandDefinition): string {
  const usage = command.forms.map(
    (form, index) =>
      `${index === 0 ? `${_('Usage:')} ` : ' '.repeat(_('Usage:').length + 1)}steward ${formLabel(command, form.args)}${command.options.length > 0 ? ' [options]' : ''}\n`,
  );
  const forms = command.forms.map((form) => row(formLabel(command, form.args), _(form.summary)));
  const options = [...command.options, ...GLOBAL_OPTIONS].map((name) =>
    row(optionLabel(name), _(OPTIONS[name].summary)),
  );
  return [
    ...usage,
    '\n',
    ...forms,
    ...(command.details ? [`\n${wrap(_(command.details), WIDTH, '')}\n`] : []),
    `\n${_('Options:')}\n`,
    ...options,
  ].join('');
}

/** The help asked for by `steward help [COMMAND]`. */
export function helpCommand(commands: readonly CommandDefinition[], args: string[]): number {
  const [name] = args;
  if (name === undefined) {
    process.stdout.write(overview(commands));
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command)
    throw new UsageError(
      `${format(_('there is no command “{name}”'), { name })}${suggestion(
        name,
        commands.map((candidate) => candidate.name),
      )}`,
    );
  process.stdout.write(commandHelp(command));
  return 0;
}
