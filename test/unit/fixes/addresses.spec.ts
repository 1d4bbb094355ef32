// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  describeInterfaces,
  holderOf,
  type MachineInterface,
  machineInterfaces,
} from '../../../service/src/fixes/actions/addresses.js';

const interfaces: MachineInterface[] = [
  { name: 'lo', up: true, addresses: ['127.0.0.1/8', '::1/128'] },
  { name: 'enp3s0', up: true, addresses: ['192.168.1.20/24', 'fe80::1c2b:3aff:fe4d:5e6f/64'] },
  { name: 'wlp2s0', up: false, addresses: [] },
];

describe('info.addresses', () => {
  it('says whether an address is this machine’s, and on which interface', () => {
    expect(holderOf('192.168.1.20', interfaces)?.name).toBe('enp3s0');
    expect(holderOf('FE80::1C2B:3AFF:FE4D:5E6F', interfaces)?.name).toBe('enp3s0');
    expect(holderOf('10.99.0.7', interfaces)).toBeNull();
  });

  it('puts the address or interface asked about first, then every interface with its addresses', () => {
    expect(describeInterfaces({ address: '10.99.0.7' }, interfaces)).toEqual([
      '10.99.0.7 is not an address of this machine: a program can listen only on an address one of its interfaces holds (or on all of them: 0.0.0.0, ::).',
      'The interfaces and addresses of this machine now:',
      'lo (up): 127.0.0.1/8, ::1/128',
      'enp3s0 (up): 192.168.1.20/24, fe80::1c2b:3aff:fe4d:5e6f/64',
      'wlp2s0 (down): no address',
    ]);
    expect(describeInterfaces({ interface: 'gym5' }, interfaces)[0]).toBe('This machine has no interface named gym5.');
    expect(describeInterfaces({ interface: 'wlp2s0' }, interfaces)[0]).toBe('wlp2s0 exists on this machine now.');
    expect(describeInterfaces({ address: '192.168.1.20' }, interfaces)[0]).toBe(
      '192.168.1.20 is an address of this machine now, on enp3s0.',
    );
  });

  it('reads this machine’s interfaces over rtnetlink', async () => {
    const found = await machineInterfaces();
    expect(found.find((link) => link.name === 'lo')?.addresses).toContain('127.0.0.1/8');
  });
});
