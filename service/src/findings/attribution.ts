// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Who vouches for a finding: journald's trusted fields (those beginning with
// "_", which journald sets from the writer's credentials) say which process
// wrote a log line; the text and SYSLOG_IDENTIFIER are whatever that process
// chose to write. Only the kernel, the service managers, systemd's own daemons
// and Steward's own readings (statfs, netlink, systemd's D-Bus API) are
// believed about the system; everything else is what a program says. A desktop component's own line, proven by
// writers.ts (GNOME Shell's about its extensions), names its reporter but vouches for no change: the component's
// own state does, as Steward reads it (the "steward" voucher).
import type { JournalEntry, WatchEvent } from '../watch/events.js';

/**
 * The kernel's own ring buffer: journald sets _TRANSPORT=kernel only for what it reads from /dev/kmsg. A line
 * that merely calls itself "kernel" (SYSLOG_IDENTIFIER, which any process sets) is not the kernel's, nor is one
 * that user space wrote to /dev/kmsg: the kernel never gives those its own facility 0 (LOG_USER unless the writer
 * names another; printk.c, devkmsg_write), and journald records their facility (journald-kmsg.c).
 */
export function isKernel(entry: JournalEntry): boolean {
  return entry.transport === 'kernel' && (entry.fields.SYSLOG_FACILITY ?? '0') === '0';
}

/** PID 1 as root: journald's _PID and _UID come from the writer's credentials, which no other process has. */
export function isSystemManager(entry: JournalEntry): boolean {
  return entry.fields._PID === '1' && entry.fields._UID === '0';
}

/**
 * A user's own service manager: systemd running in the init.scope of that user's user@UID.service. Another
 * process of the user's could claim the name "systemd" (_COMM) but runs in an app or session scope instead.
 */
export function isUserManager(entry: JournalEntry): boolean {
  const { _UID: uid, _COMM: comm, _SYSTEMD_UNIT: unit, _SYSTEMD_CGROUP: cgroup } = entry.fields;
  return (
    uid !== undefined &&
    comm === 'systemd' &&
    unit === `user@${uid}.service` &&
    (cgroup === undefined ? entry.fields._SYSTEMD_USER_UNIT === 'init.scope' : cgroup.endsWith('/init.scope'))
  );
}

export const VOUCHERS = ['kernel', 'system-manager', 'user-manager', 'systemd-daemon', 'steward'] as const;
/** Who vouches for a finding; null when only the program that wrote the line does. */
export type Voucher = (typeof VOUCHERS)[number] | null;

export interface Attribution {
  vouchedBy: Voucher;
  /** Who reported it, for people: "the kernel", "systemd", "python3 (uid 1001, /usr/bin/python3.12)". */
  reportedBy: string;
}

// systemd's own daemons, trusted like the manager when their line comes from their own system unit.
const SYSTEMD_DAEMONS = new Set([
  'systemd-coredump',
  'systemd-journald',
  'systemd-logind',
  'systemd-networkd',
  'systemd-oomd',
  'systemd-resolved',
  'systemd-timesyncd',
  'systemd-udevd',
]);

const STEWARD: Attribution = { vouchedBy: 'steward', reportedBy: 'Steward' };

/** Who vouches for what a detector concluded from `event`. */
export function attributionOf(event: WatchEvent): Attribution {
  return event.type === 'journal' ? journalAttribution(event.entry) : STEWARD;
}

function journalAttribution(entry: JournalEntry): Attribution {
  if (isKernel(entry)) return { vouchedBy: 'kernel', reportedBy: 'the kernel' };
  if (isSystemManager(entry)) return { vouchedBy: 'system-manager', reportedBy: 'systemd' };
  if (isUserManager(entry)) return { vouchedBy: 'user-manager', reportedBy: 'your systemd' };
  const daemon = systemdDaemon(entry);
  if (daemon) return { vouchedBy: 'systemd-daemon', reportedBy: daemon };
  return { vouchedBy: null, reportedBy: describeWriter(entry) };
}

/** The systemd daemon that wrote the line from its own system unit, running its own program. */
function systemdDaemon(entry: JournalEntry): string | null {
  const unit = entry.fields._SYSTEMD_UNIT ?? '';
  const name = unit.endsWith('.service') ? unit.slice(0, -'.service'.length) : '';
  const exe = entry.fields._EXE ?? '';
  return SYSTEMD_DAEMONS.has(name) && exe.slice(exe.lastIndexOf('/') + 1) === name ? name : null;
}

/** "python3 (uid 1001, /usr/bin/python3.12, backup.service)": the writer as journald saw it. */
function describeWriter(entry: JournalEntry): string {
  const { _COMM: comm, _UID: uid, _EXE: exe, _SYSTEMD_USER_UNIT: userUnit, _SYSTEMD_UNIT: unit } = entry.fields;
  const details = [uid !== undefined && `uid ${uid}`, exe, userUnit ?? unit].filter(Boolean);
  const name = comm ?? (exe ? exe.slice(exe.lastIndexOf('/') + 1) : 'an unknown program');
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

/** The writer's name in what describeWriter made of it: "python3" of "python3 (uid 1001, /usr/bin/python3.12)". */
export function writerName(reportedBy: string): string {
  const details = reportedBy.indexOf(' (');
  return details < 0 ? reportedBy : reportedBy.slice(0, details);
}

/** Whether the finding's source is one Steward believes about the system: not only a program's own word. */
export function isVouched(vouchedBy: Voucher): boolean {
  return vouchedBy !== null;
}

/** The stronger of two attributions of one finding: a line systemd wrote outweighs any program's. */
export function strongerAttribution(a: Attribution, b: Attribution): Attribution {
  return a.vouchedBy === null && b.vouchedBy !== null ? b : a;
}
