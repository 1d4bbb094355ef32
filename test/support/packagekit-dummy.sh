#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# PackageKit's dummy backend for the packagekitd installed here, where the distribution ships none (Debian 13's
# PackageKit 1.3 builds only the apt backend). It is compiled from the Debian source of that very version,
# fetched by apt from where the installed package came from and checked against the archive's signed index,
# and kept in the e2e cache. Prints two lines: the folder packagekitd loads its backends from, and a folder with
# the same backends and the dummy one, for test/support/packagekit.ts to mount over it for its packagekitd alone.
# Needs root once (apt, the cache); gcc, pkg-config, dpkg-source and the GLib and PackageKit headers.
set -euo pipefail

packagekitd=/usr/libexec/packagekitd
files=$(dpkg-query -L packagekit)
system_dir=$(grep -m1 '/packagekit-backend$' <<<"$files") || {
  echo "packagekit-dummy.sh: dpkg does not know packagekitd's backend folder" >&2
  exit 1
}
version=$(dpkg-query -W -f='${Version}' packagekit)
cache=${STEWARD_E2E_CACHE_DIR:-/var/cache/steward-e2e}/packagekit-dummy/$version
if [[ ! -f $cache/libpk_backend_dummy.so ]]; then
  mkdir -p "${cache%/*}"
  exec 9>"${cache%/*}/.lock"
  flock 9
fi
if [[ ! -f $cache/libpk_backend_dummy.so ]]; then
  # "*** 1.3.1-1+deb13u1 500" then "500 http://deb.debian.org/debian trixie/main amd64 Packages"
  read -r uri place < <(apt-cache policy packagekit | awk -v version="$version" '
    $1 == "***" && $2 == version { found = 1; next }
    found && $2 ~ /^[a-z+]+:\/\// { print $2, $3; exit }
    found && $1 == "***" { exit }') || true
  if [[ -z ${uri:-} ]]; then
    echo "packagekit-dummy.sh: apt knows no archive for packagekit $version, whose source the dummy backend is built from" >&2
    exit 1
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "deb-src $uri ${place%%/*} ${place#*/}" >"$work/sources.list"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  apt_options=(-qq -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Sandbox::User=root)
  echo "compiling PackageKit's dummy backend from packagekit $version's source (once)" >&2
  apt-get "${apt_options[@]}" update >&2
  (cd "$work" && apt-get "${apt_options[@]}" source "packagekit=$version" >/dev/null)
  source_dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'packagekit-*')
  libraries=(gio-unix-2.0 gmodule-2.0 packagekit-glib2)
  # shellcheck disable=SC2046 # pkg-config's flags are words
  gcc -shared -fPIC -O2 -DPK_COMPILATION -DG_LOG_DOMAIN='"PackageKit-Dummy"' -I"$source_dir/src" \
    $(pkg-config --cflags "${libraries[@]}") "$source_dir/backends/dummy/pk-backend-dummy.c" \
    -o "$work/libpk_backend_dummy.so" $(pkg-config --libs "${libraries[@]}")
  mkdir -p "$cache.new"
  cp -a "$system_dir"/. "$cache.new"/
  cp "$work/libpk_backend_dummy.so" "$cache.new"/
  rm -rf "$cache"
  mv "$cache.new" "$cache"
fi
test -x "$packagekitd"
echo "$system_dir"
echo "$cache"
