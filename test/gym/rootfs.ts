// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { RootfsRecipe } from '../e2e/harness/rootfs.js';

/**
 * A Debian system that boots systemd as PID 1, with a user session (linger) for Steward's user service, and
 * the daemons the scenarios break. nodejs runs the checkout's build (trixie's 20.19 loads its native modules).
 * The toolchains of C (gcc, libc6-dev), Go (golang-go), Rust (rustc) and Java (default-jdk-headless) build the
 * programs of the runtime scenarios inside the system, from the sources a scenario writes, so that each error
 * is its runtime's own words.
 */
export const GYM_RECIPE: RootfsRecipe = {
  name: 'gym',
  packages: [
    'dbus',
    'dbus-user-session',
    'dnsmasq-base',
    'default-jdk-headless',
    'e2fsprogs',
    'gcc',
    'golang-go',
    'iproute2',
    'libc6-dev',
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
    'rustc',
    'sudo',
    'systemd',
    'systemd-coredump',
    'systemd-resolved',
    'systemd-sysv',
  ],
  // Debian enables NetworkManager on install; here it runs only for the scenarios that start it, so that the
  // others keep links set by hand or by systemd-networkd.
  // Go's standard library is compiled into root's build cache once here, not by each scenario's `go build`.
  hooks: [
    'chroot "$1" systemctl disable NetworkManager.service NetworkManager-wait-online.service',
    'chroot "$1" env HOME=/root go build std',
  ],
};

export const GYM_SUITE = 'trixie';
