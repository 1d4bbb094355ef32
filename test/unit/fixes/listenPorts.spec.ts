// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { listenPortsOf } from '../../../service/src/fixes/actions/systemdUnits.js';

describe('the ports of a socket unit', () => {
  it('reads them from the addresses systemd lists, once each, and none from a path or a netlink family', () => {
    expect(
      listenPortsOf([
        ['Stream', '[::]:7071'],
        ['Stream', '0.0.0.0:80'],
        ['Datagram', '127.0.0.1:53'],
        ['Stream', '[fe80::1%eth0]:8443'],
        ['Stream', '[::]:80'],
        ['Stream', '/run/cups/cups.sock'],
        ['Netlink', 'kobject-uevent 1'],
        ['FIFO', '/run/initctl'],
        ['Stream', '@abstract:1'],
      ]),
    ).toEqual([7071, 80, 53, 8443]);
  });
});
