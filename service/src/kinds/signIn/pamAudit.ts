// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// libpam's audit records (libpam/pam_audit.c, through libaudit's audit_log_acct_message): for each PAM call a program
// makes, the audit log gets "USER_AUTH pid=2101 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication
// grantors=? acct="alice" exe="/usr/libexec/gdm-session-worker" hostname=fedora addr=? terminal=/dev/tty1
// res=failed'". Only a process with CAP_AUDIT_WRITE can send one, and journald stores it under its own audit
// transport, or the kernel's where the kernel printed it ("audit: type=1100 audit(1660034923.459:187): pid=…").
import { isKernel } from '../../findings/detectors/journal.js';
import type { JournalEntry } from '../../watch/events.js';

// The calls that decide whether the person gets in and gets a session; not closing one, nor changing a password.
// Older libpam wrote no grantors= ("op=PAM:authentication acct="alice" exe=…", a 2010 Fedora record).
const PAM_RECORD =
  /\bmsg='op=PAM:(authentication|accounting|setcred|session_open) (?:grantors=\S* )?acct=("[^"]*"|\S+) exe="([^"]+)" .*\bres=failed'?/;
// Credentials given back at the session's end (CRED_DISP, type 1104; journald names a type it does not know
// "AUDIT1104") are logged as "op=PAM:setcred" too.
const CREDENTIALS_DISPOSED = /^(?:CRED_DISP |AUDIT1104 |audit: type=1104 )/;

export interface PamAuditFailure {
  /** The account the call was for, as the record names it ("alice", or libaudit's hex for an unusual name). */
  account: string;
  /** The program that made the call: the record's exe=. */
  program: string;
}

/** A PAM call that failed, as libpam's audit record tells it, or null. Only the kernel's and journald's own. */
export function pamAuditFailure(entry: JournalEntry): PamAuditFailure | null {
  if (!isKernel(entry) && entry.transport !== 'audit') return null;
  const record = PAM_RECORD.exec(entry.message);
  if (!record || CREDENTIALS_DISPOSED.test(entry.message)) return null;
  const [, , account = '', program = ''] = record;
  return { account: account.replace(/^"|"$/g, ''), program };
}
