// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which desktop component wrote a journal line, proven by journald's trusted fields, or none. A line counts as a
// component's only when all three say so:
// - `_UID`: the session's user for what runs in the person's session, root or a system account for a system daemon
//   (SO_PEERCRED: no process can claim another's);
// - the unit (`_SYSTEMD_UNIT`, `_SYSTEMD_USER_UNIT`, from the writer's cgroup): the component's own unit, or a login
//   session's scope where the session starts it. Inside the user's own subtree a process may move itself anywhere,
//   the shell's unit included, so for the session's components the unit says little and the program says the rest;
//   a system unit's cgroup only root can enter;
// - `_EXE`: the component's installed program, by its whole path, which the package manager lists and only root may
//   change (installedPrograms.ts). A name never vouches: `_COMM` and the last part of `_EXE` are whatever a copy of
//   `logger` is named.
// An entry journald could not complete (a writer that ended before journald read /proc: systemd#2913) lacks these
// fields and is never anyone's. Lines of another user never are this session's.
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

import type { Logger } from '../logging.js';
import type { JournalEntry } from '../watch/events.js';
import { type InstalledOptions, type InstalledProgram, nixosPrograms, packagedPrograms } from './installedPrograms.js';

type UnitPattern = string | RegExp;

/** The part of the desktop a component serves: the kind of problem its lines are evidence of. */
export type DesktopArea = 'shell' | 'sound' | 'bluetooth' | 'printing' | 'clock' | 'sign-in';

export interface DesktopWriter {
  name: string;
  /** The part of the desktop it serves; none for the programs that report on every part (coredump, a manager). */
  area?: DesktopArea;
  /** The component in a person's words: "GNOME Shell". */
  title: string;
  /**
   * 'session': the session's user runs it, in the user's manager or login session; 'system': root or a system
   * account runs it, in a unit of the system's manager; 'user-manager': the user's own systemd; 'greeter': the
   * display manager's own account (a system account, never root) runs it in its login session or its own manager:
   * the login screen.
   */
  runsAs: 'session' | 'system' | 'user-manager' | 'greeter';
  /** Where the distributions install its programs, as /proc/PID/exe gives them (never through a link). */
  programs: readonly string[];
  /**
   * Folders whose programs are all its own, each listed by the package manager as the others are: CUPS's backends
   * and filters, which cupsd runs from its own folders as lp.
   */
  programFolders?: readonly string[];
  /** On NixOS, its programs as the system profile links them, under /run/current-system. */
  nixos?: readonly string[];
  /**
   * Its own units, or 'any' for a helper that runs in its caller's unit (unix_chkpwd, a lock screen) or a tool root
   * runs from any system unit (ntpdate from a network hook).
   */
  units: readonly UnitPattern[] | 'any';
  /** Also in a login session's scope, where the session rather than a manager starts it. */
  sessionScope?: true;
}

const SESSION_SCOPE = /^session-[\w-]+\.scope$/;
/** A user's manager's unit, which holds that user's processes. */
const USER_UNIT = /^user(?:@|-runtime-dir@)\d+\.service$/;
const DISPLAY_MANAGER = 'display-manager.service';
/** A message bus's programs and units (dbus-daemon, or dbus-broker and its launcher): the system's and the person's. */
const MESSAGE_BUS = {
  programs: ['/usr/bin/dbus-daemon', '/usr/bin/dbus-broker', '/usr/bin/dbus-broker-launch'],
  nixos: ['sw/bin/dbus-daemon', 'sw/bin/dbus-broker', 'sw/bin/dbus-broker-launch'],
  units: ['dbus.service', 'dbus-broker.service'],
};
/** gdm's launchers of a session's display server and session: the login screen's, or the person's signing in. */
const GDM_SESSION_LAUNCHERS = [
  '/usr/libexec/gdm-x-session',
  '/usr/libexec/gdm-wayland-session',
  '/usr/lib/gdm3/gdm-x-session',
  '/usr/lib/gdm3/gdm-wayland-session',
  '/usr/lib/gdm-x-session',
  '/usr/lib/gdm-wayland-session',
];

const CUPSD_UNITS = [
  'cups.service',
  'cups.socket',
  'cups.path',
  'org.cups.cupsd.service',
  'org.cups.cupsd.socket',
  'org.cups.cupsd.path',
];

