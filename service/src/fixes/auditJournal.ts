// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The audit trail's copy in the journal, so that it outlives a deleted state directory. A record's words (what a
// step found, who asked) are fields of their own, never MESSAGE: quoted in MESSAGE, a step's answer ("line 3 of
// /etc/fstab") was read back from the journal as a new configuration error (issue 61). MESSAGE names only the
// event, the action and the numbers. Node has no datagram socket for journald's native protocol: util-linux's
// `logger --journald` sends the fields (one "NAME=value" line each). Without journald or logger, the log line
// names the record and leaves its words to the trail (`steward history`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import type { Logger } from '../logging.js';
import type { AuditRecord } from './store.js';

/** journald's socket for its native protocol, which `logger --journald` writes to (sd_journal_sendv). */
export const JOURNAL_NATIVE_SOCKET = '/run/systemd/journal/socket';
/** Steward's audit records' MESSAGE_ID: `journalctl MESSAGE_ID=…` lists them all. */
export const AUDIT_MESSAGE_ID = '03a7191516e14cac8c4a18cead1e0b0c';
/** Records waiting for their logger: past this many, they are logged without their words (the trail has them). */
const MAX_WAITING = 100;

/** A field's value on one line: backslashes and line ends escaped as JSON escapes them, so nothing is lost. */
export const oneLineValue = (text: string) => JSON.stringify(text).slice(1, -1);

/** What MESSAGE says of a record: only words Steward chose and numbers. */
export function auditMessage(record: AuditRecord): string {
  const numbers = [
    record.proposalId !== null && `proposal ${record.proposalId}`,
    record.jobId !== null && `job ${record.jobId}`,
  ].filter(Boolean);
  return [`Steward audit: ${record.event}`, record.action, numbers.length > 0 && `(${numbers.join(', ')})`]
    .filter(Boolean)
    .join(' ');
}

/** The record as the lines `logger --journald` reads: the structured fields, then MESSAGE. */
export function auditFields(record: AuditRecord): string {
  const fields: [string, string | number | null][] = [
    ['MESSAGE_ID', AUDIT_MESSAGE_ID],
    ['PRIORITY', 6],
    ['SYSLOG_IDENTIFIER', 'steward'],
    ['STEWARD_AUDIT_SEQ', record.seq],
    ['STEWARD_AUDIT_EVENT', record.event],
    ['STEWARD_PROPOSAL', record.proposalId],
    ['STEWARD_JOB', record.jobId],
    ['STEWARD_ACTION', record.action],
    ['STEWARD_CALLER', record.caller],
    ['STEWARD_RESULT', record.result || null],
    ['MESSAGE', auditMessage(record)],
  ];
  return fields
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name}=${oneLineValue(String(value))}\n`)
    .join('');
}

export interface AuditJournalOptions {
  log: Logger;
  /** journald's native socket; where it is missing, records go to the log without their words. */
  socket?: string;
  /** The logger program (tests). */
  command?: string;
}

/** Writes audit records to the journal in order, each by one `logger --journald`. */
export class AuditJournal {
  readonly #options: AuditJournalOptions;
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  /** Cleared when logger cannot be run at all: the rest of this run logs instead. */
  #usable: boolean;

  constructor(options: AuditJournalOptions) {
    this.#options = options;
    this.#usable = existsSync(options.socket ?? JOURNAL_NATIVE_SOCKET);
  }

  write(record: AuditRecord): void {
    if (!this.#usable || this.#waiting >= MAX_WAITING) {
      this.#logged(record);
      return;
    }
    this.#waiting += 1;
    this.#tail = this.#tail.then(async () => {
      const sent = await this.#send(record);
      this.#waiting -= 1;
      if (!sent) this.#logged(record);
    });
  }

  /** Resolves once every record written so far has been sent (tests, shutdown). */
  idle(): Promise<void> {
    return this.#tail;
  }

  #send(record: AuditRecord): Promise<boolean> {
    return new Promise((resolve) => {
      const child = spawn(this.#options.command ?? 'logger', ['--journald'], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.once('error', () => {
        this.#usable = false;
        resolve(false);
      });
      child.once('close', (code) => resolve(code === 0));
      child.stdin.on('error', () => undefined);
      child.stdin.end(auditFields(record));
    });
  }

  #logged(record: AuditRecord): void {
    this.#options.log.info('audit', {
      event: record.event,
      proposal: record.proposalId ?? undefined,
      job: record.jobId ?? undefined,
      action: record.action ?? undefined,
    });
  }
}
