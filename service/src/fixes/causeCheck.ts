// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// For a system error a unit's program reported: the read-only step that checks its object on this machine, and
// whether the error still stands now. A restart is worth offering only once that check passes: a port still held, a
// path still missing or shut, a file system still read-only, a name that still does not resolve fail the next start
// the same way.
import { lookup } from 'node:dns/promises';
import { lstat, readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

import type { SystemError } from '../causes/systemError.js';
import type { ActionContext } from './action.js';
import { holderOf, machineInterfaces } from './actions/addresses.js';
import { type Account, accountOf, mayAccess, type PathEntry } from './actions/pathAccess.js';
import { mountOfPath } from './actions/pathMount.js';
import { socketsOn } from './actions/portHolder.js';
import { UnitManager } from './actions/systemdUnits.js';

export interface CauseStep {
  name: string;
  params: Record<string, unknown>;
  /** Offered though it finds nothing: that nothing is its answer (no process listens on the port). */
  evenIfNothing?: true;
}

export interface FailingUnit {
  unit: string;
  scope: 'user' | 'system';
}

// Addresses of this machine itself, where who listens on a port can be read.
const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|::1|0\.0\.0\.0|::)$/;
/** A file system with less than this share of its blocks free to users, or no inode, is full for a writer. */
const FULL_SHARE = 0.01;

const isLocal = (host: string | undefined) => host === undefined || LOCAL_HOST.test(host);
// An address as info.addresses takes it: v4 dotted, or v6 without a zone.
const IP_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]{2,45})$/;
const ipAddressOf = (host: string | undefined) => (host && IP_ADDRESS.test(host) ? host : undefined);

/** The read-only step that checks what `error` is about, or null where nothing on this machine can show it. */
export function checkStep(error: SystemError, { unit, scope }: FailingUnit): CauseStep | null {
  const { errno, path, port, host } = error;
  switch (errno.code) {
    case 'ENOENT':
    case 'EACCES':
    case 'EPERM':
      return path ? { name: 'info.path_access', params: { path, unit, scope } } : null;
    case 'EROFS':
      return path ? { name: 'info.path_mount', params: { path } } : null;
    case 'ENOSPC':
    case 'EDQUOT':
      return { name: 'info.disk_usage', params: { path: path ?? '/' } };
    case 'EMFILE':
    case 'ENFILE':
      return { name: 'info.open_files', params: { unit, scope } };
    case 'EADDRINUSE':
      return port ? { name: 'info.port_holder', params: { port } } : null;
    // A connection refused on this machine: that no process listens on the port is what the check shows.
    case 'ECONNREFUSED':
      return port && isLocal(host) ? { name: 'info.port_holder', params: { port }, evenIfNothing: true } : null;
    case 'ETIMEDOUT':
      return port && isLocal(host) ? { name: 'info.port_holder', params: { port } } : null;
    // An address the program was to bind that no interface of this machine holds: which it holds is the answer.
    case 'EADDRNOTAVAIL': {
      const address = ipAddressOf(host);
      return { name: 'info.addresses', params: address ? { address } : {} };
    }
    default:
      return errno.object === 'host' ? { name: 'info.dns_servers', params: {} } : null;
  }
}

// A port on a command line: an argument of digits alone ("http.server 8090"), after a colon ("0.0.0.0:8090",
// "--listen=:8090") or an equals sign ("--port=8090", "PORT=8090").
const ARGUMENT_PORT = /^(?:\d{1,5}|.*[:=](\d{1,5}))$/;

/**
 * The ports a command line names. A program that failed to bind often says only "Address already in use" (Python's
 * socketserver, Java's BindException): the port it was given is on its command line.
 */
export function portsNamedBy(argv: readonly string[]): number[] {
  const ports = argv.slice(1).flatMap((argument) => {
    const match = ARGUMENT_PORT.exec(argument);
    const port = Number(match?.[1] ?? match?.[0]);
    return match && port > 0 && port < 65536 ? [port] : [];
  });
  return [...new Set(ports)];
}