const LISTED_WRITERS: readonly DesktopWriter[] = [
  {
    name: 'gnome-shell',
    title: 'GNOME Shell',
    area: 'shell',
    runsAs: 'session',
    programs: ['/usr/bin/gnome-shell'],
    nixos: ['sw/bin/gnome-shell'],
    // GNOME 3.34 and later run it as a user unit (gnome-shell-wayland.service in 3.34–3.38); gnome-session starts it
    // in the login session's scope otherwise.
    units: [/^org\.gnome\.Shell@(?:wayland|x11)\.service$/, /^gnome-shell-(?:wayland|x11)\.service$/],
    sessionScope: true,
  },
  {
    name: 'gnome-session',
    title: 'GNOME’s session manager',
    area: 'shell',
    runsAs: 'session',
    programs: ['/usr/libexec/gnome-session-binary', '/usr/libexec/gnome-session-ctl', '/usr/lib/gnome-session-binary'],
    nixos: ['sw/libexec/gnome-session-binary', 'sw/libexec/gnome-session-ctl'],
    units: [/^gnome-session-[\w@.-]+\.service$/],
    sessionScope: true,
  },
  {
    name: 'gnome-keyring',
    title: 'GNOME Keyring',
    area: 'sign-in',
    runsAs: 'session',
    programs: ['/usr/bin/gnome-keyring-daemon'],
    nixos: ['sw/bin/gnome-keyring-daemon'],
    // Its own user unit; the scopes and services the session starts its autostart entries in (gnome-session's
    // "app-gnome-gnome\x2dkeyring\x2dsecrets-1234.scope", systemd's xdg-autostart generator's
    // "app-gnome\x2dkeyring\x2dsecrets@autostart.service"); the bus's activation of the Secret Service
    // (dbus-broker's "dbus-:1.2-org.freedesktop.secrets@0.service"). pam_gnome_keyring starts it in the login session.
    units: [
      'gnome-keyring-daemon.service',
      /^app-[\w\\-]*gnome\\x2dkeyring[\w\\-]*(?:@autostart\.service|\.scope)$/,
      /^dbus-:[\d.-]+-org\.freedesktop\.secrets@\d+\.service$/,
    ],
    sessionScope: true,
  },
  {
    name: 'pipewire',
    title: 'PipeWire',
    area: 'sound',
    runsAs: 'session',
    programs: ['/usr/bin/pipewire'],
    nixos: ['sw/bin/pipewire'],
    // Its service, and the socket unit that starts it when a client connects (the same for pipewire-pulse and
    // PulseAudio): the socket failing to listen leaves the session without the sound server as surely.
    units: ['pipewire.service', 'pipewire.socket'],
    // The audio daemons: sessions without a user manager, and PulseAudio's autospawn, start them in the login
    // session's scope.
    sessionScope: true,
  },
  {
    // Installed as a link to pipewire, which `_EXE` names.
    name: 'pipewire-pulse',
    title: 'PipeWire’s PulseAudio server',
    area: 'sound',
    runsAs: 'session',
    programs: ['/usr/bin/pipewire-pulse', '/usr/bin/pipewire'],
    nixos: ['sw/bin/pipewire-pulse', 'sw/bin/pipewire'],
    units: ['pipewire-pulse.service', 'pipewire-pulse.socket'],
    sessionScope: true,
  },
  {
    name: 'wireplumber',
    title: 'WirePlumber',
    area: 'sound',
    runsAs: 'session',
    programs: ['/usr/bin/wireplumber'],
    nixos: ['sw/bin/wireplumber'],
    units: ['wireplumber.service'],
    sessionScope: true,
  },
  {
    // PipeWire's session manager before WirePlumber (PipeWire 0.3.0–0.3.47).
    name: 'pipewire-media-session',
    title: 'PipeWire’s media session',
    area: 'sound',
    runsAs: 'session',
    programs: ['/usr/bin/pipewire-media-session'],
    nixos: ['sw/bin/pipewire-media-session'],
    units: ['pipewire-media-session.service'],
    sessionScope: true,
  },
  {
    name: 'pulseaudio',
    title: 'PulseAudio',
    area: 'sound',
    runsAs: 'session',
    programs: ['/usr/bin/pulseaudio'],
    nixos: ['sw/bin/pulseaudio'],
    units: ['pulseaudio.service', 'pulseaudio.socket'],
    sessionScope: true,
  },
  {
    // ALSA's mixer settings, restored at boot and saved at shutdown as root.
    name: 'alsactl',
    title: 'ALSA',
    area: 'sound',
    runsAs: 'system',
    programs: ['/usr/sbin/alsactl', '/usr/bin/alsactl', '/sbin/alsactl'],
    nixos: ['sw/bin/alsactl'],
    units: ['alsa-restore.service', 'alsa-state.service', 'alsa-store.service'],
  },
  {
    name: 'bluetoothd',
    title: 'BlueZ',
    area: 'bluetooth',
    runsAs: 'system',
    // BlueZ 4 installed it in /usr/sbin.
    programs: ['/usr/libexec/bluetooth/bluetoothd', '/usr/lib/bluetooth/bluetoothd', '/usr/sbin/bluetoothd'],
    nixos: ['sw/libexec/bluetooth/bluetoothd'],
    units: ['bluetooth.service'],
  },
  {
    // BlueZ's file transfer daemon, which the session's D-Bus starts.
    name: 'obexd',
    title: 'BlueZ’s file transfer',
    area: 'bluetooth',
    runsAs: 'session',
    programs: ['/usr/libexec/bluetooth/obexd', '/usr/lib/bluetooth/obexd'],
    nixos: ['sw/libexec/bluetooth/obexd'],
    units: ['obex.service', 'dbus-org.bluez.obex.service'],
  },
  {
    name: 'cupsd',
    title: 'CUPS',
    area: 'printing',
    runsAs: 'system',
    programs: ['/usr/sbin/cupsd', '/usr/bin/cupsd'],
    nixos: ['sw/bin/cupsd', 'sw/sbin/cupsd'],
    // CUPS's own socket and path units start cups.service on demand (scheduler/cups.socket.in, cups.path.in): their
    // failing is the scheduler that cannot start. No process runs in them. CUPS before 2.3 named them
    // org.cups.cupsd.service, .socket and .path, as Arch Linux and its derivatives installed them until 2021.
    units: CUPSD_UNITS,
  },
  {
    // The backends and filters cupsd runs for a job, as lp (or root for a backend that needs it), in its unit; most
    // speak through cupsd's own lines, some (HPLIP's) through syslog.
    name: 'cups-programs',
    title: 'CUPS’s printer drivers',
    area: 'printing',
    runsAs: 'system',
    programs: [],
    programFolders: [
      '/usr/lib/cups/backend',
      '/usr/lib/cups/filter',
      '/usr/libexec/cups/backend',
      '/usr/libexec/cups/filter',
    ],
    units: CUPSD_UNITS.filter((unit) => unit.endsWith('.service')),
  },
  {
    name: 'cups-browsed',
    title: 'cups-browsed',
    area: 'printing',
    runsAs: 'system',
    programs: ['/usr/sbin/cups-browsed', '/usr/bin/cups-browsed'],
    nixos: ['sw/bin/cups-browsed'],
    units: ['cups-browsed.service'],
  },
  {
    name: 'colord',
    title: 'colord',
    area: 'printing',
    runsAs: 'system',
    programs: ['/usr/libexec/colord', '/usr/lib/colord/colord'],
    nixos: ['sw/libexec/colord'],
    units: ['colord.service'],
  },
  {
    // IPP over USB's daemon: udev starts it for a USB printer that speaks IPP, and CUPS prints through it.
    name: 'ipp-usb',
    title: 'ipp-usb',
    area: 'printing',
    runsAs: 'system',
    programs: ['/usr/sbin/ipp-usb', '/usr/bin/ipp-usb'],
    nixos: ['sw/bin/ipp-usb'],
    units: ['ipp-usb.service'],
  },
  {
    // The system bus starts it for GNOME Settings' printers panel, in the bus's own unit (it has none of its own).
    name: 'cups-pk-helper',
    title: 'cups-pk-helper',
    area: 'printing',
    runsAs: 'system',
    programs: [
      '/usr/libexec/cups-pk-helper-mechanism',
      '/usr/lib/cups-pk-helper/cups-pk-helper-mechanism',
      '/usr/lib/x86_64-linux-gnu/cups-pk-helper-mechanism',
    ],
    nixos: ['sw/libexec/cups-pk-helper-mechanism'],
    units: ['dbus.service', 'dbus-broker.service'],
  },
  {
    name: 'systemd-timesyncd',
    title: 'systemd-timesyncd',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/lib/systemd/systemd-timesyncd', '/lib/systemd/systemd-timesyncd'],
    nixos: ['systemd/lib/systemd/systemd-timesyncd'],
    // systemd-time-wait-sync.service waits for the kernel's clock to be synchronised: its failing is timesyncd not
    // synchronising it in time.
    units: ['systemd-timesyncd.service', 'systemd-time-wait-sync.service'],
  },
  {
    name: 'chronyd',
    title: 'chrony',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/sbin/chronyd', '/usr/bin/chronyd'],
    nixos: ['sw/bin/chronyd'],
    // chrony-wait.service runs chronyc's waitsync: its failing is chrony not synchronising the clock in time.
    // Fedora 38 and later offer chronyd-restricted.service, chronyd without its NTP server, in chronyd's place.
    units: ['chrony.service', 'chronyd.service', 'chronyd-restricted.service', 'chrony-wait.service'],
    // Root runs it from a terminal too, to set the clock once ("chronyd -q"): in the login session's scope.
    sessionScope: true,
  },
  {
    name: 'ntpd',
    title: 'ntpd',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/sbin/ntpd', '/usr/bin/ntpd'],
    nixos: ['sw/bin/ntpd'],
    // ntp-wait.service and ntpsec-wait.service wait for ntpd to synchronise the clock, as chrony-wait.service does.
    units: [
      'ntp.service',
      'ntpd.service',
      'ntpsec.service',
      'openntpd.service',
      'ntp-wait.service',
      'ntpsec-wait.service',
    ],
    // Root runs it from a terminal too, to set the clock once ("ntpd -gq"): in the login session's scope.
    sessionScope: true,
  },
  {
    // One-shot clients root runs from its own unit or from a network hook's.
    name: 'ntpdate',
    title: 'ntpdate',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/sbin/ntpdate', '/usr/bin/ntpdate', '/usr/sbin/sntp', '/usr/bin/sntp'],
    nixos: ['sw/bin/ntpdate'],
    units: 'any',
    sessionScope: true,
  },
  {
    // util-linux's tool that reads and sets the hardware clock, run by root from the distribution's units (hwclock,
    // hwclock-save) or its scripts at boot and shutdown.
    name: 'hwclock',
    title: 'hwclock',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/sbin/hwclock', '/sbin/hwclock', '/usr/bin/hwclock'],
    nixos: ['sw/bin/hwclock'],
    units: 'any',
    // And by root from a terminal ("hwclock --systohc"), in the login session's scope.
    sessionScope: true,
  },
  {
    // Debian's script that keeps the time across reboots on machines without a real-time clock (the Raspberry Pi's),
    // its shell run by root in its own units: the unit proves it, the shell is only its interpreter.
    name: 'fake-hwclock',
    title: 'fake-hwclock',
    area: 'clock',
    runsAs: 'system',
    programs: ['/bin/sh', '/usr/bin/sh', '/bin/dash', '/usr/bin/dash', '/bin/bash', '/usr/bin/bash'],
    units: ['fake-hwclock.service', 'fake-hwclock-save.service'],
  },
  {
    name: 'systemd-timedated',
    title: 'systemd-timedated',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/lib/systemd/systemd-timedated', '/lib/systemd/systemd-timedated'],
    nixos: ['systemd/lib/systemd/systemd-timedated'],
    units: ['systemd-timedated.service'],
  },
  {
    // Fedora's and RHEL 7–8's implementation of timedated's D-Bus interface.
    name: 'timedatex',
    title: 'timedatex',
    area: 'clock',
    runsAs: 'system',
    programs: ['/usr/sbin/timedatex'],
    units: ['timedatex.service'],
  },
  {
    // gnome-settings-daemon's plugin that sets the time zone from the location where automatic time zone is on (its
    // timedated calls and GeoClue's answers), a user unit since GNOME 3.34, in the login session's scope before.
    name: 'gsd-datetime',
    title: 'GNOME’s automatic time zone',
    area: 'clock',
    runsAs: 'session',
    programs: ['/usr/libexec/gsd-datetime', '/usr/lib/gsd-datetime', '/usr/lib/gnome-settings-daemon/gsd-datetime'],
    nixos: ['sw/libexec/gsd-datetime'],
    units: ['org.gnome.SettingsDaemon.Datetime.service'],
    sessionScope: true,
  },
  {
    // gdm's daemon and its session worker, which runs the sign-in's PAM stack: in gdm's unit, and in the login
    // session's scope once pam_systemd opened it (the greeter's, or the person's, where the lock screen asks it).
    name: 'gdm',
    title: 'GDM',
    area: 'sign-in',
    runsAs: 'system',
    programs: [
      '/usr/sbin/gdm3',
      '/usr/sbin/gdm',
      // GDM 2.20 and older, whose daemon ran the PAM stack itself.
      '/usr/sbin/gdm-binary',
      '/usr/bin/gdm',
      '/usr/libexec/gdm-session-worker',
      '/usr/lib/gdm/gdm-session-worker',
      '/usr/lib/gdm-session-worker',
      '/usr/lib/gdm3/gdm-session-worker',
    ],
    nixos: ['sw/bin/gdm', 'sw/libexec/gdm-session-worker'],
    units: ['gdm.service', 'gdm3.service', DISPLAY_MANAGER],
    sessionScope: true,
  },
  {
    // The login screen: gdm starts a GNOME Shell, and the session manager and session launcher around it, as its own
    // system account (gdm, gdm-greeter-N) in that account's login session (class greeter) or, since GNOME 3.34, in
    // that account's own systemd; LightDM and SDDM run their greeters so. What these programs report there is the
    // login screen's: signing in.
    name: 'login-screen',
    title: 'the login screen',
    area: 'sign-in',
    runsAs: 'greeter',
    programs: [
      '/usr/bin/gnome-shell',
      '/usr/libexec/gnome-session-binary',
      '/usr/lib/gnome-session-binary',
      ...GDM_SESSION_LAUNCHERS,
      // The other display managers' greeters, which they run as their own account the same way.
      '/usr/sbin/lightdm-gtk-greeter',
      '/usr/sbin/slick-greeter',
      '/usr/sbin/unity-greeter',
      '/usr/sbin/arctica-greeter',
      '/usr/sbin/io.elementary.greeter',
      // Where /usr/sbin is /usr/bin (Arch, Fedora 42 and later), /proc/PID/exe names the one folder.
      '/usr/bin/lightdm-gtk-greeter',
      '/usr/bin/slick-greeter',
      '/usr/bin/io.elementary.greeter',
      '/usr/bin/sddm-greeter',
      '/usr/bin/sddm-greeter-qt6',
    ],
    nixos: ['sw/bin/gnome-shell', 'sw/libexec/gnome-session-binary', 'sw/libexec/gdm-wayland-session'],
    units: 'any',
    sessionScope: true,
  },
  {
    // KDE's wallet, which pam_kwallet opens with the sign-in password as the keyring's module does GNOME's: in the
    // login session, or in the user units the bus's activation and Plasma's autostart make for it.
    name: 'kwallet',
    title: 'KDE Wallet',
    area: 'sign-in',
    runsAs: 'session',
    programs: ['/usr/bin/kwalletd5', '/usr/bin/kwalletd6', '/usr/bin/ksecretd'],
    nixos: ['sw/bin/kwalletd5', 'sw/bin/kwalletd6', 'sw/bin/ksecretd'],
    units: [/^(?:app|dbus)-[\w\\:.@-]*(?:kwalletd\d*|ksecretd)[\w\\:.@-]*\.(?:scope|service)$/],
    sessionScope: true,
  },
  {
    // gdm's session launchers, which it runs as the person in the new login session to start the session's display
    // server and session (daemon/gdm-x-session.c, gdm-wayland-session.c): their failure is the sign-in's session not
    // starting. As the display manager's own account they are the login screen's, above.
    name: 'gdm-session',
    title: 'GDM’s session launcher',
    area: 'sign-in',
    runsAs: 'session',
    programs: GDM_SESSION_LAUNCHERS,
    nixos: ['sw/libexec/gdm-x-session', 'sw/libexec/gdm-wayland-session'],
    units: [],
    sessionScope: true,
  },
  {
    // AccountsService, which lists the people the login screen offers and holds their session and language: gdm,
    // LightDM and the lock screens ask it for every sign-in.
    name: 'accounts-daemon',
    title: 'AccountsService',
    area: 'sign-in',
    runsAs: 'system',
    programs: ['/usr/libexec/accounts-daemon', '/usr/lib/accountsservice/accounts-daemon', '/usr/lib/accounts-daemon'],
    nixos: ['sw/libexec/accounts-daemon'],
    units: ['accounts-daemon.service'],
  },
  {
    name: 'lightdm',
    title: 'LightDM',
    area: 'sign-in',
    runsAs: 'system',
    programs: ['/usr/sbin/lightdm', '/usr/bin/lightdm'],
    nixos: ['sw/bin/lightdm'],
    units: ['lightdm.service', DISPLAY_MANAGER],
    sessionScope: true,
  },
  {
    name: 'sddm',
    title: 'SDDM',
    area: 'sign-in',
    runsAs: 'system',
    // The daemon, which starts the display server and reports what the helper's authentication came to, and the
    // helper that runs PAM.
    programs: [
      '/usr/bin/sddm',
      '/usr/lib/sddm/sddm-helper',
      '/usr/libexec/sddm-helper',
      '/usr/lib/x86_64-linux-gnu/sddm/sddm-helper',
    ],
    nixos: ['sw/libexec/sddm-helper'],
    units: ['sddm.service', DISPLAY_MANAGER],
    sessionScope: true,
  },
  {
    // The other display managers, each running the sign-in's PAM stack as root in its own unit: LXDM's daemon
    // (lxdm-binary, which its "lxdm" script starts), greetd, Ly, SLiM, XDM, and Linux Mint's MDM (a fork of GDM 2.20,
    // whose daemon ran PAM itself).
    name: 'display-manager',
    title: 'the display manager',
    area: 'sign-in',
    runsAs: 'system',
    programs: [
      '/usr/sbin/lxdm-binary',
      '/usr/bin/lxdm-binary',
      '/usr/sbin/greetd',
      '/usr/bin/greetd',
      '/usr/bin/ly',
      '/usr/bin/slim',
      '/usr/bin/xdm',
      '/usr/sbin/mdm',
      '/usr/sbin/mdm-binary',
    ],
    nixos: ['sw/bin/lxdm-binary', 'sw/bin/greetd', 'sw/bin/ly', 'sw/bin/slim', 'sw/bin/xdm'],
    units: [
      'lxdm.service',
      'greetd.service',
      // COSMIC's greeter runs greetd as its own unit (pop-os/cosmic-greeter's debian/cosmic-greeter.service).
      'cosmic-greeter.service',
      'ly.service',
      /^ly@[\w.-]+\.service$/,
      'slim.service',
      'xdm.service',
      'mdm.service',
      DISPLAY_MANAGER,
    ],
    sessionScope: true,
  },
  {
    name: 'login',
    title: 'login',
    area: 'sign-in',
    runsAs: 'system',
    programs: ['/usr/bin/login', '/bin/login'],
    nixos: ['sw/bin/login'],
    units: [/^(?:getty|serial-getty|container-getty|autovt)@[\w.-]+\.service$/, 'console-getty.service'],
    sessionScope: true,
  },
  {
    name: 'systemd-homed',
    title: 'systemd-homed',
    area: 'sign-in',
    runsAs: 'system',
    // homed runs systemd-homework in its unit for each operation on a home; it reports what failed.
    // Debian and Ubuntu before their merged /usr install systemd's daemons under /lib.
    programs: [
      '/usr/lib/systemd/systemd-homed',
      '/usr/lib/systemd/systemd-homework',
      '/lib/systemd/systemd-homed',
      '/lib/systemd/systemd-homework',
    ],
    nixos: ['systemd/lib/systemd/systemd-homed', 'systemd/lib/systemd/systemd-homework'],
    units: ['systemd-homed.service'],
  },
  {
    // The fingerprint reader's daemon, which the system bus starts for gdm's and the lock screen's PAM module.
    name: 'fprintd',
    title: 'fprintd',
    area: 'sign-in',
    runsAs: 'system',
    // Arch installs the daemon itself as /usr/lib/fprintd (its libexecdir is /usr/lib).
    programs: ['/usr/libexec/fprintd', '/usr/lib/fprintd/fprintd', '/usr/lib/fprintd'],
    nixos: ['sw/libexec/fprintd'],
    units: ['fprintd.service'],
  },
  {
    // SSSD, which answers pam_sss for the accounts of a directory (FreeIPA, Active Directory, LDAP): its monitor, its
    // responders (sssd_pam answers the sign-in's PAM calls) and its back ends, as root or, since 2.10, its own system
    // account. Where it fails, no account of the directory signs in. Fedora, Debian and NixOS keep the responders under
    // libexec, Arch under /usr/lib.
    name: 'sssd',
    title: 'SSSD',
    area: 'sign-in',
    runsAs: 'system',
    programs: [
      '/usr/sbin/sssd',
      ...['sssd_pam', 'sssd_nss', 'sssd_be', 'sssd_kcm'].flatMap((daemon) => [
        `/usr/libexec/sssd/${daemon}`,
        `/usr/lib/sssd/${daemon}`,
      ]),
    ],
    nixos: ['sw/bin/sssd', 'sw/libexec/sssd/sssd_pam', 'sw/libexec/sssd/sssd_nss', 'sw/libexec/sssd/sssd_be'],
    // sssd.service, and the units systemd starts the PAM and NSS responders from where their sockets are enabled.
    units: [
      'sssd.service',
      'sssd-pam.socket',
      'sssd-pam-priv.socket',
      'sssd-pam.service',
      'sssd-nss.socket',
      'sssd-nss.service',
    ],
  },
  {
    // pam_unix's helper checks the password for a program that is not root: it runs as that program's user, in
    // that program's unit.
    name: 'unix_chkpwd',
    title: 'unix_chkpwd',
    area: 'sign-in',
    runsAs: 'session',
    programs: ['/usr/sbin/unix_chkpwd', '/sbin/unix_chkpwd', '/usr/bin/unix_chkpwd'],
    nixos: [],
    units: 'any',
    sessionScope: true,
  },
  {
    // The lock screens that check the password as the user (GNOME's is the shell, asking gdm).
    name: 'screen-locker',
    title: 'the screen locker',
    area: 'sign-in',
    runsAs: 'session',
    programs: [
      '/usr/libexec/kscreenlocker_greet',
      '/usr/lib/x86_64-linux-gnu/libexec/kscreenlocker_greet',
      '/usr/lib/kscreenlocker_greet',
      '/usr/bin/gnome-screensaver',
      '/usr/libexec/gnome-screensaver-dialog',
      '/usr/lib/gnome-screensaver/gnome-screensaver-dialog',
      '/usr/bin/cinnamon-screensaver-pam-helper',
      '/usr/libexec/cinnamon-screensaver-pam-helper',
      '/usr/bin/mate-screensaver',
      '/usr/libexec/mate-screensaver-dialog',
      '/usr/bin/xscreensaver',
      '/usr/libexec/xscreensaver/xscreensaver-auth',
      '/usr/lib/xscreensaver/xscreensaver-auth',
      // KDE's password checker before Plasma 5.25 (kscreenlocker's kcheckpass, KDE 3 and 4's kdebase), which the
      // lock screen runs as the person.
      '/usr/libexec/kcheckpass',
      '/usr/lib/kcheckpass',
      '/usr/lib/x86_64-linux-gnu/libexec/kcheckpass',
      '/usr/lib/kde4/libexec/kcheckpass',
      '/usr/bin/kcheckpass',
      // The Wayland and X lock screens of the tiling sessions, which run PAM themselves as the person: xsecurelock
      // through its PAM helper, xlockmore's xlock.
      '/usr/bin/swaylock',
      '/usr/bin/hyprlock',
      '/usr/bin/i3lock',
      '/usr/bin/waylock',
      '/usr/libexec/xsecurelock/authproto_pam',
      '/usr/lib/xsecurelock/authproto_pam',
      '/usr/bin/xlock',
      // kbd's console lock (vlock), as the person.
      '/usr/bin/vlock',
      // Xfce's lock screen (a fork of MATE's), whose dialog runs its PAM service "xfce4-screensaver" from libexecdir.
      '/usr/bin/xfce4-screensaver',
      '/usr/libexec/xfce4-screensaver-dialog',
      '/usr/lib/xfce4-screensaver-dialog',
      '/usr/lib/x86_64-linux-gnu/xfce4-screensaver/xfce4-screensaver-dialog',
    ],
    nixos: [
      'sw/bin/xscreensaver',
      'sw/libexec/kscreenlocker_greet',
      'sw/bin/swaylock',
      'sw/bin/hyprlock',
      'sw/bin/i3lock',
      'sw/bin/waylock',
      'sw/bin/xfce4-screensaver',
      'sw/bin/vlock',
    ],
    units: 'any',
    sessionScope: true,
  },
  {
    // physlock, which locks every virtual console and runs PAM as root (it must be root to take the consoles), from
    // the person's session or a unit run at suspend.
    name: 'console-locker',
    title: 'the console lock screen',
    area: 'sign-in',
    runsAs: 'system',
    programs: ['/usr/bin/physlock', '/usr/sbin/physlock'],
    nixos: ['sw/bin/physlock'],
    units: 'any',
    sessionScope: true,
  },
  {
    // The system's message bus (dbus-daemon, or dbus-broker and its launcher), as its own account in its own unit. It
    // serves no one part of the desktop: a kind reads only its lines about activating that part's services.
    name: 'system-bus',
    title: 'the system bus',
    runsAs: 'system',
    ...MESSAGE_BUS,
  },
  {
    // The person's session bus, in the person's own manager.
    name: 'session-bus',
    title: 'the session bus',
    runsAs: 'session',
    ...MESSAGE_BUS,
  },
  {
    // The login manager, which makes each sign-in's session: its scope, the person's slice and service manager. It
    // serves no one part of the desktop: the sign-in kind reads only its lines about a session's units.
    name: 'systemd-logind',
    title: 'systemd-logind',
    runsAs: 'system',
    programs: ['/usr/lib/systemd/systemd-logind', '/lib/systemd/systemd-logind'],
    nixos: ['systemd/lib/systemd/systemd-logind'],
    units: ['systemd-logind.service'],
  },
  {
    name: 'systemd-coredump',
    title: 'systemd-coredump',
    runsAs: 'system',
    programs: ['/usr/lib/systemd/systemd-coredump', '/lib/systemd/systemd-coredump'],
    nixos: ['systemd/lib/systemd/systemd-coredump'],
    units: [/^systemd-coredump@[\w.-]+\.service$/],
  },
  {
    // The user's own service manager: systemd in the init.scope of the user's user@UID.service.
    name: 'user-manager',
    title: 'your systemd',
    runsAs: 'user-manager',
    programs: ['/usr/lib/systemd/systemd', '/lib/systemd/systemd'],
    nixos: ['systemd/lib/systemd/systemd'],
    units: ['init.scope'],
  },
];

