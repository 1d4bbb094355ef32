// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The zsh and fish completions as the shells themselves read them: each file
// passes the shell's own syntax check, and the shell's completion system,
// loaded with it, offers the commands, subcommands and options a user types.
// zsh and fish are installed by test/run.sh (integration_needs).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { COMMANDS } from '../../service/src/cli/commands.js';
import { fishCompletion, zshCompletion } from '../../service/src/cli/shellFiles.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);

// zsh's completion system runs only inside the line editor: an interactive zsh in a pseudo-terminal (zpty)
// is given the line and a Tab, with compadd wrapped to write each offered word to a file. zle skips completing
// while more input waits, so the line that writes the end marker is typed only once words have come. The loops'
// bounds (two minutes) only end a harness whose zsh never answers.
const ZSH_HARNESS = `
zmodload zsh/zpty
local fpath_dir=$1 line=$2 out=$3
zpty shell zsh -f -i
zpty -w shell "PROMPT= ; fpath=($fpath_dir \\$fpath); autoload -U compinit; compinit -u -D"
zpty -w shell 'compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi; local -a hits; builtin compadd -A hits "$@"; (( $#hits )) && print -rl -- $hits >> '"$out"'; }'
zpty -w -n shell "$line"$'\\t'
for attempt in {1..1200}; do
  [[ -s $out ]] && break
  sleep 0.1
done
sleep 0.2
zpty -w shell $'\\x15print -r -- END-OF-COMPLETION >> '"$out"
for attempt in {1..1200}; do
  [[ -f $out ]] && grep -q '^END-OF-COMPLETION$' $out && break
  sleep 0.1
done
zpty -d shell
`;

describe('the shell completions in the shells themselves', () => {
  let dir: TempDir;
  let zshFunctions: string;
  let fishFile: string;

  beforeAll(async () => {
    dir = await makeTempDir('steward-completions-');
    zshFunctions = join(dir.path, 'site-functions');
    await mkdir(zshFunctions);
    await writeFile(join(zshFunctions, '_steward'), zshCompletion(COMMANDS));
    fishFile = join(dir.path, 'steward.fish');
    await writeFile(fishFile, fishCompletion(COMMANDS));
    await writeFile(join(dir.path, 'harness.zsh'), ZSH_HARNESS);
  });

  afterAll(() => dir.remove());

  it('passes zsh’s and fish’s syntax checks', async () => {
    await expectAsync(run('zsh', ['-n', join(zshFunctions, '_steward')])).toBeResolved();
    await expectAsync(run('fish', ['--no-execute', fishFile])).toBeResolved();
  });

  /** The words fish offers for `line` (each "word<TAB>description"), its completion file loaded. */
  const fishOffers = async (line: string) => {
    const { stdout } = await run('fish', [
      '--no-config',
      '-c',
      `source $argv[1]; complete -C $argv[2]`,
      fishFile,
      line,
    ]);
    return stdout.split('\n').filter(Boolean);
  };

  it('completes commands, subcommands and options in fish, with their descriptions', async () => {
    expect(await fishOffers('steward mo')).toEqual(["models\tList the installed models (Steward's and Ollama's)"]);
    expect(await fishOffers('steward models p')).toEqual(['pull']);
    expect(await fishOffers('steward ask --no')).toEqual([
      '--no-color\tNever colour the output',
      '--no-tools\tAnswer without consulting the system',
    ]);
  });

  /** The words zsh's completion system offers for `line`, the completion function found on fpath. */
  const zshOffers = async (line: string) => {
    const out = join(dir.path, `zsh-${Math.random().toString(36).slice(2)}.txt`);
    await run('zsh', ['-f', join(dir.path, 'harness.zsh'), zshFunctions, line, out], { timeout: 30_000 });
    const words = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
    expect(words.at(-1)).toBe('END-OF-COMPLETION');
    return words.slice(0, -1);
  };

  it('completes commands, subcommands and options in zsh’s completion system', async () => {
    expect(await zshOffers('steward mo')).toEqual(['models']);
    expect(await zshOffers('steward models p')).toEqual(['pull']);
    expect(await zshOffers('steward ask --no')).toEqual(jasmine.arrayWithExactContents(['--no-color', '--no-tools']));
  });
});
