// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Whether a caller runs on a terminal, by the kernel's word: its controlling
// terminal (/proc/PID/stat) is open on its standard input, output or error.
//
// What this proves is limited, and the service trusts it only where neither
// polkit nor GNOME Shell can ask (see confirmation.ts). The service cannot see
// who typed the answer, or whether anyone did: any program started from a
// terminal may call UpdateConfigFromTerminal without asking, and any program of
// the user's can make a pseudo-terminal of its own (script(1), a pty library)
// and type "y" into it. Such a program could as well edit the configuration
// file, which is the user's to edit. What it keeps out is a caller without a
// terminal: a sandboxed app's or a background daemon's bus connection.
import { stat } from 'node:fs/promises';

import { processStat } from './processStat.js';

export async function callerHasTerminal(pid: number | null): Promise<boolean> {
  if (pid === null) return false;
  const process = await processStat(pid);
  if (!process || process.ttyDevice === 0) return false;
  for (const fd of [0, 1, 2]) {
    const target = await stat(`/proc/${pid}/fd/${fd}`).catch(() => null);
    if (target?.isCharacterDevice() && target.rdev === process.ttyDevice) return true;
  }
  return false;
}