/** Debian's multiarch triplets of the machines GNOME runs on. */
const MULTIARCH = ['x86_64-linux-gnu', 'aarch64-linux-gnu', 'arm-linux-gnueabihf', 'i386-linux-gnu'];

/**
 * A program's path as each distribution installs it, from the one the table lists: with and without the /usr merge
 * (Debian before 12 kept /bin, /sbin and /lib apart), and with sbin merged into bin (Arch, Fedora 42). The package
 * manager still proves which of them this machine has (prove).
 */
export function installedPaths(path: string): string[] {
  const name = /^(?:\/usr)?\/s?bin\/([^/]+)$/.exec(path)?.[1];
  if (name) return [...new Set([path, ...['/usr/bin', '/usr/sbin', '/bin', '/sbin'].map((dir) => `${dir}/${name}`)])];
  const file = /^(?:\/usr)?(\/lib\/.+)$/.exec(path)?.[1];
  if (file === undefined) return [path];
  // Debian's multiarch folders name the machine's architecture: the table lists x86-64's.
  const arches = MULTIARCH.some((arch) => file.startsWith(`/lib/${arch}/`))
    ? MULTIARCH.map((arch) => file.replace(/^\/lib\/[^/]+/, `/lib/${arch}`))
    : [file];
  return [...new Set([path, ...arches.flatMap((each) => [each, `/usr${each}`])])];
}

