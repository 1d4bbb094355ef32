// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { RootfsRecipe } from '../e2e/harness/rootfs.js';

/**
 * A Debian system that boots systemd as PID 1, with a user session (linger) for Steward's user service, and
 * the daemons the scenarios break. nodejs runs the checkout's build (trixie's 20.19 loads its native modules).
 */
export const GYM_RECIPE: RootfsRecipe = {
  name: 'gym',
  packages: [
    'dbus',
    'dbus-user-session',
    'dnsmasq-base',
    'e2fsprogs',
    'iproute2',
    'libglib2.0-bin',
    'libpam-systemd',
    'network-manager',
    'nginx',
    'nodejs',
    'openssh-server',
    'packagekit',
    'passwd',
    'polkitd',
    'procps',
    'python3-fusepy',
    'sudo',
    'systemd',
    'systemd-coredump',
    'systemd-resolved',
    'systemd-sysv',
  ],
  // Debian enables NetworkManager on install; here it runs only for the scenarios that start it, so that the
  // others keep links set by hand or by systemd-networkd.
  hooks: ['chroot "$1" systemctl disable NetworkManager.service NetworkManager-wait-online.service'],
};

export const GYM_SUITE = 'trixie';
