#!/bin/bash
# Starts a GNOME Shell session in a root filesystem. session.ts runs this as root in new mount and
# PID namespaces, so every mount and process below vanishes with them, also when a test run dies.
#   namespace.sh ROOTFS SHARE UID SESSION_ARGS...
# SHARE/tmp and SHARE/home become the session's /tmp and home, which keeps the cached root
# filesystem unchanged and leaves the bus socket, logs and screenshots where the host can read them.
set -euo pipefail
rootfs=$1 share=$2 uid=$3
shift 3
IFS=: read -r user _ _ gid _ home _ < <(chroot "$rootfs" getent passwd "$uid")

mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount -t sysfs sysfs "$rootfs/sys"
mount -t tmpfs tmpfs "$rootfs/run"
mount -t tmpfs tmpfs "$rootfs/var/tmp"
mount --bind "$share/tmp" "$rootfs/tmp"
mount --bind "$share/home" "$rootfs$home"

mkdir "$rootfs/run/dbus"
chroot "$rootfs" dbus-daemon --system --fork

# For the whole session, also the services the bus starts: dconf-service and its clients must agree
# on it, or the shell never learns of its own settings changes.
runtime_dir=/tmp/runtime
install -d -m 0700 -o "$uid" -g "$gid" "$rootfs$runtime_dir"

# No exec: this shell is PID 1 of the namespace, and only while it runs as root does it keep the
# death signal of unshare --kill-child (a change of user clears it), which takes the namespace down.
chroot --userspec="$uid:$gid" "$rootfs" env -i HOME="$home" USER="$user" LOGNAME="$user" \
  PATH=/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR="$runtime_dir" \
  dbus-run-session --config-file=/tmp/session-bus.conf -- /tmp/session.sh "$@"
