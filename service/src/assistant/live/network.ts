// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The network as the assistant sees it: links from /sys and Node, routes from
// `ip -json`, DNS servers from systemd-resolved (else /etc/resolv.conf) and
// NetworkManager's connectivity check.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { SocketAddress } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { nameHasOwner } from '../../dbus/client.js';
import { boundedList, getProperty } from '../../dbus/typedCalls.js';
import { RESOLVED_MANAGER } from '../../fixes/actions/resolved.js';
import type { NetworkLink, NetworkStatus } from '../machine.js';

const run = promisify(execFile);

const SYS_NET = '/sys/class/net';

const NM = {
  destination: 'org.freedesktop.NetworkManager',
  path: '/org/freedesktop/NetworkManager',
  interface: 'org.freedesktop.NetworkManager',
};
/** NMConnectivityState, by value. */
const CONNECTIVITY = ['unknown', 'none', 'portal', 'limited', 'full'];
/** The IPv4 address family in resolved's DNS property; the other one there is AF_INET6. */
const AF_INET = 2;

interface IpRoute {
  dst: string;
  gateway?: string;
  /** Absent for unreachable and blackhole routes. */
  dev?: string;
}

async function ipJson<T>(args: string[]): Promise<T> {
  const { stdout } = await run('ip', ['-json', ...args], { timeout: 10_000 });
  // ip prints nothing at all when there is nothing to show.
  return JSON.parse(stdout.trim() || '[]') as T;
}

async function readLinks(): Promise<NetworkLink[]> {
  const addresses = networkInterfaces();
  const names = (await readdir(SYS_NET)).sort();
  const links = await Promise.all(
    names.map(async (name) => {
      const operstate = await readFile(join(SYS_NET, name, 'operstate'), 'utf8').catch(
        (error: NodeJS.ErrnoException) => {
          // Unplugged since the listing.
          if (error.code === 'ENOENT') return null;
          throw error;
        },
      );
      return operstate === null
        ? null
        : { name, state: operstate.trim(), addresses: (addresses[name] ?? []).map((a) => a.cidr ?? a.address) };
    }),
  );
  return links.filter((link) => link !== null);
}

async function readRoutes(): Promise<NetworkStatus['routes']> {
  const [routes4, routes6] = await Promise.all([
    ipJson<IpRoute[]>(['route', 'show']),
    ipJson<IpRoute[]>(['-6', 'route', 'show']),
  ]);
  return [...routes4, ...routes6].map((route) => ({
    destination: route.dst,
    gateway: route.gateway ?? null,
    device: route.dev ?? '',
  }));
}

/** resolved's DNS: a(iiay), each the link's index (0: global), the address family and its bytes. */
const dnsServers = boundedList(
  z.tuple([
    z.number().int(),
    z.number().int(),
    z.instanceof(Buffer).refine((bytes) => bytes.length === 4 || bytes.length === 16, 'an IPv4 or IPv6 address'),
  ]),
  256,
);

/** resolved gives only AF_INET (4 bytes) and AF_INET6 (16 bytes) addresses. */
function addressText(family: number, bytes: Buffer): string {
  if (family === AF_INET) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  // SocketAddress writes the address the usual short way (fd00::1).
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** resolved's DNS servers, a(iiay): interface index (0 for global), address family, address bytes. */
async function resolvedDnsServers(bus: MessageBus): Promise<string[]> {
  // Never activates a daemon the user stopped.
  const servers = await getProperty(bus, RESOLVED_MANAGER, 'DNS', 'a(iiay)', dnsServers, { autoStart: false });
  return [...new Set(servers.map(([, family, bytes]) => addressText(family, bytes)))];
}

async function resolvConfServers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].flatMap((match) => match.slice(1, 2));
}

async function readDnsServers(bus: MessageBus | null): Promise<string[]> {
  const fromResolved =
    bus && (await nameHasOwner(bus, RESOLVED_MANAGER.destination)) ? await resolvedDnsServers(bus) : [];
  // With resolved, resolv.conf names only its stub (127.0.0.53): the real servers are resolved's.
  return fromResolved.length > 0 ? fromResolved : resolvConfServers();
}

async function readConnectivity(bus: MessageBus | null): Promise<string> {
  if (!bus || !(await nameHasOwner(bus, NM.destination))) return 'unknown';
  const value = await getProperty(bus, NM, 'Connectivity', 'u', z.number().int().min(0), { autoStart: false });
  return CONNECTIVITY[value] ?? 'unknown';
}

export async function readNetworkStatus(systemBus: MessageBus | null): Promise<NetworkStatus> {
  const [links, routes, dnsServers, connectivity] = await Promise.all([
    readLinks(),
    readRoutes(),
    readDnsServers(systemBus),
    readConnectivity(systemBus),
  ]);
  return { links, routes, dnsServers, connectivity };
}
