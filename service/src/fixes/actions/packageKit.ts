// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A client for PackageKit on the system bus: one transaction per call, run to
// its Finished signal, with what it reported along the way. Every transaction
// has a deadline and ends when PackageKit leaves the bus; only packagekitd's own
// signals of its interface's types count, and what they carry is bounded
// before anything keeps it (a package id is a name, a version, an architecture
// and a repository, each short).
import type { Variant } from '@jellybrick/dbus-next';

import { callMethod, type CallOptions, SignalRouter } from '../../dbus/client.js';
import { bounded, StewardError } from '../../dbus/errors.js';
import { PeerWait } from '../../dbus/peerWait.js';
import { reportUnexpected, UnexpectedAnswer } from '../../dbus/unexpected.js';
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

/** The longest part of a package id PackageKit's backends write (a Debian version is at most a few dozen). */
export const MAX_PACKAGE_ID_PART = 256;
const MAX_SUMMARY = 500;

export function parsePackageId(id: string, info: number, summary = ''): PackageRef {
  const [name = id, version = '', arch = '', data = ''] = id.split(';');
  return { id, name, version, arch, data, info, summary: bounded(summary, MAX_SUMMARY) };
}

/** Whether `id` is a package id within bounds: four parts, none longer than MAX_PACKAGE_ID_PART characters or 4× that in bytes. */
export function boundedPackageId(id: string): boolean {
  const parts = id.split(';');
  return (
    parts.length === 4 &&
    parts.every((part) => part.length <= MAX_PACKAGE_ID_PART) &&
    Buffer.byteLength(id) <= 4 * 4 * MAX_PACKAGE_ID_PART
  );
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
  /** How long the transaction may take to finish (default: QUERY_DEADLINE_MS, CHANGE_DEADLINE_MS when authorized). */
  deadlineMs?: number;
  progress?: (fraction: number | null, text: string) => void;
  /** Aborting asks PackageKit to cancel the transaction; the call still waits for its end. */
  signal?: AbortSignal;
}

/** A query (Resolve, SearchFiles, GetUpdates…) that has not finished in this time will not. */
export const QUERY_DEADLINE_MS = 120_000;
/** A change waits for polkit's dialog and downloads: an hour. */
export const CHANGE_DEADLINE_MS = 60 * 60_000;
/** The most Package signals one transaction keeps: more than a distribution has packages is not an answer. */
const MAX_PACKAGES = 200_000;

/**
 * Runs `method` in a new transaction and resolves once PackageKit finishes
 * it. Its errors: a refused prompt is NotAuthorizedError, a transaction past
 * its deadline Timeout (PackageKit is asked to cancel it), PackageKit leaving
 * the bus meanwhile Unavailable, anything else a StewardError with
 * PackageKit's own words.
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
      {
        destination: PACKAGEKIT,
        path: PACKAGEKIT_PATH,
        interface: PACKAGEKIT,
        member: 'CreateTransaction',
        reply: 'o',
      },
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
  const finishedSignal = new Promise<number>((resolve) => (finish = resolve));
  const unexpected = (member: string, detail: string) =>
    reportUnexpected(context.log, new UnexpectedAnswer(PACKAGEKIT, member, detail));

  const router = new SignalRouter(bus, {
    dropped: (filter, message) =>
      unexpected(message.member ?? filter.interface, `a signal of type "${message.signature}"`),
  });
  const signal = (member: string, signature: string, handle: (body: unknown[]) => void) =>
    router.subscribe({ sender: PACKAGEKIT, path, interface: TRANSACTION, member, signature }, handle);
  const unsubscribe = await Promise.all([
    signal('Package', 'uss', ([info, id, summary]) => {
      if (!boundedPackageId(id as string)) return unexpected('Package', 'a package id out of bounds');
      if (result.packages.length >= MAX_PACKAGES) return unexpected('Package', 'more packages than any system has');
      const ref = parsePackageId(id as string, info as number, summary as string);
      result.packages.push(ref);
      text = format(verbOf(info as number), { package: ref.name });
      report();
    }),
    signal('ItemProgress', 'suu', ([id, , percentage]) => {
      if (percentage === UNKNOWN_PERCENTAGE || !boundedPackageId(id as string)) return;
      text = `${parsePackageId(id as string, 0).name}: ${percentage as number} %`;
      report();
    }),
    signal('Details', 'a{sv}', ([data]) => {
      const details = data as Record<string, Variant>;
      const id = details['package-id'];
      if (id?.signature !== 's' || !boundedPackageId(id.value as string))
        return unexpected('Details', 'details without a package id within bounds');
      if (result.details.size < MAX_PACKAGES) result.details.set(id.value as string, details);
    }),
    signal('ErrorCode', 'us', ([code, details]) => {
      error = { code: code as number, details: bounded(details as string) };
    }),
    signal('Finished', 'uu', ([exit]) => finish(exit as number)),
    router.subscribe(
      { sender: PACKAGEKIT, path, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
      ([, changed]) => {
        const percentage = (changed as Record<string, Variant>).Percentage;
        if (percentage?.signature !== 'u') return;
        fraction = percentage.value === UNKNOWN_PERCENTAGE ? null : Math.min(1, (percentage.value as number) / 100);
        report();
      },
    ),
  ]);
  const cancel = () => {
    callMethod(bus, { destination: PACKAGEKIT, path, interface: TRANSACTION, member: 'Cancel', reply: '' }).catch(
      (cause: unknown) => context.log.warning('PackageKit did not cancel the transaction', { error: String(cause) }),
    );
  };
  const deadlineMs = options.deadlineMs ?? (options.authorized ? CHANGE_DEADLINE_MS : QUERY_DEADLINE_MS);
  // The transaction is PackageKit's: when packagekitd leaves the bus (crashed, restarted), it will never finish.
  const wait = await PeerWait.begin(router, PACKAGEKIT, {
    what: method,
    deadlineMs,
    left: () => new StewardError('Unavailable', _('PackageKit left the bus before the transaction finished.')),
    late: () =>
      new StewardError(
        'Timeout',
        format(_('PackageKit did not finish {method} within {seconds} s.'), {
          method,
          seconds: Math.round(deadlineMs / 1000),
        }),
      ),
    onDeadline: cancel,
  }).catch(async (error: unknown) => {
    await Promise.all(unsubscribe.map((stop) => stop())).catch(() => undefined);
    throw error;
  });
  const finished = wait.race(finishedSignal);
  // Awaited below; a failure before that (PackageKit gone at once) is not an unhandled rejection meanwhile.
  finished.catch(() => undefined);
  let answered = false;
  try {
    const call = (member: string, sig: string, args: unknown[], callOptions?: CallOptions) =>
      callMethod(
        bus,
        { destination: PACKAGEKIT, path, interface: TRANSACTION, member, signature: sig, body: args },
        callOptions,
      );
    const interactive = options.authorized ? 'true' : 'false';
    await Promise.race([
      call('SetHints', 'as', [['locale=C.UTF-8', `interactive=${interactive}`, 'background=false']]),
      finished,
    ]);
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', cancel, { once: true });
    await Promise.race([
      systemCall(call(method, signature, body, options.authorized ? AUTHORIZED_CALL : undefined), 'PackageKit'),
      finished,
    ]);
    const exit = await finished;
    answered = true;
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
    // Nothing may wait for the bus here: a PackageKit that is gone, or a bus that does not answer, is why we are here.
    void wait.end(answered);
    void Promise.all(unsubscribe.map((stop) => stop())).catch(() => undefined);
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
