# shellcheck shell=bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by install.sh and test/run.sh: an npm that reads package-lock.json.
#   lock_npm PACKAGE_JSON ARGS...
# npm 9 (Debian 13's) calls this lock file out of sync ("Missing: @girs/… from lock file"): it was written by
# npm 10 or later, which lists peer dependencies differently. There the npm that package.json's packageManager
# names runs instead, through npx, fetched once from the npm registry into npm's cache (about 3 MB). Its
# node-gyp compiles better-sqlite3 against Debian's Node.js headers (package libnode-dev, which npm pulls in)
# rather than downloading them from nodejs.org, as Debian's own node-gyp does.
lock_npm() {
  local package_json=$1 major wanted
  shift
  major=$(npm --version)
  major=${major%%.*}
  if ((major >= 10)); then
    npm "$@"
    return
  fi
  # A path, resolved here: require() takes a bare "package.json" for the name of a module.
  wanted=$(node -p 'require(require("node:path").resolve(process.argv[1])).packageManager' "$package_json")
  echo "    npm $(npm --version) cannot read this lock file (npm 10 or later wrote it): running $wanted through npx" >&2
  # npx (npm 9) hands npm 11 the settings of Debian's npmrc as npm_config_* variables. npm 11 warns about
  # each it does not know, so the two it has no use for are dropped; nodedir it still passes to node-gyp, and
  # its warning is named here so that nobody takes it for a fault.
  local -a nodedir=()
  if [[ -f /usr/include/nodejs/common.gypi ]]; then
    nodedir=(npm_config_nodedir=/usr/include/nodejs)
    echo "    (npm 11 warns that it does not know \"nodedir\": it hands it to node-gyp, which uses Debian's Node.js headers)" >&2
  fi
  npx --yes --package="$wanted" -- env -u npm_config_metrics_registry -u npm_config_globalignorefile "${nodedir[@]}" \
    npm "$@"
}
