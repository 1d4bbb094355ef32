// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** The clock as org.freedesktop.timedate1 (and timesyncd, where it runs) tell it. */
export interface ClockState {
  ntp: boolean;
  canNtp: boolean;
  synchronized: boolean;
  /** timesyncd's ServerName, '' when it has none or does not run. */
  server: string;
}
