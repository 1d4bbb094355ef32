// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What PackageKit knows about packages, for the assistant's search_packages and package_status.
import type { MessageBus } from '@jellybrick/dbus-next';

import { remoteErrorName } from '../../dbus/errors.js';
import { voidCall } from '../../dbus/typedCalls.js';
import {
  FILTER,
  INFO,
  type PackageKitContext,
  type PackageRef,
  resolve,
  transaction,
} from '../../fixes/actions/packageKit.js';
import { createLogger } from '../../logging.js';
import { cleanLine } from '../../untrustedText.js';
import type { PackageInfo } from '../machine.js';

const PACKAGEKIT = 'org.freedesktop.PackageKit';
const NOT_AVAILABLE = 'PackageKit is not available on this computer';
const SUMMARY_LENGTH = 200;

const PING = { destination: PACKAGEKIT, path: '/', interface: 'org.freedesktop.DBus.Peer', member: 'Ping' };

/** The system bus, and a log that only a cancelled transaction writes to (these are never cancelled). */
async function packageKitContext(systemBus: MessageBus | null): Promise<PackageKitContext> {
  if (!systemBus) throw new Error(NOT_AVAILABLE);
  // packagekitd starts on demand: the ping starts it, or tells that nothing provides it.
  await voidCall(systemBus, PING, { timeoutMs: 60_000 }).catch((error: unknown) => {
    if (remoteErrorName(error) === 'org.freedesktop.DBus.Error.ServiceUnknown') throw new Error(NOT_AVAILABLE);
    throw error;
  });
  return { systemBus, log: createLogger({ write: () => undefined }) };
}

function toInfo(ref: PackageRef): PackageInfo {
  return {
    name: ref.name,
    version: ref.version,
    arch: ref.arch,
    summary: cleanLine(ref.summary, SUMMARY_LENGTH),
    installed: ref.info === INFO.installed,
  };
}

/** Up to `limit` packages whose names contain `query`, newest version each. */
export async function searchPackages(
  systemBus: MessageBus | null,
  query: string,
  limit: number,
): Promise<PackageInfo[]> {
  const context = await packageKitContext(systemBus);
  const filter = BigInt(FILTER.newest | FILTER.arch);
  const { packages } = await transaction(context, 'SearchNames', 'tas', [filter, [query]]);
  return packages.slice(0, limit).map(toInfo);
}

/** The installed version of `name`, else the newest available one; null when PackageKit knows no such package. */
export async function packageStatus(systemBus: MessageBus | null, name: string): Promise<PackageInfo | null> {
  const context = await packageKitContext(systemBus);
  const refs = await resolve(context, [name], FILTER.arch);
  const ref = refs.find((candidate) => candidate.info === INFO.installed) ?? refs[0];
  return ref ? toInfo(ref) : null;
}
