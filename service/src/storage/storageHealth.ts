// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Whether the disk holding Steward's state takes writes. A write that fails because that disk is full or
// read-only makes the service degraded, never ends it: the failure is reported here, the status says why,
// and the parts that wait to write (queued findings, a store opened read-only) are retried with back-off
// until the disk takes writes again.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import type { ServiceState } from '../core/serviceState.js';
import { StewardError } from '../dbus/errors.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import { makeDirectories } from '../paths.js';
import type { StateReserve } from './stateReserve.js';

export type StorageFault = 'full' | 'read-only';

/** What a method that must write answers while the state disk cannot take it. */
export class StorageUnavailable extends StewardError {
  constructor(readonly fault: StorageFault) {
    super('Unavailable', faultReason(fault));
  }
}

export function faultReason(fault: StorageFault): string {
  return fault === 'full'
    ? _("The disk holding Steward's state is full: new findings wait in memory and are stored when space is freed.")
    : _(
        "The disk holding Steward's state is read-only: new findings wait in memory and are stored when it can be written again.",
      );
}

// Room a probe asks for: a batch of findings in SQLite's write-ahead log needs about this much.
const PROBE_BYTES = 64 * 1024;
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

const errnoCode = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

// The answers of SQLite and of the file system that a full or read-only disk can cause; which of the two
// it is, the probe decides (SQLite says "disk I/O error" when it cannot grow its shared-memory file).
function mayBeStorage(error: unknown): boolean {
  if (error instanceof Database.SqliteError) return /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/.test(error.code);
  const code = errnoCode(error);
  // ENOENT: the state directory could not be made, on a read-only disk.
  return code !== undefined && (FULL_CODES.has(code) || READ_ONLY_CODES.has(code) || code === 'ENOENT');
}

/** Whether `directory` takes a write now: it is made if missing, and a probe file is written and removed. */
export function probeDirectory(directory: string): StorageFault | null {
  const probe = join(directory, `.steward-probe-${process.pid}`);
  try {
    makeDirectories(directory);
    writeFileSync(probe, Buffer.alloc(PROBE_BYTES), { mode: 0o600 });
    return null;
  } catch (error) {
    const code = errnoCode(error) ?? '';
    if (FULL_CODES.has(code)) return 'full';
    if (READ_ONLY_CODES.has(code)) return 'read-only';
    throw error;
  } finally {
    // Also when the write failed part-way (a full disk keeps what fit).
    rmSync(probe, { force: true });
  }
}

export interface StorageHealthOptions {
  /** The state directory. */
  directory: string;
  /** Where the fault is shown; without it (tests of one store) faults are only answered. */
  state?: ServiceState;
  log?: Logger;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Room kept back for fixes: while it cannot be kept, the disk counts as full. */
  reserve?: StateReserve;
}

/** A part that waits for the disk: it tries again and says whether it is done waiting. */
export type Recovery = () => boolean;

export class StorageHealth {
  private current: StorageFault | null = null;
  private readonly recoveries = new Set<Recovery>();
  private timer: NodeJS.Timeout | null = null;
  private delay: number;

  constructor(private readonly options: StorageHealthOptions) {
    this.delay = options.firstRetryMs ?? 1000;
  }

  get fault(): StorageFault | null {
    return this.current;
  }

  /** Whether the state directory takes a write now, with the reserve for fixes in place. */
  probe(): StorageFault | null {
    const fault = probeDirectory(this.options.directory);
    if (fault !== null) return fault;
    // The room a fix was given stays the fix's: the stores wait until the reserve can be made again.
    return this.options.reserve && !this.options.reserve.keep() ? 'full' : null;
  }

  /** Frees the room kept back for fixes, when the disk is full and there is a reserve; whether it did. */
  releaseReserve(): boolean {
    if (this.current !== 'full' || !this.options.reserve?.release()) return false;
    this.options.log?.warning('the state disk is full: Steward released its reserve so that a fix can be stored', {
      directory: this.options.directory,
    });
    return true;
  }

  /** The fault behind `error`, reported (status, retries); null when `error` is not the disk's doing. */
  report(error: unknown): StorageFault | null {
    if (!mayBeStorage(error)) return null;
    const fault = this.probe() ?? (isFull(error) ? 'full' : null);
    if (fault === null) return null;
    if (fault !== this.current) {
      this.options.log?.warning('the state directory cannot be written; Steward keeps running', {
        fault,
        directory: this.options.directory,
        error: error instanceof Error ? error.message : String(error),
      });
      this.current = fault;
      this.options.state?.setProblem('storage', faultReason(fault));
    }
    this.schedule();
    return fault;
  }

  /** Calls `recovery` on every retry until it returns true. */
  waitFor(recovery: Recovery): void {
    this.recoveries.add(recovery);
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Once the disk takes writes, the waiting parts try again; the fault clears when none waits any more. */
  private retry(): void {
    this.timer = null;
    const fault = this.probe();
    if (fault === null) {
      for (const recovery of [...this.recoveries]) if (recovery()) this.recoveries.delete(recovery);
    }
    if (fault === null && this.recoveries.size === 0) {
      if (this.current !== null) this.options.log?.info('the state directory takes writes again');
      this.current = null;
      this.delay = this.options.firstRetryMs ?? 1000;
      this.options.state?.setProblem('storage', null);
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.retry(), this.delay);
    // Waiting for the disk must not keep a stopping service alive.
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, this.options.maxRetryMs ?? 15_000);
  }
}

function isFull(error: unknown): boolean {
  return (
    (error instanceof Database.SqliteError && error.code === 'SQLITE_FULL') || FULL_CODES.has(errnoCode(error) ?? '')
  );
}
