// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// network_status: whether the internet is reachable, and the links, routes and DNS servers behind that.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { NetworkStatus } from '../machine.js';
import { defineTool } from '../tool.js';

/** Bounds for machines with many virtual links (containers, VMs). */
const MAX_LINKS = 16;
const MAX_ADDRESSES = 6;
const MAX_DNS_SERVERS = 8;

function describeNetwork({ connectivity, links, routes, dnsServers }: NetworkStatus): string[] {
  // The loopback link is always there and says nothing about the network.
  const shown = links.filter(({ name }) => name !== 'lo');
  const linkLines = shown.slice(0, MAX_LINKS).map(({ name, state, addresses }) => {
    const listed = addresses.slice(0, MAX_ADDRESSES).join(', ');
    const more = addresses.length > MAX_ADDRESSES ? ` and ${addresses.length - MAX_ADDRESSES} more` : '';
    return `  ${cleanLine(name)} ${state}${listed ? `: ${listed}${more}` : ''}`;
  });
  if (shown.length > MAX_LINKS) linkLines.push(`  … and ${shown.length - MAX_LINKS} more links`);
  const defaults = routes
    .filter(({ destination }) => destination === 'default')
    .map(({ gateway, device }) => `${gateway ? `via ${gateway} ` : ''}on ${cleanLine(device)}`);
  const dns = dnsServers.slice(0, MAX_DNS_SERVERS);
  return [
    `Connectivity: ${connectivity}`,
    shown.length === 0 ? 'Links: none' : 'Links:',
    ...linkLines,
    `Default routes: ${defaults.length === 0 ? 'none' : defaults.join('; ')}`,
    `DNS servers: ${dns.length === 0 ? 'none' : dns.join(', ')}`,
  ];
}

export const networkStatusTool = defineTool({
  name: 'network_status',
  description: 'Internet reachability, links with addresses, routes and DNS.',
  params: z.object({}),
  progress: N_('checking the network…'),
  async run(_params, { machine }) {
    return describeNetwork(await machine.network()).join('\n');
  },
});