// The folders of the programs people do not run themselves (libexecdir): /usr/libexec (Fedora, Debian 12), /usr/lib
// (Arch), a package's own folder under either (/usr/lib/gdm3, /usr/libexec/bluetooth), a multiarch folder (Debian).
// Where a distribution puts a listed helper is its own choice: one of these folders holds it, directly or up to two
// folders below (a multiarch folder, then the package's own: /usr/lib/x86_64-linux-gnu/sddm/sddm-helper).
const HELPER_PATH = /^\/usr\/(?:libexec|lib(?:32|64)?)\/(?:[^/]+\/){0,2}[^/]+$/;
const HELPER_ROOTS = ['/usr/libexec', '/usr/lib', '/usr/lib64', ...MULTIARCH.map((arch) => `/usr/lib/${arch}`)];

/** Whether `path` is a helper of `writer`'s by name: one of its listed helpers, in another libexec folder. */
function isHelperOf(writer: DesktopWriter, path: string): boolean {
  const name = posix.basename(path);
  return (
    HELPER_PATH.test(path) &&
    writer.programs.some((program) => HELPER_PATH.test(program) && posix.basename(program) === name)
  );
}

/**
 * The files named as one of `names` in the helper folders and the folders right below them: candidates, each still
 * to be proven installed (prove).
 */
