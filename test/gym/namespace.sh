#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the gym's system: system.ts runs this as root, first process of new mount, PID, cgroup, network, UTS
# and IPC namespaces, so every mount and process below vanishes with them, also when a test run dies.
#   namespace.sh ROOTFS STATE CHECKOUT UID
# The system runs on an overlay of ROOTFS whose changes land in STATE/upper; CHECKOUT's dist/,
# node_modules/ and package.json are mounted read-only at /opt/steward, installed as the test user's
# systemd user service the way build/install.sh installs it. This shell then becomes systemd, PID 1.
set -euo pipefail
rootfs=$1 state=$2 checkout=$3 uid=$4
root=$state/merged
mkdir -p "$state/upper" "$state/work" "$root"
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$state/upper,workdir=$state/work" "$root"

IFS=: read -r user _ _ gid _ home _ < <(chroot "$root" getent passwd "$uid")

bind_ro() {
  if [[ -d $1 ]]; then mkdir -p "$2"; else touch "$2"; fi
  mount --bind "$1" "$2"
  mount -o remount,bind,ro "$2"
}
# Each part from its real path: a checkout may link node_modules from elsewhere.
for part in dist node_modules package.json; do
  bind_ro "$(readlink -f "$checkout/$part")" "$root/opt/steward/$part"
done

as_user() { chroot --userspec="$uid:$gid" "$root" "$@"; }
exec_start="/usr/bin/node /opt/steward/dist/service/steward-service.js"
unit=$(<"$checkout/build/templates/steward.service.in")
activation=$(<"$checkout/build/templates/io.github.steward.Steward1.service.in")
as_user mkdir -p "$home/.config/systemd/user/default.target.wants" "$home/.local/share/dbus-1/services"
printf '%s\n' "${unit//@EXEC_START@/$exec_start}" >"$root$home/.config/systemd/user/steward.service"
printf '%s\n' "${activation//@EXEC_START@/$exec_start}" \
  >"$root$home/.local/share/dbus-1/services/io.github.steward.Steward1.service"
# Started with the user's manager, as a login starts it, so that it reads the journal from the boot on.
ln -s ../steward.service "$root$home/.config/systemd/user/default.target.wants/steward.service"
chown -R "$uid:$gid" "$root$home/.config/systemd" "$root$home/.local"
# The user's manager runs without a login (linger); journal access as a user of systemd-journal has it.
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/$user"
# A desktop's first user administers it (group sudo), and reads the system journal (systemd-journal).
chroot "$root" usermod -a -G systemd-journal,sudo "$user"
echo gym >"$root/etc/hostname"
printf '127.0.1.1\tgym\n' >>"$root/etc/hosts"

# The system's own network: a link to a peer that stands for the router, with the default route through it.
ip link add gym0 type veth peer name gym1
ip address add 10.78.0.2/24 dev gym0
ip address add 10.78.0.1/24 dev gym1
ip link set gym1 up
ip link set gym0 up
ip route add default via 10.78.0.1 dev gym0

mount -t proc proc "$root/proc"
# The kernel's settings are the host's, global (kernel.core_pattern above all): read-only, as in any container,
# so that systemd-sysctl skips them (ConditionPathIsReadWrite=/proc/sys/) instead of changing the host's.
for path in sys sysrq-trigger; do
  [[ -e $root/proc/$path ]] || continue
  mount --bind "$root/proc/$path" "$root/proc/$path"
  mount -o remount,bind,ro "$root/proc/$path"
done
mount -t sysfs -o ro sysfs "$root/sys"
# This process's cgroup is the namespace's root: the cgroup system.ts made for this system alone.
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t tmpfs -o mode=0755,size=64m tmpfs "$root/dev"
for node in null zero full random urandom tty; do
  touch "$root/dev/$node"
  mount --bind "/dev/$node" "$root/dev/$node"
done
# The host's kernel log, read by the system's journald as on a real machine (journald reads it unless it runs
# for a log namespace); what came before this boot is skipped through kernel-seqnum below.
touch "$root/dev/kmsg"
mount --bind /dev/kmsg "$root/dev/kmsg"
# FUSE, for a scenario whose loop device's backing file is on a file system that fails its reads.
if [[ -c /dev/fuse ]]; then
  touch "$root/dev/fuse"
  mount --bind /dev/fuse "$root/dev/fuse"
fi
# Loop devices, for scenarios that attach a file system image. No udev makes their nodes here: one for each
# loop device the host has and some free ones beyond (LOOP_CTL_GET_FREE adds the next on demand).
touch "$root/dev/loop-control"
mount --bind /dev/loop-control "$root/dev/loop-control"
loops=$(find /sys/class/block -maxdepth 1 -name 'loop[0-9]*' -printf '%f\n' | sed 's/^loop//' | sort -n | tail -1)
# A loop device's minor is its index shifted past its partitions' (drivers/block/loop.c: part_shift).
max_part=$(cat /sys/module/loop/parameters/max_part 2>/dev/null || echo 0)
part_shift=0
while (((1 << part_shift) <= max_part)); do part_shift=$((part_shift + 1)); done
for ((index = 0; index <= ${loops:-0} + 32; index++)); do
  mknod -m 0660 "$root/dev/loop$index" b 7 $((index << part_shift))
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"

# journald skips kernel records whose sequence number is below the one in kernel-seqnum (the next it expects,
# a native-endian uint64 it maps): the number after the host's last record now, so that this boot reads only
# the kernel lines written from its start on, not the host's since it booted nor an earlier gym's faults.
# Each record of /dev/kmsg begins "PRIORITY,SEQNUM,USEC,FLAGS;"; its continuation lines begin with a space.
# dd reads one record a read, and ends with EAGAIN once it has read them all.
last=$({ dd if=/dev/kmsg iflag=nonblock bs=8192 status=none 2>/dev/null || true; } | sed -n 's/^[0-9]*,\([0-9]*\),.*/\1/p' | tail -1)
mkdir -p "$root/run/systemd/journal"
chroot "$root" perl -e 'print pack("Q", $ARGV[0])' "$((${last:--1} + 1))" >"$root/run/systemd/journal/kernel-seqnum"

# The journal's size is set, not left to journald's default, which keeps 4 GiB of the host's disk free (the overlay's
# upper folder is on it): on a host with less free, journald deletes its files within seconds of writing them, and
# the faults' lines are gone before Steward or a row reads them.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nSystemMaxUse=512M\nSystemKeepFree=64M\n' >"$root/etc/systemd/journald.conf.d/steward-gym-size.conf"

# `container` tells systemd it runs in a container: it leaves the kernel's log and udev to the host. Without
# CAP_SYS_MODULE and CAP_SYS_TIME, as in any container, it loads no modules (systemd-modules-load is skipped
# rather than failing) and never sets the host's clock.
exec setpriv --bounding-set=-sys_module,-sys_time -- chroot "$root" /usr/bin/env -i container=steward-gym /lib/systemd/systemd --system --log-target=journal
