// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The man page steward(1), in English and in each language Steward is translated
// into, and the bash, zsh and fish completions, made from the command table at
// build time (build/build.mjs writes them under dist/share).
import { readdirSync } from 'node:fs';

import { _, loadTranslations } from '../i18n.js';
import { type CommandDefinition, subcommandsOf } from './commandDefinition.js';
import { COMMANDS } from './commands.js';
import { EXIT_CODES } from './exitCodes.js';
import { GLOBAL_OPTIONS, type OptionDefinition, optionLabel, type OptionName, OPTIONS } from './options.js';

/** Text safe in roff: backslashes doubled, hyphens kept as hyphens, no line starting with a control character. */
const roff = (text: string) => text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^[.']/gm, '\\&$&');

const optionsOf = (command: CommandDefinition): OptionName[] => [...command.options, ...GLOBAL_OPTIONS];

export function manPage(commands: readonly CommandDefinition[], version: string): string {
  const lines = [
    `.TH STEWARD 1 "" "Steward ${version}" "${_('User Commands')}"`,
    `.SH ${_('NAME')}`,
    `steward \\- ${roff(_('ask, inspect and control the Steward service'))}`,
    `.SH ${_('SYNOPSIS')}`,
    '.B steward',
    `.I ${_('command')}`,
    `.RI [ ${_('options')} ]`,
    `.SH ${_('DESCRIPTION')}`,
    roff(
      _(
        'Steward watches the journal, units, files, network and disks of this session, turns what it sees into findings, and proposes fixes that run only after you apply them. This command talks to the Steward service on the session bus.',
      ),
    ),
    `.SH ${_('COMMANDS')}`,
  ];
  for (const command of commands) {
    for (const form of command.forms) {
      lines.push(
        '.TP',
        `.B steward ${roff(`${command.name}${form.args ? ` ${form.args}` : ''}`)}`,
        roff(_(form.summary)),
      );
    }
    if (command.details) lines.push('.IP', roff(_(command.details)));
    const options = command.options.map((name) => `\\fB${roff(optionLabel(name))}\\fR`).join(', ');
    if (options) lines.push('.IP', `${_('Options:')} ${options}.`);
  }
  lines.push(`.SH ${_('OPTIONS')}`);
  for (const name of Object.keys(OPTIONS) as OptionName[])
    lines.push('.TP', `.B ${roff(optionLabel(name))}`, roff(_(OPTIONS[name].summary)));
  lines.push(
    `.SH ${_('ENVIRONMENT')}`,
    '.TP',
    '.B NO_COLOR',
    roff(_('When set and not empty, the output is never coloured.')),
  );
  lines.push(`.SH ${_('EXIT STATUS')}`);
  for (const { code, meaning } of EXIT_CODES) lines.push('.TP', `.B ${code}`, roff(_(meaning)));
  lines.push(`.SH ${_('SEE ALSO')}`, '.BR systemctl (1),', '.BR journalctl (1)');
  return `${lines.join('\n')}\n`;
}

const longOptions = (command: CommandDefinition) => optionsOf(command).map((name) => `--${name}`);

export function bashCompletion(commands: readonly CommandDefinition[]): string {
  const cases = commands
    .map((command) => {
      const words = [...subcommandsOf(command), ...longOptions(command)].join(' ');
      return `    ${command.name}) words='${words}' ;;`;
    })
    .join('\n');
  return `# bash completion for steward, generated from its command table
_steward() {
  local current=\${COMP_WORDS[COMP_CWORD]} words
  if [[ $COMP_CWORD -eq 1 ]]; then
    words='${commands.map((command) => command.name).join(' ')} --help --version'
  else
    case \${COMP_WORDS[1]} in
${cases}
    *) words='' ;;
    esac
  fi
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$current")
}
complete -F _steward steward
`;
}

const zshQuote = (text: string) => text.replace(/'/g, `'\\''`).replace(/[[\]:]/g, '\\$&');

export function zshCompletion(commands: readonly CommandDefinition[]): string {
  const names = commands.map((command) => `'${command.name}:${zshQuote(command.forms[0]?.summary ?? '')}'`).join(' ');
  const cases = commands
    .map((command) => {
      const options = optionsOf(command).map((name) => {
        const option: OptionDefinition = OPTIONS[name];
        return `'--${name}${option.type === 'string' ? '=' : ''}[${zshQuote(option.summary)}]${option.type === 'string' ? `:${(option.value ?? 'value').toLowerCase()}:` : ''}'`;
      });
      const subcommands = subcommandsOf(command);
      const first = subcommands.length > 0 ? [`'1:subcommand:(${subcommands.join(' ')})'`] : [];
      return `    ${command.name}) _arguments ${[...options, ...first, "'*:argument:_files'"].join(' ')} ;;`;
    })
    .join('\n');
  return `#compdef steward
# zsh completion for steward, generated from its command table
_steward() {
  local -a commands
  commands=(${names})
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases}
  esac
}
_steward "$@"
`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function fishCompletion(commands: readonly CommandDefinition[]): string {
  const lines = [
    '# fish completion for steward, generated from its command table',
    'complete -c steward -f',
    ...commands.map(
      (command) =>
        `complete -c steward -n __fish_use_subcommand -a ${command.name} -d ${fishQuote(command.forms[0]?.summary ?? '')}`,
    ),
  ];
  for (const command of commands) {
    const when = `'__fish_seen_subcommand_from ${command.name}'`;
    const subcommands = subcommandsOf(command);
    if (subcommands.length > 0) lines.push(`complete -c steward -n ${when} -a '${subcommands.join(' ')}'`);
    for (const name of optionsOf(command)) {
      const option: OptionDefinition = OPTIONS[name];
      const short = option.short ? ` -s ${option.short}` : '';
      const value = option.type === 'string' ? ' -r' : '';
      lines.push(`complete -c steward -n ${when} -l ${name}${short}${value} -d ${fishQuote(option.summary)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The files to install, by their path under a prefix such as /usr or ~/.local: the man page also as
 * share/man/LANG/man1/steward.1 for each language compiled in `localeDir` (LANG/LC_MESSAGES/steward.mo).
 */
export function shellFiles(version: string, localeDir?: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (localeDir) {
    for (const lang of readdirSync(localeDir).sort()) {
      if (loadTranslations(localeDir, { LANGUAGE: lang, LANG: `${lang}.UTF-8` }) !== lang) continue;
      files[`share/man/${lang}/man1/steward.1`] = manPage(COMMANDS, version);
    }
    loadTranslations(localeDir, { LANG: 'C' });
  }
  return {
    'share/man/man1/steward.1': manPage(COMMANDS, version),
    ...files,
    'share/bash-completion/completions/steward': bashCompletion(COMMANDS),
    'share/zsh/site-functions/_steward': zshCompletion(COMMANDS),
    'share/fish/vendor_completions.d/steward.fish': fishCompletion(COMMANDS),
  };
}
