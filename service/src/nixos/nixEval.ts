// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Evaluation of a small Nix expression with the real nix-instantiate, its arguments passed as strings
// (--argstr), never spliced into the expression's text.

import { execFile } from 'node:child_process';

const TIMEOUT_MS = 180_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

export class NixEvalError extends Error {
  override name = 'NixEvalError';
}

/** The JSON value of `expression`, a function of the string arguments `args`. */
export function evaluateJson(expression: string, args: Record<string, string>): Promise<unknown> {
  const argv = ['--eval', '--strict', '--json', '-E', expression];
  for (const [name, value] of Object.entries(args)) argv.push('--argstr', name, value);
  return new Promise((resolve, reject) => {
    execFile(
      'nix-instantiate',
      argv,
      { timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new NixEvalError(stderr.trim().split('\n').slice(-3).join('\n') || error.message));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
