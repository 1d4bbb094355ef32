// What PackageKit knows about packages, for the assistant's search_packages and package_status.
import type { MessageBus } from '@jellybrick/dbus-next';
import { callMethod } from '../../dbus/client.js';
import { remoteErrorName } from '../../dbus/errors.js';
import type { ActionContext } from '../../fixes/action.js';
import { FILTER, INFO, resolve, transaction, type PackageRef } from '../../fixes/actions/packageKit.js';
import { createLogger } from '../../logging.js';
import { cleanLine } from '../../untrustedText.js';
import type { PackageInfo } from '../machine.js';

const PACKAGEKIT = 'org.freedesktop.PackageKit';
const NOT_AVAILABLE = 'PackageKit is not available on this computer';
const SUMMARY_LENGTH = 200;

const PING = { destination: PACKAGEKIT, path: '/', interface: 'org.freedesktop.DBus.Peer', member: 'Ping' };

/**
 * The part of an ActionContext that packageKit.ts's transactions use: the
 * system bus, and a log that only a cancelled transaction writes to (these
 * are never cancelled).
 */
async function packageKitContext(systemBus: MessageBus | null): Promise<ActionContext> {
  if (!systemBus) throw new Error(NOT_AVAILABLE);
  // packagekitd starts on demand: the ping starts it, or tells that nothing provides it.
  await callMethod(systemBus, PING, { timeoutMs: 60_000 }).catch((error: unknown) => {
    if (remoteErrorName(error) === 'org.freedesktop.DBus.Error.ServiceUnknown') throw new Error(NOT_AVAILABLE);
    throw error;
  });
  return { systemBus, log: createLogger({ write: () => undefined }) } as unknown as ActionContext;
}

/** The summaries of `refs` by package id; the Package signals carry them, but packageKit.ts keeps only Details. */
async function summaries(context: ActionContext, refs: PackageRef[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const { details } = await transaction(context, 'GetDetails', 'as', [refs.map((ref) => ref.id)]);
  return new Map([...details].map(([id, data]) => [id, String(data.summary?.value ?? '')]));
}

function toInfo(ref: PackageRef, summary: string | undefined): PackageInfo {
  return {
    name: ref.name,
    version: ref.version,
    arch: ref.arch,
    summary: cleanLine(summary ?? '', SUMMARY_LENGTH),
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
  const found = packages.slice(0, limit);
  const summary = await summaries(context, found);
  return found.map((ref) => toInfo(ref, summary.get(ref.id)));
}

/** The installed version of `name`, else the newest available one; null when PackageKit knows no such package. */
export async function packageStatus(systemBus: MessageBus | null, name: string): Promise<PackageInfo | null> {
  const context = await packageKitContext(systemBus);
  const refs = await resolve(context, [name], FILTER.arch);
  const ref = refs.find((candidate) => candidate.info === INFO.installed) ?? refs[0];
  if (!ref) return null;
  const summary = await summaries(context, [ref]);
  return toInfo(ref, summary.get(ref.id));
}
