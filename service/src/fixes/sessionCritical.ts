// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Units and processes the graphical session stands on. Restarting, stopping,
// starting or disabling one can end the user's session or cut them off (the
// display, the bus, the network, authorization), so such an action is high
// risk whatever its scope: never one-click, never run by an `auto` rule.

/** Glob patterns (`*` only) for unit names and process names. */
const SESSION_CRITICAL = [
  // The display manager and the shell.
  'display-manager.service',
  'gdm*',
  'sddm*',
  'lightdm*',
  'gnome-shell*',
  'org.gnome.Shell*',
  'gnome-session*',
  'org.gnome.SettingsDaemon.*',
  // The buses, the managers and authorization.
  'dbus*',
  'dbus-broker*',
  'user@*',
  'user-runtime-dir@*',
  'systemd-logind*',
  'polkit*',
  'init.scope',
  'systemd',
  // Any scope: session-N.scope, app-*.scope hold the session's own processes.
  '*.scope',
  // Network.
  'NetworkManager*',
  'wpa_supplicant*',
  'iwd*',
  // Sound, portals, files.
  'pipewire*',
  'wireplumber*',
  'gvfs-daemon*',
  'xdg-desktop-portal*',
  'xdg-document-portal*',
  'xdg-permission-store*',
  'at-spi*',
  'Xwayland',
  'Xorg',
] as const;

const PATTERNS = SESSION_CRITICAL.map(
  (glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
);

/** Whether `name` (a unit such as "gdm.service", or a process name such as "gnome-shell") is session-critical. */
export function isSessionCritical(name: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(name));
}

// Units whose start (or restart) ends the session or the whole system, or puts another in its place: the
// shutdown targets and their services, the rescue modes, the user manager's exit, a session or display manager,
// the shell. Steward never starts one, whoever asks: a line in a log or a model's answer could name one.
const SESSION_ENDING = [
  'exit.target',
  'poweroff.target',
  'reboot.target',
  'halt.target',
  'kexec.target',
  'soft-reboot.target',
  'shutdown.target',
  'ctrl-alt-del.target',
  'rescue.target',
  'emergency.target',
  'rescue.service',
  'emergency.service',
  'systemd-poweroff.service',
  'systemd-reboot.service',
  'systemd-halt.service',
  'systemd-kexec.service',
  'systemd-soft-reboot.service',
  'systemd-exit.service',
  'gnome-session*',
  'display-manager.service',
  'gdm*',
  'sddm*',
  'lightdm*',
  'gnome-shell*',
  'org.gnome.Shell*',
] as const;

const ENDING_PATTERNS = SESSION_ENDING.map(
  (glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
);

/** Whether starting `unit` would end the session or the system, or replace it: never Steward's to do. */
export function endsSession(unit: string): boolean {
  return ENDING_PATTERNS.some((pattern) => pattern.test(unit));
}
