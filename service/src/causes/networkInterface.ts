// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A network interface (or a local address) a program was told to use and the machine does not have, in the words
// daemons print for it: dnsmasq's "unknown interface eth1" and "no interface with address 10.0.0.5", iproute2's
// 'Cannot find device "eth1"'. Lines are untrusted text: the name is kept only where it is one the kernel allows, and
// only picks a read-only step that lists the machine's interfaces.

export interface MissingInterface {
  /** The interface the line names. */
  name?: string;
  /** The local address the line names. */
  address?: string;
  line: string;
}

// An interface name as the kernel allows it (IFNAMSIZ: 15 bytes, no '/' or whitespace), not a D-Bus interface
// ("org.gtk.Actions": two dots or more) nor a COM one ("{00000000-…}").
const NAME = String.raw`['"“]?([\w:@-]{1,15}(?:\.\d{1,4})?)['"”]?`;
const UNKNOWN_INTERFACE = new RegExp(String.raw`\bunknown (?:network )?interface:? ${NAME}(?![\w.{])`, 'i');
const CANNOT_FIND_DEVICE = new RegExp(String.raw`\bCannot find device ${NAME}(?![\w.])`);
const NO_INTERFACE_WITH_ADDRESS = /\bno interface with address ([0-9A-Fa-f:.]{2,45})\b/;

export function missingInterfaceIn(line: string): MissingInterface | null {
  const name = UNKNOWN_INTERFACE.exec(line)?.[1] ?? CANNOT_FIND_DEVICE.exec(line)?.[1];
  if (name) return { name, line };
  const address = NO_INTERFACE_WITH_ADDRESS.exec(line)?.[1];
  return address ? { address, line } : null;
}