export async function helpersNamed(root: string, names: ReadonlySet<string>): Promise<string[]> {
  const found = new Set<string>();
  const search = async (folder: string, depth: number): Promise<void> => {
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (entry) => {
        const path = posix.join(folder, entry.name);
        if (entry.isFile() && names.has(entry.name)) found.add(path);
        else if (entry.isDirectory() && depth > 0) await search(path, depth - 1);
      }),
    );
  };
  await Promise.all(HELPER_ROOTS.map((folder) => search(folder, 1)));
  return [...found];
}

export const DESKTOP_WRITERS: readonly DesktopWriter[] = LISTED_WRITERS.map((writer) => ({
  ...writer,
  programs: [...new Set(writer.programs.flatMap(installedPaths))],
}));

// Accounts the system gives its daemons: below the first login user's (login.defs' SYS_UID_MAX is 999), and
// systemd's dynamic users; not nobody.
const NOBODY = 65534;
const isSystemAccount = (uid: number) => uid !== NOBODY && (uid < 1000 || (uid >= 61184 && uid <= 65519));
// GDM 49's login-screen accounts (gdm-greeter, gdm-greeter-2…), which systemd-userdbd registers from 60578 upward, in
// the range systemd leaves between its containers' mapped host users and its dynamic service users (UIDS-GIDS.md): the
// login screen's shell as uid 60578 (projectbluefin/dakota#1480).
const isGreeterAccount = (uid: number) => isSystemAccount(uid) || (uid >= 60578 && uid <= 61183);

