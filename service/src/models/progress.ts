// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
export interface PullProgress {
  bytesDone: number;
  /** Undefined when the server does not say how large the file is. */
  bytesTotal?: number;
  /** Bytes per second over this attempt; a resumed pull does not count the bytes it already had. */
  bytesPerSecond: number;
  /** Seconds left at the current rate, when the total is known and bytes are flowing. */
  etaSeconds?: number;
}

/** Measures a transfer and tells when the next progress report is due, so listeners are not flooded. */
export class ProgressMeter {
  private readonly startedAt: number;
  private lastReportAt = -Infinity;

  constructor(
    private readonly startBytes: number,
    private readonly bytesTotal: number | undefined,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** The progress to report now, or undefined when the last report was too recent (unless `force`). */
  sample(bytesDone: number, force = false): PullProgress | undefined {
    const now = this.now();
    if (!force && now - this.lastReportAt < this.intervalMs) return undefined;
    this.lastReportAt = now;
    const seconds = (now - this.startedAt) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.round((bytesDone - this.startBytes) / seconds) : 0;
    const left = this.bytesTotal === undefined ? undefined : Math.max(this.bytesTotal - bytesDone, 0);
    const etaSeconds = left === undefined || bytesPerSecond <= 0 ? undefined : Math.ceil(left / bytesPerSecond);
    return { bytesDone, bytesTotal: this.bytesTotal, bytesPerSecond, etaSeconds };
  }
}

/** One line for a terminal: "[#####-----]  48% 312.0 MB / 639.4 MB  4.2 MB/s  ETA 1m 18s". */
export function formatProgressLine(progress: PullProgress, barWidth = 24): string {
  const { bytesDone, bytesTotal, bytesPerSecond, etaSeconds } = progress;
  const rate = `${formatBytes(bytesPerSecond)}/s`;
  if (bytesTotal === undefined || bytesTotal === 0) return `${formatBytes(bytesDone)}  ${rate}`;
  const fraction = Math.min(bytesDone / bytesTotal, 1);
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = etaSeconds === undefined ? '' : `  ETA ${formatDuration(etaSeconds)}`;
  return `${bar} ${percent} ${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}  ${rate}${eta}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  // Decimal units, like the sizes model hubs and file managers show.
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
