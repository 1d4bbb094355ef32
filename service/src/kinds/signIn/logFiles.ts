// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The display managers' own log files, as people paste them: each line starts with the program's own prefix, which
// a journal line of the same program lacks. The prefix says how grave the program made the line; what follows is the
// line the journal would hold, read as the journal's.
import { LOG_ERR, LOG_WARNING } from '../../desktop/componentLines.js';
import type { JournalEntry } from '../../watch/events.js';

// SDDM's log file (src/common/MessageHandler.h, standardLogger, for builds without journald and for its runs from a
// terminal): "[06:45:22.122] (WW) DAEMON: Auth: sddm-helper exited with 5", the daemon's, its helper's ("HELPER:") and
// its greeter's ("GREETER:"). "(II)" is Qt's debug and info alike: the line keeps the level it came with.
const SDDM_FILE_LINE = /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] \((II|WW|EE)\) (?:DAEMON|HELPER|GREETER): /;
// LightDM's log file (src/lightdm.c, log_cb): "[+4.11s] DEBUG: Session pid=911: Exited with return value 127". LightDM
// reports its own failures through g_debug ("Seat seat0: Failed to start greeter", "Session: Failed during
// authentication"), so its DEBUG marks its ordinary log, not a verbose one: the line keeps the level it came with,
// and only GLib's graver levels say more.
const LIGHTDM_FILE_LINE = /^\[[+-]?\d+\.\d+s\] (ERROR|CRITICAL|WARNING|MESSAGE|INFO|DEBUG|LOG): /;

const FILE_LINES: Readonly<Record<string, { prefix: RegExp; level: (marker: string) => number | undefined }>> = {
  sddm: { prefix: SDDM_FILE_LINE, level: (marker) => ({ WW: LOG_WARNING, EE: LOG_ERR })[marker] },
  lightdm: {
    prefix: LIGHTDM_FILE_LINE,
    level: (marker) => ({ WARNING: LOG_WARNING, CRITICAL: LOG_ERR, ERROR: LOG_ERR })[marker],
  },
};

/**
 * The entry as the journal would hold it where `writer` (findings/writers.ts's name) wrote it in its own log file's
 * form: without the file's prefix, at the level the prefix gave where it gave one. Otherwise the entry itself.
 */
export function withoutOwnLogPrefix(entry: JournalEntry, writer: string | undefined): JournalEntry {
  const file = writer === undefined ? undefined : FILE_LINES[writer];
  const match = file?.prefix.exec(entry.message);
  if (!file || !match) return entry;
  const level = file.level(match[1] ?? '');
  return {
    ...entry,
    message: entry.message.slice(match[0].length),
    ...(level !== undefined && { priority: level }),
  };
}
