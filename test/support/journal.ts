// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Real journal files for tests: entries written as Journal Export Format and
// fed to systemd-journal-remote, which appends them to <dir>/remote.journal.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';

/** One entry to write: MESSAGE and any other fields; the timestamps and boot id are filled in. */
export interface ExportEntry {
  MESSAGE: string | Buffer;
  PRIORITY?: string;
  _SYSTEMD_UNIT?: string;
  SYSLOG_IDENTIFIER?: string;
  _TRANSPORT?: string;
  /** __REALTIME_TIMESTAMP in microseconds; now when absent. */
  realtime?: bigint;
  [field: string]: string | Buffer | bigint | undefined;
}

/** The boot id of every entry the harness writes, unless an entry names its own _BOOT_ID. */
export const TEST_BOOT_ID = '5f0c1e2d3a4b4c6d8e9fa0b1c2d3e4f5';

// Monotonic timestamps must grow within a boot, across separate appends too.
let monotonicUs = 1_000_000n;

/** A field as text when export format allows it, else in the binary form (length-prefixed). */
function field(name: string, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const printable = typeof value === 'string' && !/[\n\0]/.test(value);
  if (printable) return Buffer.concat([Buffer.from(`${name}=`), bytes, Buffer.from('\n')]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([Buffer.from(`${name}\n`), length, bytes, Buffer.from('\n')]);
}

/** The entries in Journal Export Format (no __CURSOR: the writer makes it). */
export function exportFormat(entries: ExportEntry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const { realtime, ...fields } of entries) {
    monotonicUs += 1000n;
    chunks.push(field('__REALTIME_TIMESTAMP', String(realtime ?? BigInt(Date.now()) * 1000n)));
    chunks.push(field('__MONOTONIC_TIMESTAMP', String(monotonicUs)));
    if (fields._BOOT_ID === undefined) chunks.push(field('_BOOT_ID', TEST_BOOT_ID));
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) chunks.push(field(name, typeof value === 'bigint' ? String(value) : value));
    }
    chunks.push(Buffer.from('\n'));
  }
  return Buffer.concat(chunks);
}

/** Appends `entries` to the journal in `dir` (created on the first call); resolves once they are written. */
export async function appendToJournal(dir: string, entries: ExportEntry[]): Promise<void> {
  const child = spawn(JOURNAL_REMOTE, ['-o', join(dir, 'remote.journal'), '-'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(exportFormat(entries));
  const code = await exited;
  if (code !== 0) throw new Error(`systemd-journal-remote exited with ${code}:\n${stderr}`);
}

/** What systemd writes when a unit fails: the line the unit-failed detector knows. */
export const unitFailure = (unit: string): ExportEntry => ({
  MESSAGE: `${unit}: Failed with result 'exit-code'.`,
  PRIORITY: '4',
  SYSLOG_IDENTIFIER: 'systemd',
  // PID 1's trusted fields, as journald stores them: journalctl --unit finds the line by _PID (systemd 252) or
  // by _SYSTEMD_CGROUP (257, Debian 13).
  _PID: '1',
  _UID: '0',
  _COMM: 'systemd',
  _SYSTEMD_UNIT: 'init.scope',
  _SYSTEMD_CGROUP: '/init.scope',
  UNIT: unit,
  _TRANSPORT: 'journal',
});
