// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs Steward's privileged NixOS helper through pkexec: a fixed argument list
// (the launcher, then one verb), the file's new text on standard input, and
// every line it or nixos-rebuild prints streamed as job progress. Home
// Manager's switch runs the same way, as the user.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { NotAuthorizedError, type RunOptions } from '../fixes/action.js';
import { _, format } from '../i18n.js';

/** Installed by the package; the polkit action io.github.steward.Steward1.nixos-rebuild names this path. */
export const HELPER_PATH = '/usr/libexec/steward/steward-nixos-helper';
export const DEFAULT_LAUNCHER = ['pkexec', HELPER_PATH] as const;

export type HelperVerb = 'switch' | 'rollback';

// pkexec's exit status when polkit refused or the dialog was dismissed.
const PKEXEC_NOT_AUTHORIZED = 126;

type Streamed = Pick<RunOptions, 'progress' | 'signal'>;

/** Runs `argv` (no shell) with `input` on stdin; resolves with its exit status and its last lines. */
function runStreamed(argv: readonly string[], input: string | null, { progress, signal }: Streamed) {
  const [command, ...args] = argv;
  if (!command) return Promise.reject(new Error('nothing to run'));
  return new Promise<{ code: number | null; last: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'], signal });
    const last: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) => {
          last.push(line);
          if (last.length > 5) last.shift();
          progress(null, line.slice(0, 500));
        });
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, last: last.join(' / ') }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** Runs `[...launcher, verb]` with `text` on stdin (switch; rollback reads none); NotAuthorizedError when polkit refused. */
export async function runHelper(
  launcher: readonly string[],
  verb: HelperVerb,
  text: string | null,
  run: Streamed,
): Promise<void> {
  const { code, last } = await runStreamed([...launcher, verb], text, run);
  if (code === PKEXEC_NOT_AUTHORIZED) throw new NotAuthorizedError();
  if (code !== 0)
    throw new Error(
      format(_('the NixOS helper failed ({verb}, exit status {code}): {output}'), {
        verb,
        code: String(code),
        output: last,
      }),
    );
}

/** `home-manager switch`, as the user. */
export async function homeSwitch(run: Streamed): Promise<void> {
  const { code, last } = await runStreamed(['home-manager', 'switch'], null, run);
  if (code !== 0)
    throw new Error(
      format(_('home-manager switch failed (exit status {code}): {output}'), { code: String(code), output: last }),
    );
}
