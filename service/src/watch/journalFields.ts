// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which journal fields Steward reads: the events' types and the journal's parser both take them from here.

/**
 * The fields Steward reads. The parser decodes only these: a real entry carries
 * twenty-odd more (_CMDLINE, CODE_FILE…) that the line scanner skips (the live
 * assistant's journal tool has journalctl print only these). A detector that needs
 * another field adds it here; the JournalField type makes it a compile error
 * to read one that is not.
 */
export const JOURNAL_FIELDS = [
  'MESSAGE',
  'MESSAGE_ID',
  'PRIORITY',
  'SYSLOG_IDENTIFIER',
  // Set by journald for what user space wrote to /dev/kmsg, from the kernel's record (isKernel).
  'SYSLOG_FACILITY',
  // journald's trusted fields: set by journald from the writer's credentials, never by the writer.
  '_COMM',
  '_PID',
  '_UID',
  // The boot a _PID belongs to: Steward's own lines are told by it (ownLines.ts).
  '_BOOT_ID',
  '_EXE',
  '_SYSTEMD_CGROUP',
  '_TRANSPORT',
  '_SYSTEMD_UNIT',
  '_SYSTEMD_USER_UNIT',
  'UNIT',
  'USER_UNIT',
  'UNIT_RESULT',
  'JOB_TYPE',
  'JOB_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'N_RESTARTS',
  'COREDUMP_EXE',
  'COREDUMP_COMM',
  'COREDUMP_SIGNAL',
  'COREDUMP_SIGNAL_NAME',
  'COREDUMP_UNIT',
  'COREDUMP_USER_UNIT',
  // Whose process crashed (systemd-coredump's record, from the kernel's credentials of the crashing process).
  'COREDUMP_UID',
  // The process that crashed: what ties systemd-coredump's record to the kernel's line about it.
  'COREDUMP_PID',
  'DNS_QUESTION',
  'DNSSEC_RESULT',
  // cupsd's queue for a job's or printer's line (scheduler/log.c, PWG_ServiceURI), when it logs to the journal.
  'URI',
] as const;

export type JournalField = (typeof JOURNAL_FIELDS)[number];
