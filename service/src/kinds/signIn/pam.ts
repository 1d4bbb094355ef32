// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The PAM services of the desktop's sign-in: the display managers' greeters and lock screens, and the text console's
// login. auth-failures leaves their failures to the sign-in kind; sshd, sudo, su, polkit and mail stay there.

// gdm (data/pam-*): gdm-password, gdm-fingerprint, gdm-smartcard, gdm-autologin; GNOME's old screensaver; LightDM
// and its greeter; SDDM and its greeter; KDE's screen locker ("kde"); xscreensaver; login(1); cinnamon-screensaver,
// mate-screensaver and Xfce's fork of it.
const DESKTOP_SERVICES = new Set([
  'gdm-password',
  'gdm-fingerprint',
  'gdm-smartcard',
  'gdm-autologin',
  'gnome-screensaver',
  'cinnamon-screensaver',
  'mate-screensaver',
  'xfce4-screensaver',
  'xscreensaver',
  // The tiling sessions' lock screens, each its own service: swaylock, hyprlock, gtklock, i3lock, waylock.
  'swaylock',
  'hyprlock',
  'gtklock',
  'i3lock',
  'waylock',
  'lightdm',
  'lightdm-greeter',
  'lightdm-autologin',
  'sddm',
  'sddm-greeter',
  'sddm-autologin',
  'kde',
  'kde-fingerprint',
  'kde-smartcard',
  'login',
  // The display managers' own names where the package calls the service so (GDM before 2.30, Debian's gdm3, KDE's
  // old KDM, Mint's MDM), and the other display managers and greeters: LXDM, XDM, SLiM, greetd, Ly, COSMIC's.
  'gdm',
  'gdm3',
  'kdm',
  'mdm',
  'lxdm',
  'xdm',
  'slim',
  'greetd',
  'ly',
  'cosmic-greeter',
  // The person's own service manager (user@UID.service), which pam_systemd has started for every graphical sign-in
  // and which runs this PAM service as root before it starts: its refusal is the sign-in's.
  'systemd-user',
]);

export function isDesktopPamService(service: string): boolean {
  return DESKTOP_SERVICES.has(service);
}

// The display managers name their PAM services after themselves (gdm's data/pam-*, LightDM's and SDDM's services),
// and so do the distributions that rename them; login(1) runs "login", and "remote" for a remote login.
const OWN_SERVICES: Readonly<Record<string, RegExp>> = {
  gdm: /^gdm(?:\d|-|$)/,
  lightdm: /^lightdm(?:-|$)/,
  sddm: /^sddm(?:-|$)/,
  login: /^(?:login|remote)$/,
};

// The programs that run PAM for one thing only: a lock screen, as the person (physlock as root), to unlock the
// screen. Whatever its service is called (budgie-screensaver, physlock, xsecurelock, a distribution's own name), it is
// the desktop's.
const ONE_SERVICE_HOSTS = new Set(['screen-locker', 'console-locker']);

/** Whether `service` is one the sign-in program `host` (findings/writers.ts's name) runs as its own. */
export function isHostsOwnPamService(host: string, service: string): boolean {
  return ONE_SERVICE_HOSTS.has(host) || (OWN_SERVICES[host]?.test(service) ?? false);
}

/** PAM's module lines, through pam_syslog: "pam_unix(gdm-password:auth): authentication failure; …". */
export const PAM_LINE = /^(pam_[\w-]+)\(([\w.-]+):(\w+)\): (.*)$/;
