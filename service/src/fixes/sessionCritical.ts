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

/** A test for names that match any of `globs` (`*` only). */
function anyOf(globs: readonly string[]): (name: string) => boolean {
  const patterns = globs.map(
    (glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  );
  return (name) => patterns.some((pattern) => pattern.test(name));
}

const CRITICAL = anyOf(SESSION_CRITICAL);

/**
 * Whether `name` (a unit such as "gdm.service", or a process name such as "gnome-shell") is session-critical; every
 * session-ending unit is.
 */
export function isSessionCritical(name: string): boolean {
  return CRITICAL(name) || endsSession(name);
}

// Units the session or the system stands on so wholly that any change to them (a start, stop, restart, reload,
// kill, mask, unmask, enable, disable or reset-failed) can end the session or the system, or put another in its
// place: the display manager, the shell's and gnome-session's units, the user's service manager and its runtime
// directory, session scopes and slices, logind, the bus, journald, polkit, and the power, exit, rescue, graphical
// and multi-user targets with their aliases and services. Steward never changes one, whoever asks: a line in a log
// or a model's answer could name one. The catalog refuses it (Catalog.validate, SessionEnding), also where systemd
// knows the unit by one of these names only as an alias.
const SESSION_ENDING = [
  // The display manager and its alias.
  'display-manager.service',
  'gdm*',
  'sddm*',
  'lightdm*',
  // The shell and the session manager, and what the user manager runs the session as.
  'gnome-shell*',
  'org.gnome.Shell*',
  'gnome-session*',
  'graphical-session.target',
  'graphical-session-pre.target',
  // The user's service manager, its runtime directory, and the slices and scopes the logins run in.
  'user@*',
  'user-runtime-dir@*',
  'user.slice',
  'user-*.slice',
  'session.slice',
  'app.slice',
  'background.slice',
  'system.slice',
  '-.slice',
  'init.scope',
  'session-*.scope',
  // logind, under its own name and its bus alias.
  'systemd-logind*',
  'dbus-org.freedesktop.login1.service',
  // The bus.
  'dbus.service',
  'dbus.socket',
  'dbus-broker*',
  'dbus-daemon*',
  'messagebus.service',
  // journald and its sockets.
  'systemd-journald*',
  // polkit.
  'polkit*',
  // The power, exit and rescue targets, their services and their old runlevel aliases.
  'exit.target',
  'poweroff.target',
  'reboot.target',
  'halt.target',
  'kexec.target',
  'soft-reboot.target',
  'shutdown.target',
  'final.target',
  'ctrl-alt-del.target',
  'sleep.target',
  'suspend.target',
  'hibernate.target',
  'hybrid-sleep.target',
  'suspend-then-hibernate.target',
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
  'systemd-suspend*.service',
  'systemd-hibernate*.service',
  'systemd-hybrid-sleep.service',
  'runlevel*.target',
  // What every service and the session stand on: stopping one stops what requires it.
  'graphical.target',
  'multi-user.target',
  'default.target',
  'basic.target',
  'sysinit.target',
] as const;

const ENDING = anyOf(SESSION_ENDING);

/** Whether any change to `unit` could end the session or the system, or replace it: never Steward's to make. */
export function endsSession(unit: string): boolean {
  return ENDING(unit);
}
