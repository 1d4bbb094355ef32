#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Starts a GNOME Shell session in a root filesystem. session.ts runs this as root in new mount and
# PID namespaces, so every mount and process below vanishes with them, also when a test run dies.
#   namespace.sh ROOTFS SHARE UID SESSION_ARGS...
# SHARE/tmp and SHARE/home become the session's /tmp and home, which keeps the cached root
# filesystem unchanged and leaves the bus socket, logs and screenshots where the host can read them.
# STEWARD_SESSION_LANG is the session's locale (C.UTF-8 when unset).
# With STEWARD_SERVICE_ROOT (a built checkout) and STEWARD_SERVICE_NODE (a Node.js binary) set, the
# session bus can start that checkout's service (D-Bus activation).
set -euo pipefail
rootfs=$1 share=$2 uid=$3
shift 3
# With STEWARD_ROOTFS_UPPER and STEWARD_ROOTFS_WORK, the session runs on an overlay of the root
# filesystem that holds installed packages (see packages.sh); the cached one stays as it is.
if [[ -n ${STEWARD_ROOTFS_UPPER:-} ]]; then
  mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$STEWARD_ROOTFS_UPPER,workdir=$STEWARD_ROOTFS_WORK" "$rootfs"
fi
IFS=: read -r user _ _ gid _ home _ < <(chroot "$rootfs" getent passwd "$uid")

mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount -t sysfs sysfs "$rootfs/sys"
mount -t tmpfs tmpfs "$rootfs/run"
mount -t tmpfs tmpfs "$rootfs/var/tmp"
# What the session's programs log to files (login's failed attempts in btmp) stays out of the cached root filesystem.
mount -t tmpfs tmpfs "$rootfs/var/log"
mount --bind "$share/tmp" "$rootfs/tmp"
mount --bind "$share/home" "$rootfs$home"

# The host's Node.js and the built service, read-only under /opt (a tmpfs: the root filesystem stays
# untouched), and the activation file that build/install.sh writes, with an Exec= of the same form.
# Each part of the checkout is mounted from its real path, since a checkout may link them from elsewhere.
service_root=${STEWARD_SERVICE_ROOT:-}
if [[ -n $service_root ]]; then
  bind_ro() {
    if [[ -d $1 ]]; then mkdir -p "$2"; else touch "$2"; fi
    mount --bind "$1" "$2"
    mount -o remount,bind,ro "$2"
  }
  mount -t tmpfs -o mode=0755 tmpfs "$rootfs/opt"
  mkdir "$rootfs/opt/steward"
  # A distribution's Node.js (Debian's) links libnode and libraries the session's root filesystem may lack:
  # those come along under /opt/steward/lib, which a copy of the binary names as its RPATH (for every
  # library it loads, unlike RUNPATH). A self-contained build (nodejs.org's) is mounted as it is.
  node=$(readlink -f "$STEWARD_SERVICE_NODE")
  lacking=()
  while read -r soname arrow path _; do
    if [[ $arrow == '=>' && $path == /* && ! -e $rootfs$path ]]; then lacking+=("$soname=$path"); fi
  done < <(ldd "$node")
  if ((${#lacking[@]} == 0)); then
    bind_ro "$node" "$rootfs/opt/steward/node"
  else
    mkdir "$rootfs/opt/steward/lib"
    for library in "${lacking[@]}"; do
      bind_ro "$(readlink -f "${library#*=}")" "$rootfs/opt/steward/lib/${library%%=*}"
    done
    cp "$node" "$rootfs/opt/steward/node"
    patchelf --force-rpath --set-rpath /opt/steward/lib "$rootfs/opt/steward/node"
    # Debian's libnode reads some of its builtins (cjs-module-lexer, undici) from /usr/share/nodejs: an
    # overlay on /usr/share, its upper layer in SHARE, brings that folder in.
    if [[ -d /usr/share/nodejs && ! -e $rootfs/usr/share/nodejs ]]; then
      mkdir -p "$share/usr-share/upper" "$share/usr-share/work"
      mount -t overlay overlay \
        -o "lowerdir=$rootfs/usr/share,upperdir=$share/usr-share/upper,workdir=$share/usr-share/work" "$rootfs/usr/share"
      bind_ro /usr/share/nodejs "$rootfs/usr/share/nodejs"
    fi
  fi
  for part in dist node_modules package.json; do
    bind_ro "$(readlink -f "$service_root/$part")" "$rootfs/opt/steward/$part"
  done
  exec_start='/opt/steward/node /opt/steward/dist/service/steward-service.js'
  template=$(<"$service_root/build/templates/io.github.steward.Steward1.service.in")
  services=$rootfs$home/.local/share/dbus-1/services
  setpriv --reuid="$uid" --regid="$gid" --clear-groups mkdir -p "$services"
  printf '%s\n' "${template//@EXEC_START@/$exec_start}" >"$services/io.github.steward.Steward1.service"
fi

mkdir "$rootfs/run/dbus"
chroot "$rootfs" dbus-daemon --system --fork

# With STEWARD_SESSION_JOURNAL=1, the session has a journal as a desktop's has (journal.sh): the shell's output
# goes there, and /tmp/shell.log follows the shell's lines in it.
session_cgroup=
in_session_cgroup=()
if [[ ${STEWARD_SESSION_JOURNAL:-} == 1 ]]; then
  # shellcheck source=journal.sh
  source "$(dirname "$0")/journal.sh"
  start_journal "$rootfs" "$share" "$uid"
  session_cgroup=$SESSION_CGROUP
  chroot "$rootfs" journalctl --follow --no-tail --output=short-precise --no-hostname \
    _SYSTEMD_USER_UNIT=org.gnome.Shell@wayland.service >"$share/tmp/shell.log" 2>&1 &
  in_session_cgroup=(unshare --cgroup bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$rootfs$session_cgroup/init.scope")
fi

# For the whole session, also the services the bus starts: dconf-service and its clients must agree
# on it, or the shell never learns of its own settings changes.
runtime_dir=/tmp/runtime
install -d -m 0700 -o "$uid" -g "$gid" "$rootfs$runtime_dir"

# No exec: this shell is PID 1 of the namespace, and only while it runs as root does it keep the
# death signal of unshare --kill-child (a change of user clears it), which takes the namespace down.
"${in_session_cgroup[@]}" chroot --userspec="$uid:$gid" "$rootfs" env -i HOME="$home" USER="$user" LOGNAME="$user" \
  PATH=/usr/bin:/bin LANG="${STEWARD_SESSION_LANG:-C.UTF-8}" XDG_RUNTIME_DIR="$runtime_dir" \
  STEWARD_SESSION_CGROUP="$session_cgroup" \
  dbus-run-session --config-file=/tmp/session-bus.conf -- /tmp/session.sh "$@"
