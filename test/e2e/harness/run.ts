// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn, type StdioOptions } from 'node:child_process';

/** PATH for the tools the harness runs, with the sbin directories that a non-login root shell may lack. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunOptions {
  /** Defaults to capturing stdout and stderr for the error message. */
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion; rejects with the end of its output when it fails. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<void> {
  const child = spawn(command, args, {
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    env: options.env ?? { PATH: SYSTEM_PATH },
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${output}`));
    });
  });
}
