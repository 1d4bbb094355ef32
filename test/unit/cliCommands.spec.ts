// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseLine, UsageError } from '../../service/src/cli/argv.js';
import { subcommandsOf } from '../../service/src/cli/commandDefinition.js';
import { COMMANDS } from '../../service/src/cli/commands.js';
import { plainMessage } from '../../service/src/cli/errors.js';
import { commandHelp, overview } from '../../service/src/cli/help.js';
import { OPTIONS } from '../../service/src/cli/options.js';
import { bashCompletion, fishCompletion, manPage, zshCompletion } from '../../service/src/cli/shellFiles.js';
import { closest, editDistance } from '../../service/src/closestWord.js';
import { cleanText } from '../../service/src/untrustedText.js';

const usageMessage = (argv: string[]) => {
  try {
    parseLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return undefined;
};

describe('the steward command line', () => {
  it('suggests the word that was meant, swapped letters included', () => {
    expect(editDistance('lsit', 'list')).toBe(1);
    expect(editDistance('finding', 'findings')).toBe(1);
    expect(closest('fidnings', ['findings', 'proposals'])).toBe('findings');
    expect(closest('stat', ['status', 'start'])).toBe('start');
    expect(closest('xyzzy', ['findings', 'proposals'])).toBeUndefined();
  });

  it('reads options in its own words, not the parser’s', () => {
    expect(parseLine(['ask', '--seed', '7', '-y', 'why?'])).toEqual({
      words: ['ask', 'why?'],
      values: { seed: '7', yes: true },
      given: ['seed', 'yes'],
    });
    expect(usageMessage(['status', '--jsno'])).toBe('there is no option --jsno; did you mean “--json”?');
    expect(usageMessage(['history', '--limit'])).toBe('--limit needs a value (N)');
    expect(usageMessage(['history', '--limit', '--json'])).toBe('--limit needs a value (N)');
    expect(usageMessage(['status', '--json=yes'])).toBe('--json takes no value');
    expect(usageMessage(['status', '-q'])).toBe('there is no option -q');
  });

  it('gives each command its own help, with only the options it takes', () => {
    const ask = COMMANDS.find((command) => command.name === 'ask');
    const help = commandHelp(ask!);
    expect(help).toMatch(/^Usage: steward ask \[QUESTION\] \[options\]\n/);
    expect(help).toContain('--require-tool');
    expect(help).toContain('--continue');
    expect(help).not.toContain('--undoable');
    expect(overview(COMMANDS)).toContain('  sessions rm ID ');
    expect(overview(COMMANDS)).toContain('Exit status:\n  0 ');
  });

  it('names the subcommands of each command for completion and suggestions', () => {
    const models = COMMANDS.find((command) => command.name === 'models')!;
    expect(subcommandsOf(models)).toEqual(['list', 'pull', 'import', 'use', 'rm', 'recommend', 'speech']);
    expect(subcommandsOf(COMMANDS.find((command) => command.name === 'findings')!)).toEqual([
      'list',
      'show',
      'ignore',
      'unignore',
    ]);
    expect(subcommandsOf(COMMANDS.find((command) => command.name === 'ask')!)).toEqual([]);
    for (const command of COMMANDS)
      for (const option of command.options)
        expect(OPTIONS[option]).withContext(`${command.name} --${option}`).toBeDefined();
  });

  it('says what the service refused in the check’s words, not the bus’s', () => {
    expect(plainMessage('Invalid arguments for Get: argument “id”: not a finding id from List')).toBe(
      'not a finding id',
    );
    expect(plainMessage('Invalid arguments for Send: argument “session_id”: not a session id from Send')).toBe(
      'not a session id',
    );
    expect(plainMessage('there is no proposal 999')).toBe('there is no proposal 999');
  });

  it('keeps the lines of a model’s answer but none of its escape sequences', () => {
    expect(cleanText('one\n\ttwo \u001b[31mred\u001b[0m\r\n\u001b]0;title\u0007three\u202e\u0000')).toBe(
      'one\n\ttwo red\nthree',
    );
  });

  it('writes a man page that man can format, and completions that complete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-shell-'));
    try {
      writeFileSync(join(dir, 'steward.1'), manPage(COMMANDS, '1.2.3'));
      const formatted = spawnSync('man', ['-l', join(dir, 'steward.1')], {
        encoding: 'utf8',
        env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '', PAGER: 'cat' },
      });
      expect(formatted.stderr).toBe('');
      expect(formatted.stdout).toContain('steward sessions show ID');
      expect(formatted.stdout).toContain('--require-tool');
      writeFileSync(join(dir, 'steward.bash'), bashCompletion(COMMANDS));
      const complete = (words: string) =>
        execFileSync(
          'bash',
          [
            '-c',
            `source "$1"; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _steward; echo "\${COMPREPLY[@]}"`,
            'bash',
            join(dir, 'steward.bash'),
          ],
          { encoding: 'utf8' },
        ).trim();
      expect(complete('steward se')).toBe('sessions');
      expect(complete('steward models p')).toBe('pull');
      expect(complete('steward ask --no')).toBe('--no-tools --no-color');
    } finally {
      rmSync(dir, { recursive: true });
    }
    expect(zshCompletion(COMMANDS)).toContain("'1:subcommand:(list pull import use rm recommend speech)'");
    expect(fishCompletion(COMMANDS)).toContain(
      "complete -c steward -n '__fish_seen_subcommand_from ask' -l require-tool -d 'Make the model consult a tool before it answers'",
    );
  });

  it('speaks the user’s language in its help and its man page, German and French', () => {
    const help = (language: string, ...args: string[]) =>
      execFileSync(process.execPath, [join('dist', 'service', 'steward.js'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, LANGUAGE: language, LANG: `${language}_${language.toUpperCase()}.UTF-8` },
      });
    expect(help('de', 'help')).toContain(
      'Befehle:\n  status                   Anzeigen, was der Steward-Dienst gerade tut\n',
    );
    expect(help('fr', 'status', '--help')).toContain('Usage\u202f: steward status [options]\n');
    expect(help('fr', 'status', '--help')).toContain('Le code de sortie est 3 quand le service ne fonctionne pas.');
    for (const [language, heading] of [
      ['de', 'BESCHREIBUNG'],
      ['fr', 'DESCRIPTION'],
    ] as const) {
      const page = join('dist', 'share', 'man', language, 'man1', 'steward.1');
      const formatted = spawnSync('man', ['-l', page], {
        encoding: 'utf8',
        env: { ...process.env, LANG: 'C.UTF-8', MANWIDTH: '100', MAN_KEEP_FORMATTING: '', PAGER: 'cat' },
      });
      expect(formatted.stderr).withContext(page).toBe('');
      expect(formatted.stdout).toContain(heading);
      expect(formatted.stdout).toContain(language === 'de' ? 'Den Dienst starten' : 'Démarrer le service');
    }
  });
});
