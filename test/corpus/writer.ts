// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A corpus line as journald would have stored it: the trusted `_` fields of the
// process that wrote it (test/corpus/README.md says which), its MESSAGE without
// the syslog prefix, and the structured fields PID 1 adds to its own messages.
import type { ExportEntry } from '../support/journal.js';
import type { CorpusLine, Writer } from './cases.js';

export const USER_UID = 1000;
/** The PID of the user's systemd: every "user-manager" line comes from it. */
export const USER_MANAGER_PID = 1210;
/** PID 1's and the user manager's program, as journald records it. */
export const SYSTEMD_EXE = '/usr/lib/systemd/systemd';
// Processes outside any unit of their own run in the user's login session.
const SESSION_SCOPE = 'session-2.scope';

const UNIT_SUFFIX = '(?:service|socket|mount|automount|swap|target|timer|path|slice|scope|device)';
/** A service manager's "<unit>: …" lines: log_unit_*() adds UNIT= (USER_UNIT= in a user manager). */
const UNIT_PREFIX = new RegExp(`^([^\\s:]+\\.${UNIT_SUFFIX}): `);
/** Catalogued messages of systemd's unit code (IDs from systemd's catalog/systemd.catalog.in). */
const CATALOGUED: [RegExp, string, (match: RegExpExecArray) => Record<string, string>][] = [
  [/: Failed with result '([a-z-]+)'\.?$/, 'd9b373ed55a64feb8242e02dbe79a49c', (m) => ({ UNIT_RESULT: m[1]! })],
  [
    /: Main process exited, code=([a-z]+), status=(\d+)/,
    '98e322203f7a4ed290d09fe03c09fe15',
    (m) => ({ EXIT_CODE: m[1]!, EXIT_STATUS: m[2]! }),
  ],
  [
    /: Scheduled restart job, restart counter is at (\d+)\.?$/,
    '5eb03494b6584870a536b337290809b3',
    (m) => ({ N_RESTARTS: m[1]! }),
  ],
];

// Kernel lines name no priority in bug reports; these words mark the KERN_ERR ones.
const KERNEL_ERROR =
  /\b(errors?|fail(ed|ure|ing)?|fault|timed? ?out|hung|hang|bug|oops|panic|killed process|out of memory|critical)\b/i;

export class TrustedFields {
  private nextPid = 2000;

  /** The journal entry for `line`, written at `realtime` (µs). */
  entry(line: CorpusLine, realtime: bigint): ExportEntry {
    const priority = line.priority ?? (line.writer === 'kernel' && KERNEL_ERROR.test(line.message) ? 3 : 6);
    return {
      MESSAGE: line.message,
      PRIORITY: String(priority),
      ...this.writerFields(line.writer),
      ...this.managerFields(line),
      ...line.fields,
      realtime,
    };
  }

  private writerFields(writer: Writer): Record<string, string> {
    if (writer === 'kernel') return { _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', SYSLOG_FACILITY: '0' };
    if (writer === 'systemd') {
      return {
        _PID: '1',
        _UID: '0',
        _GID: '0',
        _COMM: 'systemd',
        _EXE: SYSTEMD_EXE,
        _CMDLINE: '/sbin/init splash',
        _SYSTEMD_UNIT: 'init.scope',
        _SYSTEMD_CGROUP: '/init.scope',
        _TRANSPORT: 'journal',
        SYSLOG_IDENTIFIER: 'systemd',
      };
    }
    if (writer === 'user-manager') {
      const slice = `/user.slice/user-${USER_UID}.slice/user@${USER_UID}.service`;
      return {
        _PID: String(USER_MANAGER_PID),
        _UID: String(USER_UID),
        _GID: String(USER_UID),
        _COMM: 'systemd',
        _EXE: SYSTEMD_EXE,
        _CMDLINE: `${SYSTEMD_EXE} --user`,
        _SYSTEMD_UNIT: `user@${USER_UID}.service`,
        _SYSTEMD_USER_UNIT: 'init.scope',
        _SYSTEMD_CGROUP: `${slice}/init.scope`,
        _TRANSPORT: 'journal',
        SYSLOG_IDENTIFIER: 'systemd',
      };
    }
    const uid = writer.uid ?? (writer.unit ? 0 : USER_UID);
    const userSlice = `/user.slice/user-${uid}.slice`;
    const placement: Record<string, string> = writer.unit
      ? { _SYSTEMD_UNIT: writer.unit, _SYSTEMD_CGROUP: `/system.slice/${writer.unit}` }
      : writer.userUnit
        ? {
            _SYSTEMD_UNIT: `user@${uid}.service`,
            _SYSTEMD_USER_UNIT: writer.userUnit,
            _SYSTEMD_CGROUP: `${userSlice}/user@${uid}.service/app.slice/${writer.userUnit}`,
          }
        : { _SYSTEMD_UNIT: SESSION_SCOPE, _SYSTEMD_CGROUP: `${userSlice}/${SESSION_SCOPE}` };
    return {
      _PID: String(writer.pid ?? this.nextPid++),
      _UID: String(uid),
      _GID: String(uid),
      _COMM: writer.comm,
      _EXE: writer.exe,
      _CMDLINE: writer.exe,
      ...placement,
      _TRANSPORT: writer.transport ?? 'syslog',
      SYSLOG_IDENTIFIER: writer.identifier ?? writer.comm,
    };
  }

  /** UNIT=/USER_UNIT=, MESSAGE_ID and its fields, as a service manager sets them on its unit messages. */
  private managerFields(line: CorpusLine): Record<string, string> {
    if (line.writer !== 'systemd' && line.writer !== 'user-manager') return {};
    const unit = UNIT_PREFIX.exec(line.message)?.[1];
    if (!unit) return {};
    const fields: Record<string, string> = { [line.writer === 'systemd' ? 'UNIT' : 'USER_UNIT']: unit };
    for (const [pattern, messageId, extra] of CATALOGUED) {
      const match = pattern.exec(line.message);
      if (match) return { ...fields, MESSAGE_ID: messageId, ...extra(match) };
    }
    return fields;
  }
}

/**
 * The journal journald keeps an entry in: a user's lines (a UID above the system range, not a dynamic user's
 * nor nobody's) in that user's journal, everything else (the kernel's, PID 1's, system services') in the system's.
 */
export function journalOf(entry: ExportEntry): 'system' | 'user' {
  const uid = typeof entry._UID === 'string' ? Number(entry._UID) : NaN;
  const dynamic = uid >= 61184 && uid <= 65519;
  return uid >= 1000 && uid !== 65534 && !dynamic ? 'user' : 'system';
}
