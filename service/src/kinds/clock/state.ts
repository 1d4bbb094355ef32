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
  /** How long the machine has run, in seconds, when this was read. */
  uptimeSeconds?: number;
  /**
   * The machine's uptime when automatic time was seen switched on, where Steward saw it switched: from then on, not
   * from boot, the time daemon has had its chance. Undefined where it was on when first read (on since boot).
   */
  ntpOnSinceSeconds?: number;
}

/** The time daemon's last exchange with its server, as org.freedesktop.timesync1 (systemd-timesyncd) tells it. */
export interface TimesyncState {
  /**
   * How far off the clock was then, in seconds (NTPMessage: ((receive − originate) + (transmit − destination)) / 2);
   * positive when the clock is behind. Undefined before any answer.
   */
  offsetSeconds?: number;
  /** The server that exchange was with (ServerName). */
  server?: string;
}

/** How long automatic time has been on: since it was switched on, or since boot. */
export const ntpOnForSeconds = (clock: ClockState): number =>
  (clock.uptimeSeconds ?? 0) - (clock.ntpOnSinceSeconds ?? 0);
