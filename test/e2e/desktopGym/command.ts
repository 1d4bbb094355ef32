// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The session's command-line clients as the gym runs them (pw-dump, wpctl, lpstat, journalctl…): each within a
// deadline, killed past it, so that a client whose server never answers (a PipeWire client, a stuck cupsd) ends
// the row with a reason instead of hanging the run without a word.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { promisify } from 'node:util';

/** How long a client may take: they answer at once; one that does not is stuck. */
export const COMMAND_TIMEOUT_MS = 20_000;

const execFileAsync = promisify(execFile);

export async function command(
  file: string,
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const timeout = options.timeout ?? COMMAND_TIMEOUT_MS;
  try {
    const { stdout, stderr } = await execFileAsync(file, args, {
      maxBuffer: 64 * 1024 * 1024,
      killSignal: 'SIGKILL',
      ...options,
      timeout,
      encoding: 'utf8',
    });
    return { stdout, stderr };
  } catch (error) {
    const { killed, signal } = error as { killed?: boolean; signal?: string };
    if (killed && signal === 'SIGKILL')
      throw new Error(`${[file, ...args].join(' ')} did not answer within ${timeout / 1000} s`, { cause: error });
    throw error;
  }
}
