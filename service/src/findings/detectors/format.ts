// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Numbers for titles: people read "1.2 GB" ("1,2 Go" in French), not 1288490188.
import { formatSize, sessionLocale } from '../../i18n.js';

export const MiB = 1024 ** 2;

/** Decimal units as GNOME shows them (Files, Disk Usage Analyzer), in the session's language. */
export const formatBytes = (bytes: number): string => formatSize(bytes);

/** "4.2%" below ten percent, "12%" above; "12 %" in French, as the session's locale writes a percentage. */
export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(sessionLocale('LC_NUMERIC'), {
    style: 'percent',
    maximumFractionDigits: fraction < 0.1 ? 1 : 0,
  }).format(fraction);
}
