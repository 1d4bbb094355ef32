// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'steward-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  // A process that is still exiting (a stopped service, its journalctl) may write one last file meanwhile.
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 5 }) };
}
