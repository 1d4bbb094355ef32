// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.addresses: this machine's network interfaces and the addresses each holds now, read over rtnetlink
// (`ip -json address show`, as kinds/linkDown/actions.ts reads one link), for a program that could not bind an address
// (EADDRNOTAVAIL: "Cannot assign requested address") or was told of an interface the machine does not have.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';

const run = promisify(execFile);

/** An interface name as the kernel allows it (IFNAMSIZ, no '/' or whitespace). */
export const interfaceName = z.string().regex(/^[\w.:@-]{1,15}$/, 'not a network interface name');
/** An IPv4 or IPv6 address, without a prefix or zone. */
const ipAddress = z.string().regex(/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]{2,45})$/, 'not an IP address');

const params = z.object({ address: ipAddress.optional(), interface: interfaceName.optional() }).strict();
type AddressesParams = z.infer<typeof params>;

export interface MachineInterface {
  name: string;
  up: boolean;
  /** "10.0.0.2/24", "fe80::1/64". */
  addresses: string[];
}

interface IpAddressRow {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  addr_info?: { local?: string; prefixlen?: number }[];
}

/** The machine's interfaces and their addresses now, as the kernel has them; the `ip` command line is a test's. */
export async function machineInterfaces(command: readonly string[] = ['ip']): Promise<MachineInterface[]> {
  const [program = 'ip', ...prefix] = command;
  const { stdout } = await run(program, [...prefix, '-json', 'address', 'show'], { timeout: 10_000 });
  const rows = JSON.parse(stdout.trim() || '[]') as IpAddressRow[];
  return rows.flatMap(({ ifname, flags = [], addr_info = [] }) =>
    ifname
      ? [
          {
            name: ifname,
            up: flags.includes('UP'),
            addresses: addr_info.flatMap(({ local, prefixlen }) => (local ? [`${local}/${prefixlen}`] : [])),
          },
        ]
      : [],
  );
}

const bare = (address: string) => address.replace(/\/\d+$/, '').toLowerCase();

/** The interface that holds `address` now, or null where none does. */
export function holderOf(address: string, interfaces: readonly MachineInterface[]): MachineInterface | null {
  const wanted = address.toLowerCase();
  return interfaces.find((found) => found.addresses.some((held) => bare(held) === wanted)) ?? null;
}

/** The lines a person reads: what was asked for first, then every interface with its addresses. */
export function describeInterfaces(wanted: AddressesParams, interfaces: readonly MachineInterface[]): string[] {
  const lines: string[] = [];
  if (wanted.address) {
    const holder = holderOf(wanted.address, interfaces);
    lines.push(
      holder
        ? format(_('{address} is an address of this machine now, on {name}.'), {
            address: wanted.address,
            name: holder.name,
          })
        : format(
            _(
              '{address} is not an address of this machine: a program can listen only on an address one of its ' +
                'interfaces holds (or on all of them: 0.0.0.0, ::).',
            ),
            { address: wanted.address },
          ),
    );
  }
  if (wanted.interface) {
    const named = interfaces.find((found) => found.name === wanted.interface);
    lines.push(
      named
        ? format(_('{name} exists on this machine now.'), { name: named.name })
        : format(_('This machine has no interface named {name}.'), { name: wanted.interface }),
    );
  }
  lines.push(_('The interfaces and addresses of this machine now:'));
  for (const { name, up, addresses } of interfaces) {
    lines.push(
      format(up ? _('{name} (up): {addresses}') : _('{name} (down): {addresses}'), {
        name: cleanLine(name, 20),
        addresses: addresses.length > 0 ? addresses.join(', ') : _('no address'),
      }),
    );
  }
  return lines;
}

export interface AddressesOptions {
  /** How to run `ip` (tests: in a network namespace). */
  command?: readonly string[];
}

export function addressesAction({ command }: AddressesOptions = {}): ActionDefinition<AddressesParams> {
  const describe = async (wanted: AddressesParams) => describeInterfaces(wanted, await machineInterfaces(command));
  const summary = (wanted: AddressesParams) =>
    wanted.address
      ? format(_('Show whether {address} is an address of this machine, and the addresses it has'), {
          address: wanted.address,
        })
      : wanted.interface
        ? format(_('Show whether this machine has {name}, and the interfaces it has'), { name: wanted.interface })
        : _('Show this machine’s interfaces and addresses');
  return {
    name: 'info.addresses',
    title: N_('Show this machine’s network interfaces and addresses'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview(wanted) {
      return { summary: summary(wanted), details: await describe(wanted), changesNothing: false };
    },
    async run(wanted) {
      return {
        summary: (await describe(wanted)).join('\n'),
        undo: { impossible: _('showing the machine’s addresses changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read the machine’s interfaces and addresses') };
    },
  };
}