// An address argument: "10.0.0.5", "--bind=10.0.0.5", "10.0.0.5:8080", "[fd00::5]:8080".
const ARGUMENT_ADDRESS =
  /^(?:.*[=])?\[?(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*)\]?(?::\d{1,5})?$/;

/** The command lines of the unit's ExecStart=, each as its argv (none where its manager does not say). */
async function execStartOf({ unit, scope }: FailingUnit, context: ActionContext): Promise<string[][]> {
  const record = await new UnitManager(context, scope).record(unit).catch(() => null);
  return (record?.execStart ?? []).map(({ argv }) => argv);
}

/**
 * The local address the unit's ExecStart= names, for an EADDRNOTAVAIL that named none: Python's socketserver says
 * only "[Errno 99] Cannot assign requested address"; the address it was given is on its command line.
 */
export async function addressOfCommandLine(failing: FailingUnit, context: ActionContext): Promise<string | undefined> {
  for (const argv of await execStartOf(failing, context)) {
    for (const argument of argv.slice(1)) {
      const address = ARGUMENT_ADDRESS.exec(argument)?.[1];
      if (address && ipAddressOf(address) && !LOCAL_HOST.test(address)) return address;
    }
  }
  return undefined;
}

/** The first port the unit's ExecStart= names that a process holds now, for an EADDRINUSE that named none. */
export async function heldPortOfCommandLine(failing: FailingUnit, context: ActionContext): Promise<number | undefined> {
  for (const argv of await execStartOf(failing, context)) {
    for (const port of portsNamedBy(argv)) if ((await socketsOn(port)).length > 0) return port;
  }
  return undefined;
}

/** The account the unit's processes run as, from /etc/passwd and /etc/group. */
async function accountOfUnit({ unit, scope }: FailingUnit, context: ActionContext) {
  const [passwd, group] = await Promise.all([
    readFile('/etc/passwd', 'utf8').catch(() => ''),
    readFile('/etc/group', 'utf8').catch(() => ''),
  ]);
  if (scope === 'user') return accountOf(String(userInfo().uid), passwd, group);
  const runsAs = await new UnitManager(context, scope).runsAs(unit);
  return runsAs.dynamic ? null : accountOf(runsAs.user || 'root', passwd, group);
}

/**
 * Whether the unit's user is still shut out of `path`: a directory on the way it may not enter, a directory missing on
 * the way that it may not make, a directory where the file is missing that it may not write in, or the file itself it
 * may neither read nor write. Null where the user is not known (DynamicUser=, a user /etc/passwd does not list).
 */
export async function stillRefused(
  path: string,
  failing: FailingUnit,
  context: ActionContext,
): Promise<boolean | null> {
  const account = await accountOfUnit(failing, context);
  if (!account) return null;
  return refusedAlong(account, path, async (at) => {
    const found = await lstat(at).catch(() => null);
    return (
      found && { path: at, uid: found.uid, gid: found.gid, mode: found.mode & 0o7777, directory: found.isDirectory() }
    );
  });
}

/** stillRefused for `account`, reading each path's owner and mode with `entryOf` (null: it does not exist). */
export async function refusedAlong(
  account: Account,
  path: string,
  entryOf: (at: string) => Promise<PathEntry | null>,
): Promise<boolean> {
  const chain: string[] = [];
  for (let at = dirname(path); ; at = dirname(at)) {
    chain.unshift(at);
    if (at === '/') break;
  }
  let above: PathEntry | null = null;
  for (const at of chain) {
    const entry = await entryOf(at);
    // A folder on the way is gone (removed since the failure): the user must be able to make it again.
    if (!entry) return above !== null && !mayAccess(account, above, 2);
    if (!mayAccess(account, entry, 1)) return true;
    above = entry;
  }
  const file = await entryOf(path);
  if (!file) return above !== null && !mayAccess(account, above, 2);
  return !mayAccess(account, file, 4) && !mayAccess(account, file, 2);
}

export async function full(path: string): Promise<boolean | null> {
  const mount = await mountOfPath(path);
  const space = await statfs(mount?.point ?? path).catch(() => null);
  if (!space) return null;
  return space.bavail < space.blocks * FULL_SHARE || (space.files > 0 && space.ffree === 0);
}

