#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs as the test user inside the root filesystem, on the session bus of dbus-run-session:
# installs the extension the way extensions.gnome.org delivers it, then becomes GNOME Shell.
#   session.sh UUID PACK_ARGS...   (the extension's directory is /tmp/extension, if any; its test hook
#   /tmp/test-hook, if any)
set -eu
uuid=$1
shift

# dbus-run-session runs this once dbus-daemon has printed its address, which it does after listen(); the socket
# file appears at bind(), before it, when a connection is refused. session.ts connects once this file is here.
: >/tmp/bus-listening

# Without /tmp/extension, the extension is one the root filesystem has installed (a package's).
if [ -d /tmp/extension ]; then
  gnome-extensions pack --force --out-dir=/tmp "$@" /tmp/extension
  gnome-extensions install --force "/tmp/$uuid.shell-extension.zip"
fi

gsettings set org.gnome.shell enabled-extensions "['$uuid']"
gsettings set org.gnome.shell welcome-dialog-last-shown-version '999'
# Without GDM there is no lock screen, and the shell says so in a notification once per user.
mkdir -p "$HOME/.local/share/gnome-shell"
touch "$HOME/.local/share/gnome-shell/lock-warning-shown"

# The test hook (extension/src/shell/testHook.ts) is in no bundle: it goes into the installed extension,
# which loads it only when this is set.
if [ -d /tmp/test-hook ]; then
  cp -R /tmp/test-hook/. "$HOME/.local/share/gnome-shell/extensions/$uuid/"
  export STEWARD_EXTENSION_TEST_HOOK=1
fi
shell="gnome-shell --headless --virtual-monitor 1280x800 --wayland --no-x11 --unsafe-mode"
# With a journal (journal.sh), the shell runs as its systemd user unit would: in org.gnome.Shell@wayland.service's
# cgroup, its output a journal stream (StandardOutput=journal), so GLib logs to the journal with its own fields.
if [ -n "${STEWARD_SESSION_CGROUP:-}" ]; then
  echo $$ >"$STEWARD_SESSION_CGROUP/session.slice/org.gnome.Shell@wayland.service/cgroup.procs"
  # shellcheck disable=SC2086
  exec systemd-cat --identifier=gnome-shell $shell
fi
# shellcheck disable=SC2086
exec $shell >/tmp/shell.log 2>&1