const unitMatches = (patterns: readonly UnitPattern[], unit: string) =>
  patterns.some((pattern) => (typeof pattern === 'string' ? pattern === unit : pattern.test(unit)));

export interface ProveOptions extends InstalledOptions {
  log?: Logger;
}

/** This session's desktop writers: the session's user, and the components' programs the distribution installed. */
export class Writers {
  /** Each proven program's path, and the writers whose program it is. */
  readonly #programs = new Map<string, DesktopWriter[]>();

  constructor(
    /** The session's user: the service's own, but where a test runs the service for another user. */
    readonly sessionUid: number,
    readonly table: readonly DesktopWriter[] = DESKTOP_WRITERS,
  ) {}

  /** Finds which of the table's programs this machine installed; lines are vouched for only after this. */
  async prove(options: ProveOptions): Promise<void> {
    const listed = await Promise.all(
      [...new Set(this.table.flatMap((writer) => writer.programFolders ?? []))].map((folder) =>
        programsIn(options.root, folder),
      ),
    );
    const helperNames = new Set(
      this.table.flatMap((writer) =>
        writer.programs.filter((program) => HELPER_PATH.test(program)).map((program) => posix.basename(program)),
      ),
    );
    const helpers = await helpersNamed(options.root, helperNames);
    const paths = [...new Set([...this.table.flatMap((writer) => writer.programs), ...listed.flat(), ...helpers])];
    const links = [...new Set(this.table.flatMap((writer) => writer.nixos ?? []))];
    const [packaged, nixos] = await Promise.all([packagedPrograms(paths, options), nixosProfile(links, options)]);
    for (const { path } of packaged) this.#add(path, (writer) => ownsPath(writer, path));
    for (const { program, link } of nixos) this.#add(program.path, (writer) => writer.nixos?.includes(link) ?? false);
    options.log?.info('desktop programs proven installed', {
      programs: [...this.#programs.keys()].join(', ') || 'none',
    });
  }

  /** For tests: these paths taken as installed by the distribution. */
  assumeInstalled(paths: readonly string[]): this {
    for (const path of paths) this.#add(path, (writer) => ownsPath(writer, path));
    return this;
  }

  #add(path: string, belongs: (writer: DesktopWriter) => boolean): void {
    const writers = this.table.filter(belongs);
    if (writers.length > 0) this.#programs.set(path, [...new Set([...(this.#programs.get(path) ?? []), ...writers])]);
  }

