# shellcheck shell=bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# The session bus, systemd and GNOME Shell's settings, each of which may be
# absent: sourced by install.sh and uninstall.sh (which install.sh copies beside
# it). The script that sources it defines BUS_NAME, UUID and die.

# A bus only counts when it is named or at the standard place; gdbus would otherwise try X11 autolaunch.
if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} && -n ${XDG_RUNTIME_DIR:-} && -S $XDG_RUNTIME_DIR/bus ]]; then
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
fi
bus_call() {
  gdbus call --session --timeout 10 --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method "org.freedesktop.DBus.$1" "${@:2}"
}
have_bus() { [[ -n ${DBUS_SESSION_BUS_ADDRESS:-} ]] && command -v gdbus >/dev/null && bus_call GetId >/dev/null 2>&1; }
name_owned() { [[ $(bus_call NameHasOwner "'$1'") == '(true,)' ]]; }
have_systemd() { command -v systemctl >/dev/null && systemctl --user show-environment >/dev/null 2>&1; }

# Stops an instance that the bus started itself (no systemd): SIGTERM to the owner of the name.
stop_bus_instance() {
  local reply pid
  name_owned "$BUS_NAME" || return 0
  reply=$(bus_call GetConnectionUnixProcessID "'$BUS_NAME'") # (uint32 1234,)
  pid=${reply#*uint32 }
  pid=${pid%%,*}
  kill -TERM "$pid"
  for _ in {1..100}; do
    name_owned "$BUS_NAME" || return 0
    sleep 0.1
  done
  die "the running service (pid $pid) did not stop"
}

# gsettings prints a string array as ['a', 'b'], or as @as [] when it is empty.
settings_list_add() {
  local value
  value=$(gsettings get org.gnome.shell "$1")
  if [[ $value == *"'$UUID'"* ]]; then return 0; fi
  if [[ $value == '@as []' || $value == '[]' ]]; then value="['$UUID']"; else value="${value%]}, '$UUID']"; fi
  gsettings set org.gnome.shell "$1" "$value"
}
settings_list_remove() {
  local value
  value=$(gsettings get org.gnome.shell "$1" 2>/dev/null) || return 0 # an older shell lacks the key
  if [[ $value != *"'$UUID'"* ]]; then return 0; fi
  value=${value//", '$UUID'"/}
  value=${value//"'$UUID', "/}
  value=${value//"'$UUID'"/}
  if [[ $value == '[]' ]]; then value='@as []'; fi
  gsettings set org.gnome.shell "$1" "$value"
}
