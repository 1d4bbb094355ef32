// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A client for PackageKit on the system bus: one transaction per call, run to
// its Finished signal, with what it reported along the way.
import type { Variant } from '@jellybrick/dbus-next';

import { callMethod, type CallOptions, SignalRouter } from '../../dbus/client.js';
import { StewardError } from '../../dbus/errors.js';
import { _, format } from '../../i18n.js';
import { type ActionContext, NotAuthorizedError } from '../action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from './polkit.js';

const PACKAGEKIT = 'org.freedesktop.PackageKit';
const PACKAGEKIT_PATH = '/org/freedesktop/PackageKit';
const TRANSACTION = `${PACKAGEKIT}.Transaction`;
const PROPERTIES = 'org.freedesktop.DBus.Properties';
// packagekitd is started by D-Bus activation and quits when idle, so the first call may wait for it.
const START: CallOptions = { timeoutMs: 60_000 };

/** PkFilterEnum values as a bitfield (2 ** enum; xgettext 0.21 takes a shift for the start of an E4X literal). */
export const FILTER = { installed: 2 ** 2, notInstalled: 2 ** 3, newest: 2 ** 16, arch: 2 ** 18 } as const;
/** PkTransactionFlagEnum values as a bitfield. */
export const FLAG = { onlyTrusted: 2 ** 1, simulate: 2 ** 2 } as const;

/** PkInfoEnum: what a Package signal says about a package. */
export const INFO = {
  installed: 1,
  available: 2,
  downloading: 10,
  updating: 11,
  installing: 12,
  removing: 13,
  obsoleting: 15,
  reinstalling: 19,
  downgrading: 20,
} as const;

const EXIT_SUCCESS = 1;
/** PkErrorEnum values that are not plain failures. */
const ERROR = { packageNotFound: 8, cannotGetLock: 26, notAuthorized: 48, lockRequired: 67 } as const;
/** Percentage and ItemProgress use 101 for "not known". */
const UNKNOWN_PERCENTAGE = 101;

export interface PackageRef {
  /** "name;version;arch;data", as PackageKit names it. */
  id: string;
  name: string;
  version: string;
  arch: string;
  /** The repository, or "installed" (some backends: "installed:repo"). */
  data: string;
  info: number;
  /** One line from the package's description, as the Package signal gives it (untrusted text). */
  summary: string;
}

export function parsePackageId(id: string, info: number, summary = ''): PackageRef {
  const [name = id, version = '', arch = '', data = ''] = id.split(';');
  return { id, name, version, arch, data, info, summary };
}

/** What PackageKit's calls need: the system bus, and a log for a transaction that would not cancel. */
export type PackageKitContext = Pick<ActionContext, 'systemBus' | 'log'>;

export interface TransactionResult {
  packages: PackageRef[];
  /** Details signals (GetDetails), by package id. */
  details: Map<string, Record<string, Variant>>;
}

export interface TransactionOptions {
  /** Asks polkit, and may wait for the user to answer its dialog. */
  authorized?: boolean;
  progress?: (fraction: number | null, text: string) => void;
  /** Aborting asks PackageKit to cancel the transaction; the call still waits for its end. */
  signal?: AbortSignal;
}

/**
 * Runs `method` in a new transaction and resolves once PackageKit finishes
 * it. Its errors: a refused prompt is NotAuthorizedError, anything else a
 * StewardError with PackageKit's own words.
 */
