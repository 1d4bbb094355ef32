import { DBusError } from '@jellybrick/dbus-next';

const ERROR_PREFIX = 'io.github.steward.Steward1.Error';

export type StewardErrorName =
  | 'InvalidArgs'
  | 'NotFound'
  | 'Busy'
  | 'NotAuthorized'
  | 'ConfirmationRequired'
  | 'Unavailable'
  | 'Timeout'
  | 'InvalidOutput'
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

/** The name of a remote error, or undefined when `error` did not come from the bus. */
export function remoteErrorName(error: unknown): string | undefined {
  return error instanceof DBusError ? error.type : undefined;
}
