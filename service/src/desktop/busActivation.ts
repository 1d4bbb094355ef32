// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The message buses' own word that a desktop component they were asked to start on demand did not start. The bus
// names the component by its well-known bus name or its unit, which says whose it is; the bus's reason says why.
import type { DesktopArea } from '../findings/writers.js';
import { _, format } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';
import type { JournalEntry } from '../watch/events.js';

/** The bus names and units of the components the buses start on demand, by the part of the desktop they serve. */
const ON_DEMAND: Partial<Record<DesktopArea, { names: ReadonlySet<string>; units: ReadonlySet<string> }>> = {
  // AccountsService (the login screen's list of people), systemd-homed, fprintd, and the secret services the session
  // unlocks at sign-in (GNOME Keyring, KDE's wallet).
  'sign-in': {
    names: new Set([
      'org.freedesktop.Accounts',
      'org.freedesktop.home1',
      'net.reactivated.Fprint',
      'org.freedesktop.secrets',
      'org.gnome.keyring',
      'org.kde.kwalletd5',
      'org.kde.kwalletd6',
    ]),
    units: new Set([
      'accounts-daemon.service',
      'dbus-org.freedesktop.home1.service',
      'systemd-homed.service',
      'fprintd.service',
      'gnome-keyring-daemon.service',
    ]),
  },
  // cups-pk-helper, through which Settings adds and changes printers, and colord, which gives them colour profiles.
  printing: {
    names: new Set(['org.opensuse.CupsPkHelper.Mechanism', 'org.freedesktop.ColorManager']),
    units: new Set(['cups-pk-helper.service', 'colord.service']),
  },
};

// dbus-daemon's (bus/activation.c) "[system] Failed to activate service 'org.freedesktop.Accounts': timed out
// (service_start_timeout=25000ms)", "Activated service '…' failed: …", "Activation via systemd failed for unit
// 'accounts-daemon.service': …"; dbus-broker's launcher's "Activation request for 'org.freedesktop.Accounts' failed.".
const ACTIVATION_FAILED = [
  /Failed to activate service '([\w.-]+)': (.*)$/,
  /Activated service '([\w.-]+)' failed: (.*)$/,
  /Activation via systemd failed for unit '([\w@.\\-]+)': (.*)$/,
  /Activation request for '([\w.-]+)' failed(?:: (.*)|\.)?$/,
];
// Not a service the machine does not have ("Unit dbus-org.freedesktop.home1.service not found.", "could not be
// found"): pam_systemd_home asks for homed on every sign-in where it is not installed.
const NOT_INSTALLED = /\bnot found\b|could not be found|No such file or directory/;
const BUSES = new Set(['system-bus', 'session-bus']);

export interface ActivationFailure {
  /** The bus name or unit the bus could not start. */
  name: string;
  /** The bus's reason, '' where it gave none. */
  why: string;
}

/**
 * A bus's own line (its writer proven as the system's or the session's bus) that one of `area`'s components it was
 * asked to start did not start.
 */
export function busActivationFailure(
  area: DesktopArea,
  entry: JournalEntry,
  writer: string | undefined,
): ActivationFailure | null {
  const services = ON_DEMAND[area];
  if (!services || writer === undefined || !BUSES.has(writer)) return null;
  for (const pattern of ACTIVATION_FAILED) {
    const match = pattern.exec(entry.message);
    if (!match) continue;
    const [, name = '', why = ''] = match;
    const served = services.names.has(name) || services.units.has(name);
    return served && !NOT_INSTALLED.test(why) ? { name, why } : null;
  }
  return null;
}

/** "The bus could not start net.reactivated.Fprint: timed out …", the reason as the bus gave it. */
export function activationFailureTitle({ name, why }: ActivationFailure): string {
  return why
    ? format(_('The bus could not start {name}: {reason}'), { name, reason: cleanLine(why, 160) })
    : format(_('The bus could not start {name}'), { name });
}