export async function transaction(
  context: PackageKitContext,
  method: string,
  signature: string,
  body: unknown[],
  options: TransactionOptions = {},
): Promise<TransactionResult> {
  const bus = systemBusOf(context);
  const [path] = (await systemCall(
    callMethod(
      bus,
      { destination: PACKAGEKIT, path: PACKAGEKIT_PATH, interface: PACKAGEKIT, member: 'CreateTransaction' },
      START,
    ),
    'PackageKit',
  )) as [string];
  const result: TransactionResult = { packages: [], details: new Map() };
  let error: { code: number; details: string } | undefined;
  let fraction: number | null = null;
  let text = '';
  const report = () => options.progress?.(fraction, text);
  let finish: (exit: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const router = new SignalRouter(bus);
  const unsubscribe = await Promise.all([
    router.subscribe({ path, interface: TRANSACTION }, (signalBody, message) => {
      switch (message.member) {
        case 'Package': {
          const [info, id, summary] = signalBody as [number, string, string];
          const ref = parsePackageId(id, info, summary);
          result.packages.push(ref);
          text = format(verbOf(info), { package: ref.name });
          return report();
        }
        case 'ItemProgress': {
          const [id, , percentage] = signalBody as [string, number, number];
          if (percentage === UNKNOWN_PERCENTAGE) return;
          text = `${parsePackageId(id, 0).name}: ${percentage} %`;
          return report();
        }
        case 'Details': {
          const [data] = signalBody as [Record<string, Variant>];
          result.details.set(data['package-id']?.value as string, data);
          return;
        }
        case 'ErrorCode': {
          const [code, details] = signalBody as [number, string];
          error = { code, details };
          return;
        }
        case 'Finished':
          return finish((signalBody as [number])[0]);
      }
    }),
    router.subscribe({ path, interface: PROPERTIES, member: 'PropertiesChanged' }, (signalBody) => {
      const [, changed] = signalBody as [string, Record<string, Variant>];
      const percentage = changed.Percentage?.value as number | undefined;
      if (percentage === undefined) return;
      fraction = percentage === UNKNOWN_PERCENTAGE ? null : percentage / 100;
      report();
    }),
  ]);
  const cancel = () => {
    callMethod(bus, { destination: PACKAGEKIT, path, interface: TRANSACTION, member: 'Cancel' }).catch(
      (cause: unknown) => context.log.warning('PackageKit did not cancel the transaction', { error: String(cause) }),
    );
  };
  try {
    const call = (member: string, sig: string, args: unknown[], callOptions?: CallOptions) =>
      callMethod(
        bus,
        { destination: PACKAGEKIT, path, interface: TRANSACTION, member, signature: sig, body: args },
        callOptions,
      );
    const interactive = options.authorized ? 'true' : 'false';
    await call('SetHints', 'as', [['locale=C.UTF-8', `interactive=${interactive}`, 'background=false']]);
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', cancel, { once: true });
    await systemCall(call(method, signature, body, options.authorized ? AUTHORIZED_CALL : undefined), 'PackageKit');
    const exit = await finished;
    if (error?.code === ERROR.notAuthorized)
      throw new NotAuthorizedError(
        format(_('The system did not authorize this: {details}'), { details: error.details }),
      );
    if (exit !== EXIT_SUCCESS) {
      options.signal?.throwIfAborted();
      throw new StewardError(
        errorNameOf(error?.code),
        // Translators: {details} is PackageKit's own message, often in English.
        format(_('PackageKit could not do it: {details}'), {
          details: error?.details ?? format(_('exit status {status}'), { status: exit }),
        }),
      );
    }
    return result;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await Promise.all(unsubscribe.map((stop) => stop()));
  }
}

function errorNameOf(code: number | undefined) {
  if (code === ERROR.packageNotFound) return 'NotFound';
  if (code === ERROR.cannotGetLock || code === ERROR.lockRequired) return 'Busy';
  return 'Unavailable';
}

/** The progress line for a package (`{package}`), by PackageKit's info. */
function verbOf(info: number): string {
  switch (info) {
    case INFO.downloading:
      return _('Downloading {package}');
    case INFO.updating:
      return _('Updating {package}');
    case INFO.installing:
      return _('Installing {package}');
    case INFO.removing:
      return _('Removing {package}');
    case INFO.obsoleting:
      return _('Replacing {package}');
    case INFO.reinstalling:
      return _('Reinstalling {package}');
    case INFO.downgrading:
      return _('Downgrading {package}');
    default:
      return _('Processing {package}');
  }
}

/** Resolves package names with `filter`: what PackageKit knows by those names. */
export async function resolve(context: PackageKitContext, names: string[], filter: number): Promise<PackageRef[]> {
  const { packages } = await transaction(context, 'Resolve', 'tas', [BigInt(filter), names]);
  return packages;
}

/** Names of the packages, not installed yet, that would provide the file at `path` (or any of the paths). */
export async function packagesProviding(context: PackageKitContext, path: string | string[]): Promise<string[]> {
  const filter = FILTER.notInstalled | FILTER.newest | FILTER.arch;
  const paths = typeof path === 'string' ? [path] : path;
  const { packages } = await transaction(context, 'SearchFiles', 'tas', [BigInt(filter), paths]);
  return [...new Set(packages.map((ref) => ref.name))];
}
