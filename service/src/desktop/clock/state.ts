// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** The clock as org.freedesktop.timedate1 tells it. */
export interface ClockState {
  /** Whether a time-sync service is enabled: GNOME Settings' "Automatic Date & Time". */
  ntp: boolean;
  /** Whether one is installed that timedated could enable. */
  canNtp: boolean;
  /** Whether the kernel's clock is synchronised now (timedated's NTPSynchronized). */
  synchronized: boolean;
}
