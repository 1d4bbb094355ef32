// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { BUS_NAME } from './bus.js';

/** An error the service named ("io.github.steward.Steward1.Error.NotAuthorized"), with its message for people. */
export class StewardError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'StewardError';
  }
}

/** A call made while the service is not on the bus: the client never starts it by itself. */
export class ServiceNotRunningError extends Error {
  constructor() {
    super('The Steward service is not running');
    this.name = 'ServiceNotRunningError';
  }
}

/** The service's own error name, without its prefix: "NotAuthorized", "Busy"… */
export const errorNamed = (error: unknown, name: string): boolean =>
  error instanceof StewardError && error.errorName === `${BUS_NAME}.Error.${name}`;

/** Calls in flight end so when the client is destroyed. */
export const isCancelled = (error: unknown): boolean =>
  error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);

/**
 * What a failed call becomes: the service's named errors as StewardError, the
 * bus's "no such name" as ServiceNotRunningError, others as they came, with
 * the remote prefix stripped from their message.
 */
export function fromDBusError(error: unknown): unknown {
  if (!(error instanceof GLib.Error)) return error;
  if (
    error.matches(Gio.DBusError, Gio.DBusError.SERVICE_UNKNOWN) ||
    error.matches(Gio.DBusError, Gio.DBusError.NAME_HAS_NO_OWNER)
  )
    return new ServiceNotRunningError();
  const name = Gio.DBusError.get_remote_error(error);
  Gio.DBusError.strip_remote_error(error);
  return name?.startsWith(`${BUS_NAME}.Error.`) ? new StewardError(name, error.message) : error;
}

type Gettext = (text: string) => string;

/** Failures a person can be told about: the service's named errors, its absence, the bus's own errors. */
const isExpected = (error: unknown): boolean =>
  error instanceof StewardError || error instanceof ServiceNotRunningError || error instanceof GLib.Error;

/**
 * A failure in words for people; `_` is the caller's gettext (the shell's or the preferences').
 * Anything else is a bug in Steward (a TypeError, say): it is logged with its stack, where a log
 * check sees it, and the person is told where to find it rather than shown the exception.
 */
export function errorMessage(error: unknown, _: Gettext): string {
  if (error instanceof ServiceNotRunningError)
    return _('The Steward service is not running. Start it from the Steward menu in the top bar.');
  if (!isExpected(error)) {
    logError(error as object, 'Steward');
    return _('Something went wrong in Steward. The details are in the log: journalctl --user -b');
  }
  if (error instanceof GLib.Error) Gio.DBusError.strip_remote_error(error);
  return (error as Error | GLib.Error).message;
}