  /** Whether `path` is an installed program of the writer `name`: a crash record's COREDUMP_EXE, say. */
  isProgramOf(name: string, path: string | undefined): boolean {
    return path !== undefined && (this.#programs.get(path)?.some((writer) => writer.name === name) ?? false);
  }

  /** The component that wrote `entry`, proven by journald's trusted fields, or null. */
  provenWriter(entry: JournalEntry): DesktopWriter | null {
    const { _UID: uidText, _EXE: exe, _SYSTEMD_UNIT: unit } = entry.fields;
    if (uidText === undefined || exe === undefined || unit === undefined || !/^\d+$/.test(uidText)) return null;
    const uid = Number(uidText);
    return this.#programs.get(exe)?.find((writer) => this.#placed(writer, entry, uid)) ?? null;
  }

  /** Whether `writer` runs as `uid` where the entry's unit says. */
  #placed(writer: DesktopWriter, entry: JournalEntry, uid: number): boolean {
    const { _SYSTEMD_UNIT: unit = '', _SYSTEMD_USER_UNIT: userUnit, _SYSTEMD_CGROUP: cgroup } = entry.fields;
    const inSessionScope = writer.sessionScope === true && userUnit === undefined && SESSION_SCOPE.test(unit);
    switch (writer.runsAs) {
      case 'system':
        if (uid !== 0 && !isSystemAccount(uid)) return false;
        // A login session's scope holds the person's processes too: only root's there are the system's.
        if (inSessionScope) return uid === 0;
        // 'any': a system unit, which only root can start a process in; never a login session's or a user's.
        if (writer.units === 'any') return userUnit === undefined && !SESSION_SCOPE.test(unit) && !USER_UNIT.test(unit);
        return userUnit === undefined && unitMatches(writer.units, unit);
      case 'session': {
        if (uid !== this.sessionUid) return false;
        if (inSessionScope) return true;
        if (unit !== `user@${uid}.service` || userUnit === undefined) return false;
        return writer.units === 'any' || unitMatches(writer.units, userUnit);
      }
      case 'greeter':
        // Not root (gdm's daemon and worker are root's, the table's 'gdm'), not the person: the display manager's
        // account, in its login session or in the units of its own manager.
        if (uid === 0 || !isGreeterAccount(uid)) return false;
        return inSessionScope || (unit === `user@${uid}.service` && userUnit !== undefined);
      case 'user-manager':
        return (
          uid === this.sessionUid &&
          unit === `user@${uid}.service` &&
          (cgroup === undefined ? userUnit === 'init.scope' : cgroup.endsWith(`/user@${uid}.service/init.scope`))
        );
    }
  }
}

