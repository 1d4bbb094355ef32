#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# The session's journal, for namespace.sh (sourced) where STEWARD_SESSION_JOURNAL=1: the root filesystem's own
# systemd-journald, and the cgroups systemd would have put the session in, so that journald records gnome-shell's
# lines with the trusted fields of a real session (_SYSTEMD_USER_UNIT=org.gnome.Shell@wayland.service, _COMM, _UID).
# No systemd runs here: the cgroups are made by hand, as its user manager names them, in a cgroup of this session
# alone under the host's cgroup2 root; each of journald and the session runs in a cgroup namespace rooted there.
#   start_journal ROOTFS SHARE UID   (after /proc, /dev, /sys and /run are mounted)
# Afterwards SHARE/journal holds the journal files (the host reads them there) and SESSION_CGROUP is the folder
# (as the session sees it) whose cgroup.procs puts a process into org.gnome.Shell@wayland.service.

# Removes the cgroups of sessions that ended (empty ones), deepest first. $1 is where cgroup2 is mounted.
sweep_session_cgroups() {
  local dir
  for dir in "$1"/steward-e2e-session-*; do
    [[ -d $dir ]] || continue
    grep -q '^populated 0$' "$dir/cgroup.events" 2>/dev/null || continue
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

# syslog(3) writes to /dev/log, which a desktop's systemd links to journald's socket (systemd-journald-dev-log.socket).
# /dev is the host's: an overlay on it holds the link for the session alone, its submounts bound on it again. The
# host's own /dev/log (a socket of its syslog daemon, or its systemd's link) is replaced in the overlay only.
#   link_dev_log ROOTFS SHARE DEV   (DEV: the host's /dev; a test gives another)
link_dev_log() {
  local rootfs=$1 share=$2 dev=$3
  mkdir -p "$share/dev/upper" "$share/dev/work"
  mount -t overlay overlay -o "lowerdir=$dev,upperdir=$share/dev/upper,workdir=$share/dev/work" "$rootfs/dev"
  local submount
  while read -r submount; do
    [[ $(dirname "$submount") == "$dev" ]] && mount --rbind "$submount" "$rootfs/dev/${submount#"$dev"/}"
  done < <(findmnt --raw --noheadings --output=TARGET --submounts "$dev" | sort -u)
  ln -sfn /run/systemd/journal/dev-log "$rootfs/dev/log"
}

start_journal() {
  local rootfs=$1 share=$2 uid=$3
  mount -t cgroup2 cgroup2 "$rootfs/sys/fs/cgroup"
  sweep_session_cgroups "$rootfs/sys/fs/cgroup"
  local name
  name=steward-e2e-session-$(basename "$share")
  local cgroup=$rootfs/sys/fs/cgroup/$name
  mkdir "$cgroup"
  echo $$ >"$cgroup/cgroup.procs"
  local manager=user.slice/user-$uid.slice/user@$uid.service
  mkdir -p "$cgroup/system.slice/systemd-journald.service" "$cgroup/$manager/session.slice/org.gnome.Shell@wayland.service" \
    "$cgroup/$manager/init.scope"
  # Delegated to the user, as systemd delegates user@.service: the session moves the shell into its unit itself.
  chown -R "$uid" "$cgroup/$manager"
  SESSION_CGROUP=/sys/fs/cgroup/$name/$manager

  # journald's configuration and the machine's ID, from SHARE: the cached root filesystem stays as it is. The
  # journal is volatile, in /run/log/journal, a folder of SHARE; the kernel's messages are the host's, not read.
  # Its size is set, not left to journald's default, which keeps 4 GiB of the host's disk free: on a host with less
  # free, journald rotates and deletes its files within seconds, and the lines the session wrote are gone before
  # anyone reads them.
  printf '[Journal]\nStorage=volatile\nReadKMsg=no\nRateLimitBurst=0\nRuntimeMaxUse=256M\nRuntimeKeepFree=32M\n' \
    >"$share/journald.conf"
  mount --bind "$share/journald.conf" "$rootfs/etc/systemd/journald.conf"
  tr -d '-' </proc/sys/kernel/random/uuid >"$share/machine-id"
  mount --bind "$share/machine-id" "$rootfs/etc/machine-id"
  mkdir -p "$share/journal" "$rootfs/run/log/journal"
  mount --bind "$share/journal" "$rootfs/run/log/journal"

  link_dev_log "$rootfs" "$share" /dev

  unshare --cgroup bash -c 'echo $$ >"$0/cgroup.procs" && exec chroot "$1" /usr/lib/systemd/systemd-journald' \
    "$cgroup/system.slice/systemd-journald.service" "$rootfs" &
  local tries
  for ((tries = 0; tries < 300; tries++)); do
    [[ -S $rootfs/run/systemd/journal/socket && -S $rootfs/run/systemd/journal/stdout &&
      -S $rootfs/run/systemd/journal/dev-log ]] && return 0
    sleep 0.1
  done
  echo 'systemd-journald did not start' >&2
  return 1
}
