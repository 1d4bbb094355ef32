// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A tree of files under a test's own root that stands for the machine's (/sys, /proc, /var/lib/dpkg): each path
// relative to the root, with its content.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes every file below `root`, making its directories; `end` closes each file ("\n", as sysfs's files end). */
export async function writeTree(root: string, files: Record<string, string>, end = ''): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), `${content}${end}`);
  }
}