/** Whether `path` is one of `writer`'s programs: listed, in one of its folders, or a helper of its by name. */
const ownsPath = (writer: DesktopWriter, path: string) =>
  writer.programs.includes(path) ||
  (writer.programFolders?.includes(posix.dirname(path)) ?? false) ||
  isHelperOf(writer, path);

/** The files of `folder` on the machine: candidates, each still to be proven installed. */
async function programsIn(root: string, folder: string): Promise<string[]> {
  const names = await readdir(join(root, folder)).catch(() => []);
  return names.map((name) => posix.join(folder, name));
}

/** NixOS's linked programs, each with the link it was found through. */
async function nixosProfile(
  links: readonly string[],
  options: InstalledOptions,
): Promise<{ program: InstalledProgram; link: string }[]> {
  const found = await Promise.all(
    links.map(async (link) => (await nixosPrograms([link], options)).map((program) => ({ program, link }))),
  );
  return found.flat();
}

// Units more than one component runs in: the system bus's, which starts helpers that have no unit of their own.
const SHARED_UNITS = new Set(['dbus.service', 'dbus-broker.service']);

const UNIT_AREAS = new Map(
  DESKTOP_WRITERS.flatMap((writer) =>
    writer.area && writer.units !== 'any'
      ? writer.units.flatMap((unit) =>
          typeof unit === 'string' && !SHARED_UNITS.has(unit) ? [[unit, writer.area] as const] : [],
        )
      : [],
  ),
);

// A user's own service manager and runtime folder, which pam_systemd has PID 1 start when the person signs in and
// waits for: a graphical session needs them, so their failing to start is signing in failing ("Failed to start User
// Manager for UID 1000"), and the display manager shows its login screen again.
const SIGN_IN_UNIT = /^user(?:-runtime-dir)?@\d+\.service$/;
// The template units udev starts for a USB printer plugged in, to set up its queue: system-config-printer's
// udev-configure-printer (configure-printer@.service) and HPLIP's hp-config_usb_printer (hplip-printer@.service,
// "Configure HP Plugged-In Printer"). Their failing is that printer left without a queue.
const PRINTER_SETUP_UNIT = /^(?:configure-printer|hplip-printer)@[^\s/]+\.service$/;

/**
 * The part of the desktop whose component runs in `unit` (bluetooth.service: Bluetooth): that unit failing is the
 * area's problem, a finding of its kind rather than unit-failed's, so that one failure makes one finding.
 */
export function areaOfUnit(unit: string): DesktopArea | undefined {
  if (PRINTER_SETUP_UNIT.test(unit)) return 'printing';
  return UNIT_AREAS.get(unit) ?? (SIGN_IN_UNIT.test(unit) ? 'sign-in' : undefined);
}
