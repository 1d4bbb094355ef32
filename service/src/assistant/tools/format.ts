// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Figures the way the assistant's tools write them for the model.

/** Gigabytes (10^9, as GNOME's own tools count) with one decimal. */
export const formatGigabytes = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/** A whole percentage of `part` in `whole`; 0 of nothing is 0%. */
export const formatPercent = (part: number, whole: number): string =>
  `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;

/** A long duration to the minute, e.g. "3 d 4 h 12 min"; under a minute in seconds. */
export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [days > 0 && `${days} d`, (days > 0 || hours > 0) && `${hours} h`, `${minutes} min`];
  return parts.filter(Boolean).join(' ');
}
