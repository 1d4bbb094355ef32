#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Removes what build/install.sh installed for the current user: stops the
# service, disables the extension and deletes every file and directory listed
# in the installation's manifest. The configuration and state stay unless
# --purge is given.
#   bash build/uninstall.sh [--purge]        (also: npm run uninstall-user)
# HOME, XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_STATE_HOME say where to look.
set -euo pipefail

readonly BUS_NAME=io.github.steward.Steward1
readonly UUID=steward@steward.github.io

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die() {
  printf 'uninstall: %s\n' "$*" >&2
  exit 1
}

purge=false
case ${1:-} in
  '') ;;
  --purge) purge=true ;;
  -h | --help)
    say 'Usage: uninstall.sh [--purge]   (--purge also deletes the configuration, state and downloaded models)'
    exit 0
    ;;
  *) die "unknown argument '$1'; usage: uninstall.sh [--purge]" ;;
esac

# The XDG spec says relative values are invalid and must be ignored.
xdg_dir() { if [[ ${1:-} == /* ]]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }

: "${HOME:?HOME is not set}"
config_home=$(xdg_dir "${XDG_CONFIG_HOME:-}" "$HOME/.config")
data_home=$(xdg_dir "${XDG_DATA_HOME:-}" "$HOME/.local/share")
state_home=$(xdg_dir "${XDG_STATE_HOME:-}" "$HOME/.local/state")
manifest=$HOME/.local/lib/steward/installed-files

# Manifest paths must lie inside the user's directories: a damaged manifest must never make us delete elsewhere.
owned_path() {
  [[ $1 == /* && $1 != *'/../'* && $1 != *'/..' ]] &&
    [[ $1 == "$HOME"/?* || $1 == "$config_home"/?* || $1 == "$data_home"/?* ]]
}

# The session bus, systemd and GNOME Shell, each of which may be absent.
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"

# Under sudo, HOME is root's: this would look for root's installation.
if [[ $EUID -eq 0 && -n ${SUDO_USER:-} ]]; then die "run this as $SUDO_USER, without sudo"; fi

bus=false
if have_bus; then bus=true; fi
systemd=false
if have_systemd; then systemd=true; fi

step 'Stopping the service'
if $systemd; then systemctl --user stop steward.service 2>/dev/null || true; fi
if $bus; then stop_bus_instance; fi

step 'Disabling the GNOME Shell extension'
if $bus && name_owned org.gnome.Shell && command -v gnome-extensions >/dev/null; then
  gnome-extensions disable "$UUID" 2>/dev/null || true
fi
# gnome-extensions disable parks the uuid in disabled-extensions; take it out of both lists so no trace is left.
if command -v gsettings >/dev/null; then
  settings_list_remove enabled-extensions
  settings_list_remove disabled-extensions
fi

if [[ -f $manifest ]]; then
  step 'Removing the installed files'
  mapfile -t entries < <(grep -v '^#' "$manifest")
  for entry in "${entries[@]}"; do
    owned_path "${entry#* }" || die "$manifest lists '${entry#* }', outside your directories; nothing was removed"
  done
  for entry in "${entries[@]}"; do
    case $entry in
      'tree '*) rm -rf -- "${entry#tree }" ;;
      'file '*) rm -f -- "${entry#file }" ;;
    esac
  done
  # Deepest first, so a parent is empty by the time its turn comes; directories that hold other files stay.
  for entry in "${entries[@]}"; do
    if [[ $entry == 'dir '* ]]; then printf '%s\n' "${entry#dir }"; fi
  done | LC_ALL=C sort -r | while IFS= read -r dir; do
    if [[ -d $dir ]]; then rmdir --ignore-fail-on-non-empty -- "$dir"; fi
  done
else
  say "Steward is not installed for $(id -un): there is no $manifest."
fi

# Make systemd and the bus forget the unit and the activation file.
if $systemd; then systemctl --user daemon-reload; fi
if $bus; then bus_call ReloadConfig >/dev/null; fi

config_dir=$config_home/steward
state_dir=$state_home/steward
# The models Steward downloaded or imported (Ollama's own models are never touched: they stay in Ollama's store).
models_dir=$data_home/steward/models
if $purge; then
  step 'Removing the configuration, state and downloaded models (--purge)'
  rm -rf -- "$config_dir" "$state_dir" "$models_dir"
  if [[ -d $data_home/steward ]]; then rmdir --ignore-fail-on-non-empty -- "$data_home/steward"; fi
  say 'Done: Steward is uninstalled and its configuration, state and downloaded models are deleted.'
else
  say 'Done: Steward is uninstalled.'
  for dir in "$config_dir" "$state_dir"; do
    if [[ -e $dir ]]; then say "Kept $dir; run with --purge to delete it too."; fi
  done
  if [[ -d $models_dir ]]; then
    say "Kept the downloaded models in $models_dir ($(du -s --apparent-size -B1 -- "$models_dir" | cut -f1 | numfmt --to=si --suffix=B)); run with --purge to delete them too."
  fi
fi
