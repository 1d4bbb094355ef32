// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Thresholds with hysteresis for "too little left" conditions (disk space, inodes).

export type Level = 'ok' | 'low' | 'critical';

const RANK: Record<Level, number> = { ok: 0, low: 1, critical: 2 };
const LEVELS = ['ok', 'low', 'critical'] as const;

/**
 * The level for `available` given the thresholds: it falls at once when
 * `available` drops below a threshold, but rises only once `available` is
 * `hysteresis` times above it, so a value hovering at a threshold does not flap.
 */
export function nextLevel(
  current: Level | undefined,
  available: number,
  thresholds: { low: number; critical: number },
  hysteresis: number,
): Level {
  const below = (factor: number): number =>
    available < thresholds.critical * factor ? 2 : available < thresholds.low * factor ? 1 : 0;
  const down = below(1);
  const up = below(hysteresis);
  return LEVELS[Math.max(down, Math.min(RANK[current ?? 'ok'], up)) as 0 | 1 | 2];
}
