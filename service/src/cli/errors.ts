// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How every command reports a failure: one sentence on stderr in the user's
// terms, or, under --json, an object on stdout that keeps the D-Bus error name
// for scripts.
import { DBusError } from '@jellybrick/dbus-next';

import { StewardError } from '../dbus/errors.js';
import { UsageError } from './argv.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exitCodes.js';

export interface ReportedError {
  /** The D-Bus error name, "usage" for a wrong command line, or "failure". */
  name: string;
  message: string;
  exitCode: number;
}

/**
 * The service checks its arguments in the bus's terms ("Invalid arguments for Get: argument “id”:
 * not a finding id from List"); people get the checks' own words ("not a finding id").
 */
export function plainMessage(text: string): string {
  const invalid = /^Invalid arguments for \w+: (.*)$/s.exec(text);
  if (!invalid) return text;
  return (invalid[1] ?? '')
    .split('; ')
    .map((issue) => issue.replace(/^(argument “[^”]*”( at \S+)?|arguments): /, '').replace(/ from [A-Z]\w+$/, ''))
    .join('; ');
}

export function describeError(error: unknown): ReportedError {
  if (error instanceof UsageError) return { name: 'usage', message: error.message, exitCode: EXIT_USAGE };
  if (error instanceof StewardError) return { name: error.dbusName, message: error.message, exitCode: EXIT_FAILURE };
  if (error instanceof DBusError)
    return { name: error.type, message: plainMessage(error.text ?? error.type), exitCode: EXIT_FAILURE };
  return { name: 'failure', message: (error as Error).message, exitCode: EXIT_FAILURE };
}

/** Prints `error` in the one style; returns the exit status. */
export function reportError(error: unknown, json: boolean, hint = ''): number {
  const { name, message, exitCode } = describeError(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { name, message } })}\n`);
  else process.stderr.write(`steward: ${message}\n${name === 'usage' && hint ? `${hint}\n` : ''}`);
  return exitCode;
}
