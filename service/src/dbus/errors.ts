// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { DBusError } from '@jellybrick/dbus-next';

const ERROR_PREFIX = 'io.github.steward.Steward1.Error';

export type StewardErrorName =
  | 'InvalidArgs'
  | 'NotFound'
  | 'Busy'
  | 'NotAuthorized'
  | 'SessionEnding'
  | 'ConfirmationRequired'
  | 'Unavailable'
  | 'Timeout'
  | 'InvalidOutput'
  | 'NoSpeechModel'
  | 'NoMicrophone'
  | 'DeviceBusy'
  | 'EngineFailed'
  | 'DownloadFailed'
  | 'ChecksumMismatch'
  | 'DiskFull'
  | 'Internal';

/**
 * An error meant for the D-Bus caller: its message is shown to people, so it
 * says what went wrong in their terms and never carries a stack trace.
 */
export class StewardError extends Error {
  constructor(
    readonly errorName: StewardErrorName,
    message: string,
  ) {
    super(message);
    this.name = `StewardError.${errorName}`;
  }

  get dbusName(): string {
    return `${ERROR_PREFIX}.${this.errorName}`;
  }
}

/** Error messages can quote what the caller sent; a reply or a log line never carries more than this. */
export const MAX_ERROR_MESSAGE = 1000;

/** `text` cut to `max` characters, saying how much was left out. */
export function bounded(text: string, max = MAX_ERROR_MESSAGE): string {
  if (text.length <= max) return text;
  const rest = (left: number) => `… (${left} more characters)`;
  const keep = max - rest(text.length).length;
  return text.slice(0, keep) + rest(text.length - keep);
}

/** The name of a remote error, or undefined when `error` did not come from the bus. */
export function remoteErrorName(error: unknown): string | undefined {
  return error instanceof DBusError ? error.type : undefined;
}
