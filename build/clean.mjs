#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run clean`: removes what the build and `npm run package` made: dist/ and the package's cache.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packageCacheDir } from './package/native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of [join(root, 'dist'), packageCacheDir()]) {
  if (!existsSync(dir)) continue;
  const size = execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0];
  try {
    rmSync(dir, { recursive: true, force: true });
    console.log(`removed ${dir} (${size})`);
  } catch (error) {
    if (error.code !== 'EACCES' && error.code !== 'EPERM') throw error;
    // The root filesystems that better-sqlite3 was compiled in were made by root.
    console.error(`${dir} holds files that root made: run “sudo npm run clean”`);
    process.exitCode = 1;
  }
}