async function systemFilesExhausted(): Promise<boolean | null> {
  const [allocated, free, max] = (await readFile('/proc/sys/fs/file-nr', 'utf8').catch(() => ''))
    .trim()
    .split(/\s+/)
    .map(Number);
  if (allocated === undefined || free === undefined || !max) return null;
  return allocated - free >= max * 0.95;
}

/**
 * Whether the error still stands on this machine now: true (a restart fails the same way), false (what it was about
 * is fixed: a restart may succeed), or null where this machine cannot tell (a remote peer, a limit only a new start
 * of the unit shows).
 */
export async function stillStands(
  error: SystemError,
  failing: FailingUnit,
  context: ActionContext,
): Promise<boolean | null> {
  const { errno, path, port, host } = error;
  switch (errno.code) {
    case 'ENOENT':
      return path ? (await lstat(path).catch(() => null)) === null : null;
    // EPERM is a refusal the mode bits do not make (a capability, an immutable file, a sandbox): not seen here.
    case 'EACCES':
      return path ? stillRefused(path, failing, context) : null;
    case 'EROFS': {
      const mount = path ? await mountOfPath(path) : null;
      return mount ? mount.readOnly : null;
    }
    case 'ENOSPC':
    case 'EDQUOT':
      return errno.code === 'ENOSPC' ? full(path ?? '/') : null;
    case 'ENFILE':
      return systemFilesExhausted();
    case 'EADDRINUSE':
      return port ? (await socketsOn(port)).length > 0 : null;
    case 'ECONNREFUSED':
      return port && isLocal(host) ? (await socketsOn(port)).length === 0 : null;
    case 'EADDRNOTAVAIL': {
      const address = ipAddressOf(host);
      if (!address) return null;
      const interfaces = await machineInterfaces().catch(() => null);
      return interfaces ? holderOf(address, interfaces) === null : null;
    }
    default:
      if (errno.object !== 'host' || !host) return null;
      return lookup(host).then(
        () => false,
        () => true,
      );
  }
}

// A path in an argument: "--data=/srv/x", "/srv/x/out.log"; not a URL's "//host".
const PATH_IN_ARGUMENT = /(?<![\w.~/-])\/(?!\/)[\w.@%+,:/-]+/g;
// What a process has open that is no file of a file system it writes to.
const NOT_WRITTEN = /^\/(?:dev|proc|sys)\/|^(?:pipe|socket|anon_inode):/;

/** The files `pid` has open now (none where it is gone or another user's). */
async function openPaths(pid: number, proc = '/proc'): Promise<string[]> {
  if (pid <= 0) return [];
  const descriptors = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
  const targets = await Promise.all(descriptors.map((fd) => readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith('/') && !NOT_WRITTEN.test(target));
}

/**
 * The mount points of the file systems the unit writes to, the full ones first: those of the paths its unit file
 * names (StateDirectory= and the like, ReadWritePaths=, WorkingDirectory=, the paths its command lines name) and of
 * the files its main process has open now. An ENOSPC line without a path is about one of these, not about `/`.
 */
export async function writtenMounts(
  { unit, scope }: FailingUnit,
  context: ActionContext,
  mountOf: (path: string) => Promise<string>,
): Promise<string[]> {
  const manager = new UnitManager(context, scope);
  const [paths, limits] = await Promise.all([
    manager.paths(unit).catch(() => null),
    manager.fileLimits(unit).catch(() => null),
  ]);
  const named = paths
    ? [...paths.written, ...paths.arguments.flatMap((argument) => argument.match(PATH_IN_ARGUMENT) ?? [])]
    : [];
  const open = await openPaths(limits?.mainPid ?? 0);
  const mounts = [...new Set(await Promise.all([...named, ...open].map((path) => mountOf(path))))];
  const fullness = await Promise.all(mounts.map(async (mount) => (await full(mount)) === true));
  return [...mounts.filter((_mount, index) => fullness[index]), ...mounts.filter((_mount, index) => !fullness[index])];
}
