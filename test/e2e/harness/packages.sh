#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs SCRIPT as root in a root filesystem with an overlay on top, so that what apt installs lands
# in the overlay and the cached root filesystem stays as it is. packages.ts runs this in new mount
# and PID namespaces: every mount below vanishes with them.
#   packages.sh ROOTFS UPPER WORK APT_ARCHIVES SCRIPT [DEB...]
# Each DEB is at /tmp/debs/ inside; APT_ARCHIVES keeps downloaded packages between runs.
set -euo pipefail
rootfs=$1 upper=$2 work=$3 archives=$4 script=$5
shift 5

mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$upper,workdir=$work" "$rootfs"
mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount -t tmpfs tmpfs "$rootfs/run"
mount -t tmpfs tmpfs "$rootfs/tmp"
mkdir -p "$archives/partial"
mount --bind "$archives" "$rootfs/var/cache/apt/archives"
cp -L /etc/resolv.conf "$rootfs/etc/resolv.conf"
mkdir "$rootfs/tmp/debs"
for deb in "$@"; do cp "$deb" "$rootfs/tmp/debs/"; done

chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
  sh -euc "$script"
