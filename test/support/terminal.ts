// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs a command in a pseudo-terminal (util-linux's script), for the output a
// person sees: colour, spinners and lines that replace each other.
import { spawn } from 'node:child_process';

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Everything the command wrote to the terminal (stdout and stderr together, as a person sees them), and its status. */
export function inTerminal(
  command: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  // -e: script exits with the command's status; /dev/null: no typescript file is kept.
  const child = spawn('script', ['-q', '-e', '-c', command.map(quote).join(' '), '/dev/null'], {
    env: { TERM: 'xterm-256color', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}
