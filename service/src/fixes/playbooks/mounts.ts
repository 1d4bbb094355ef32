// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which mount a path, or a disk finding, is on.
import { readFile } from 'node:fs/promises';

import type { FindingWithEvidence } from '../../findings/store.js';

/** The mount point that holds `path` (the longest mount point above it), from /proc/self/mounts. */
export async function mountOf(path: string): Promise<string> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const points = mounts
    .split('\n')
    // Octal escapes (\040 for a space) as the kernel writes them.
    .map((line) =>
      (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_match, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    )
    .filter((point) => point && (point === '/' || path === point || path.startsWith(`${point}/`)));
  return points.sort((a, b) => b.length - a.length)[0] ?? '/';
}

/** Whether a disk finding names a path: its subject, or a path its evidence names. */
export function namesPath(finding: FindingWithEvidence): boolean {
  return [finding.subject, ...finding.evidence.map((evidence) => evidence.path)].some((candidate) =>
    candidate?.startsWith('/'),
  );
}

/** The mount a disk finding is about: its subject when that is a path, else the path its evidence names. */
export async function findingMount(finding: FindingWithEvidence): Promise<string> {
  const path = [finding.subject, ...finding.evidence.map((evidence) => evidence.path)].find((candidate) =>
    candidate?.startsWith('/'),
  );
  return mountOf(path ?? '/');
}
