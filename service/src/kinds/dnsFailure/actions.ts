// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.dns_servers: which DNS servers the machine asks, which one is in use
// and whether DNSSEC validates, from systemd-resolved's D-Bus API (global and
// per link); without resolved, what /etc/resolv.conf names and who wrote it.
// network.reset_dns_features: resolved forgets what it learnt of its servers'
// features (`resolvectl reset-server-features`), for a server it downgraded.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { boundedList, getAllProperties, objectPath, typedCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { boundedText, variantOf } from '../../dbus/variants.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { systemBusOf, systemCall } from '../../fixes/actions/polkit.js';
import {
  callResolved,
  RESOLVED,
  RESOLVED_MANAGER,
  RESOLVED_PATH,
  resolvedInWords,
} from '../../fixes/actions/resolved.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

const RESOLVED_LINK = `${RESOLVED}.Link`;
const AF_INET = 2;
const AF_INET6 = 10;

/** "10.0.0.1", "2001:db8::1": an address as resolved sends it (family, bytes). */
export function addressText(family: number, bytes: Uint8Array): string | null {
  if (family === AF_INET && bytes.length === 4) return [...bytes].join('.');
  if (family !== AF_INET6 || bytes.length !== 16) return null;
  const groups = Array.from({ length: 8 }, (_unused, i) =>
    (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
  );
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length++;
    if (length > best.length) best = { start, length };
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** The servers of one scope: resolved's global settings (ifindex 0) or one link's. */
export interface ServerScope {
  ifindex: number;
  /** The interface's name, or '' for the global scope. */
  name: string;
  servers: string[];
  current: string | null;
  dnssec?: string;
}

export interface ResolverState {
  scopes: ServerScope[];
  /** DNSSEC= as resolved applies it ('no', 'allow-downgrade', 'yes'), and whether the servers in use support it. */
  dnssec: string;
  dnssecSupported: boolean;
  fallback: string[];
}

type Struct = [number, number, Uint8Array] | [number, Uint8Array];

function serverOf(entry: Struct): { ifindex: number; address: string | null } {
  // a(iiay) on the manager (ifindex, family, address); (iay) on a link (family, address).
  if (entry.length === 3) return { ifindex: entry[0], address: addressText(entry[1], entry[2]) };
  return { ifindex: -1, address: addressText(entry[0], entry[1]) };
}

// org.freedesktop.resolve1(5)'s types: an address is its family and bytes; the manager's carry the link's index.
const int = z.number().int();
const bytes = z.instanceof(Buffer).refine((address) => address.length <= 16, 'an address is at most 16 bytes');
const managerServer = z.tuple([int, int, bytes]);
const linkServer = z.tuple([int, bytes]);
/** More servers than any configuration names is no answer to trust. */
const servers = boundedList(managerServer, 256);
const dnssecMode = boundedText(64);
const managerProperties = z.object({
  DNS: variantOf('a(iiay)', servers).optional(),
  CurrentDNSServer: variantOf('(iiay)', managerServer).optional(),
  FallbackDNS: variantOf('a(iiay)', servers).optional(),
  DNSSEC: variantOf('s', dnssecMode).optional(),
  DNSSECSupported: variantOf('b', z.boolean()).optional(),
});
const linkProperties = z.object({
  CurrentDNSServer: variantOf('(iay)', linkServer).optional(),
  DNSSEC: variantOf('s', dnssecMode).optional(),
});

function getAll<T extends z.ZodType>(bus: MessageBus, path: string, iface: string, schema: T): Promise<z.output<T>> {
  return systemCall(
    getAllProperties(bus, { destination: RESOLVED, path, interface: iface }, schema, { autoStart: false }),
    resolvedInWords(),
  );
}

/** Interface names by index, from sysfs. */
async function interfaceNames(sys = '/sys/class/net'): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const name of await readdir(sys).catch(() => [] as string[])) {
    const index = Number((await readFile(join(sys, name, 'ifindex'), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(index) && index > 0) names.set(index, name);
  }
  return names;
}

/** resolved's state now; Unavailable when it is not running. */
export async function resolverState(
  context: Pick<ActionContext, 'systemBus'> & Partial<Pick<ActionContext, 'log'>>,
): Promise<ResolverState> {
  const bus = systemBusOf(context);
  function logged<T>(work: Promise<T>): Promise<T> {
    return reportingUnexpected(context.log, work);
  }
  const manager = await logged(getAll(bus, RESOLVED_PATH, RESOLVED_MANAGER.interface, managerProperties));
  const names = await interfaceNames();
  const scopes = new Map<number, ServerScope>();
  const scope = (ifindex: number) => {
    let found = scopes.get(ifindex);
    if (!found) {
      found = {
        ifindex,
        name: ifindex === 0 ? '' : (names.get(ifindex) ?? String(ifindex)),
        servers: [],
        current: null,
      };
      scopes.set(ifindex, found);
    }
    return found;
  };
  scope(0);
  for (const entry of manager.DNS ?? []) {
    const { ifindex, address } = serverOf(entry);
    if (address && !scope(ifindex).servers.includes(address)) scope(ifindex).servers.push(address);
  }
  const current = manager.CurrentDNSServer;
  if (current) scope(0).current = serverOf(current).address;
  for (const linkScope of [...scopes.values()].filter((entry) => entry.ifindex > 0)) {
    const link = await logged(
      typedCall(
        bus,
        {
          ...RESOLVED_MANAGER,
          member: 'GetLink',
          signature: 'i',
          body: [linkScope.ifindex],
          reply: 'o',
        },
        z.tuple([objectPath]),
        { autoStart: false },
      ).then(([path]) => getAll(bus, path, RESOLVED_LINK, linkProperties)),
    ).catch(() => null);
    const linkCurrent = link?.CurrentDNSServer;
    if (linkCurrent) linkScope.current = serverOf(linkCurrent).address;
    const dnssec = link?.DNSSEC;
    if (dnssec) linkScope.dnssec = dnssec;
  }
  const fallback = (manager.FallbackDNS ?? [])
    .map((entry) => serverOf(entry).address)
    .filter((address): address is string => address !== null);
  return {
    scopes: [...scopes.values()],
    dnssec: manager.DNSSEC ?? '',
    dnssecSupported: manager.DNSSECSupported === true,
    fallback,
  };
}

function scopeName(scope: ServerScope): string {
  return scope.ifindex === 0 ? _('all links (resolved.conf)') : scope.name;
}

/** The lines info.dns_servers shows of resolved's state, `failed` marked where it is configured. */
export function describeResolver(state: ResolverState, failed?: string): string[] {
  const lines: string[] = [];
  const configured = state.scopes.filter((scope) => scope.servers.length > 0);
  for (const scope of configured) {
    const servers = scope.servers.map((server) =>
      server === scope.current ? format(_('{server} (in use)'), { server }) : server,
    );
    lines.push(
      format(_('DNS servers for {scope}: {servers}'), { scope: scopeName(scope), servers: servers.join(', ') }),
    );
  }
  if (configured.length === 0) {
    lines.push(
      state.fallback.length > 0
        ? format(_('No DNS server is configured; resolved uses its fallback servers: {servers}'), {
            servers: state.fallback.join(', '),
          })
        : _('No DNS server is configured: only names in /etc/hosts resolve'),
    );
  }
  if (failed) {
    const where = configured.filter((scope) => scope.servers.includes(failed));
    lines.push(
      where.length === 0
        ? format(_('{server}, the server that failed, is no longer configured'), { server: failed })
        : format(
            where.some((scope) => scope.current === failed)
              ? _('{server}, the server that failed, is configured for {scopes} and is still the one in use')
              : _('{server}, the server that failed, is configured for {scopes}; another server is in use now'),
            { server: failed, scopes: where.map(scopeName).join(', ') },
          ),
    );
  }
  const perLink = state.scopes.filter((scope) => scope.dnssec && scope.dnssec !== state.dnssec);
  lines.push(
    format(
      state.dnssecSupported
        ? _('DNSSEC: {mode}; the servers in use support it')
        : _('DNSSEC: {mode}; the servers in use do not support it'),
      { mode: state.dnssec || '?' },
    ),
    ...perLink.map((scope) => format(_('DNSSEC on {link}: {mode}'), { link: scope.name, mode: scope.dnssec ?? '' })),
  );
  return lines;
}

// NetworkManager, resolvconf, netconfig and dhclient write a "# Generated by …" comment at the top. (A RegExp from
// a string: xgettext's JavaScript parser aborts on a regular expression literal that starts with "#".)
const RESOLV_CONF_WRITER = new RegExp(
  String.raw`^#\s*(?:Generated|Dynamic resolv\.conf\(5\) file for glibc resolver\(3\) generated) by (\S+)`,
  'im',
);

/** What /etc/resolv.conf names and what manages it, where resolved does not run. */
export async function describeResolvConf(path = '/etc/resolv.conf'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return [format(_('systemd-resolved is not running, and {path} cannot be read'), { path })];
  const target = await readlink(path).catch(() => null);
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((match) => match[1] ?? '').filter(isIP);
  const writer = RESOLV_CONF_WRITER.exec(text)?.[1];
  return [
    _('systemd-resolved is not running: programs read the DNS servers from /etc/resolv.conf'),
    servers.length > 0
      ? format(_('{path} names: {servers}'), { path, servers: servers.join(', ') })
      : format(_('{path} names no DNS server'), { path }),
    ...(target ? [format(_('{path} links to {target}'), { path, target: cleanLine(target, 200) })] : []),
    ...(writer ? [format(_('written by {program}'), { program: cleanLine(writer, 64) })] : []),
  ];
}

const dnsServersParams = z.object({
  /** The server a finding names, marked in the output. */
  server: z
    .string()
    .refine((value) => isIP(value) !== 0, { message: 'not an IP address' })
    .optional(),
});
type DnsServersParams = z.infer<typeof dnsServersParams>;

async function describe({ server }: DnsServersParams, context: ActionContext): Promise<string[]> {
  if (!context.systemBus) return describeResolvConf();
  try {
    return describeResolver(await resolverState(context), server);
  } catch (error) {
    context.log.debug('no resolved to ask for its DNS servers', { error: (error as Error).message });
    return describeResolvConf();
  }
}

const dnsServers: ActionDefinition<DnsServersParams> = {
  name: 'info.dns_servers',
  title: N_('Show the DNS servers and which one is in use'),
  params: dnsServersParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: true,
  async preview(params, context) {
    return {
      summary: _('Show the DNS servers and which one is in use'),
      details: await describe(params, context),
      changesNothing: false,
    };
  },
  async run(params, context) {
    return {
      summary: [_('DNS as this machine resolves names now:'), ...(await describe(params, context))].join('\n'),
      undo: { impossible: _('showing the DNS servers changes nothing') },
    };
  },
  async verify() {
    return { ok: true, observed: _('read the DNS servers') };
  },
};

const resetFeatures: ActionDefinition = {
  name: 'network.reset_dns_features',
  title: N_('Let the DNS resolver retry its servers’ full features'),
  params: z.object({}),
  risk: 'low',
  needsAuthorization: true,
  readOnly: false,
  changes: 'network',
  async preview(_params, context) {
    const state = await resolverState(context);
    const inUse = state.scopes.flatMap((scope) => (scope.current ? [scope.current] : []));
    return {
      summary: _('Make systemd-resolved forget the features it stopped using with its DNS servers'),
      details: [
        _('resolved falls back to plainer queries (no EDNS0, no DNSSEC, TCP) with a server that failed them once'),
        inUse.length > 0
          ? format(_('It tries the full feature set again with {servers}'), { servers: inUse.join(', ') })
          : _('It tries the full feature set again with each server'),
      ],
      changesNothing: false,
    };
  },
  async run(_params, context, { progress }) {
    progress(null, _('Resetting what resolved learnt of its servers…'));
    await callResolved(context, 'ResetServerFeatures');
    progress(1, _('resolved will try its servers’ full features again'));
    return {
      summary: _('systemd-resolved forgot what it had learnt of its DNS servers’ features'),
      undo: { impossible: _('resolved learns the features again by itself when a server fails them') },
    };
  },
  async verify(_params, context) {
    // resolved has no read-back for what it learnt; that it still answers with its servers is what can be seen.
    const state = await resolverState(context);
    const inUse = state.scopes.flatMap((scope) => (scope.current ? [scope.current] : []));
    return {
      ok: true,
      observed:
        inUse.length > 0
          ? format(_('systemd-resolved took the reset and uses {servers}'), { servers: inUse.join(', ') })
          : _('systemd-resolved took the reset; no server is in use yet'),
    };
  },
};

export const dnsActions = [dnsServers, resetFeatures];
