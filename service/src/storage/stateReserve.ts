// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Room kept back on the disk holding Steward's state. On a disk that is 100% full nothing can be stored, not
// even the audit record without which no fix may run, so the fix that would free space could not run either.
// A small file of zeros holds the room while the disk has plenty; when a fix finds the disk full it is
// deleted, and the room is the fix's: the rest of Steward keeps waiting until the reserve can be made again.
import { rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Enough for a fix's proposal, job and audit rows with their write-ahead log. */
export const RESERVE_BYTES = 512 * 1024;
const RESERVE_FILE = '.steward-reserve';
/** Room left besides the reserve before it is made: a write just after it must not find the disk full. */
const MARGIN_BYTES = 256 * 1024;

const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOENT']);

export class StateReserve {
  private present = false;

  constructor(
    private readonly directory: string,
    private readonly bytes = RESERVE_BYTES,
  ) {}

  get file(): string {
    return join(this.directory, RESERVE_FILE);
  }

  /** Whether the reserve is in place: it is made when missing and the disk has room for it and some more. */
  keep(): boolean {
    if (this.present) return true;
    try {
      // One a run before this one made: on a full disk it is the only room there is.
      if (statSync(this.file, { throwIfNoEntry: false })?.size === this.bytes) return (this.present = true);
      const { bavail, bsize } = statfsSync(this.directory);
      if (bavail * bsize < this.bytes + MARGIN_BYTES) return false;
      writeFileSync(this.file, Buffer.alloc(this.bytes), { mode: 0o600 });
    } catch (error) {
      rmSync(this.file, { force: true });
      if (NO_ROOM.has((error as NodeJS.ErrnoException).code ?? '')) return false;
      throw error;
    }
    this.present = true;
    return true;
  }

  /** Frees the reserve's room; false when there was none to free. */
  release(): boolean {
    if (!this.present) return false;
    rmSync(this.file, { force: true });
    this.present = false;
    return true;
  }
}
