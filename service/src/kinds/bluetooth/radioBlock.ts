// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A person blocking or unblocking the Bluetooth radio with util-linux's rfkill. The tool logs each block only once
// /dev/rfkill took it (sys-utils/rfkill.c, __rfkill_block: syslog LOG_NOTICE "block set for type bluetooth",
// "unblock set for all"), so the line is the block's own record. It is believed by the program journald names
// (_EXE) at the paths distributions install it: /usr/sbin (Debian, Fedora), /usr/bin (Arch), util-linux's output in
// the Nix store. A block by index ("block set for id 2") does not say which radio, and is left out.
import type { JournalEntry } from '../../watch/events.js';

const RFKILL_PROGRAMS: ReadonlySet<string> = new Set(['/usr/sbin/rfkill', '/usr/bin/rfkill', '/sbin/rfkill']);
const NIX_RFKILL = /^\/nix\/store\/[0-9a-z]{32}-util-linux-[\w.-]+\/bin\/rfkill$/;
const BLOCK_SET = /^(block|unblock) set for (?:type bluetooth|all)$/;

/** Whether the entry is rfkill blocking (true) or unblocking (false) Bluetooth; null when it is neither. */
export function radioBlockSet(entry: JournalEntry): boolean | null {
  const exe = entry.fields._EXE;
  if (exe === undefined || !(RFKILL_PROGRAMS.has(exe) || NIX_RFKILL.test(exe))) return null;
  const set = BLOCK_SET.exec(entry.message.trim());
  return set ? set[1] === 'block' : null;
}
