#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs Steward for the current user and starts it: builds the project,
# installs the service under ~/.local, writes a systemd user unit and a D-Bus
# activation file, installs and enables the GNOME Shell extension.
#   bash build/install.sh        (also: npm run install-user)
# Running it again updates the installation; build/uninstall.sh removes it.
# HOME, XDG_CONFIG_HOME and XDG_DATA_HOME choose where the files go.
# STEWARD_REUSE_BUILD=1 installs what this checkout has built already (dist/, and the native modules that
# its node_modules compiled with this same Node.js) instead of building and compiling again: for the
# tests, which install many times from one built checkout and must leave its dist/ as it is.
set -euo pipefail

readonly MIN_NODE=20.19 # package.json "engines"
readonly BUS_NAME=io.github.steward.Steward1
readonly UUID=steward@steward.github.io

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}

# The XDG spec says relative values are invalid and must be ignored.
xdg_dir() { if [[ ${1:-} == /* ]]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }

: "${HOME:?HOME is not set}"
config_home=$(xdg_dir "${XDG_CONFIG_HOME:-}" "$HOME/.config")
data_home=$(xdg_dir "${XDG_DATA_HOME:-}" "$HOME/.local/share")
lib_dir=$HOME/.local/lib/steward
bin_file=$HOME/.local/bin/steward
manifest=$lib_dir/installed-files
unit_file=$config_home/systemd/user/steward.service
activation_file=$data_home/dbus-1/services/$BUS_NAME.service
interface_file=$data_home/dbus-1/interfaces/$BUS_NAME.xml
extension_dir=$data_home/gnome-shell/extensions/$UUID
# The man page and the shell completions, made by the build from the CLI's commands: dist/share/X goes to $data_home/X.
man_file=$data_home/man/man1/steward.1
shell_files=("$man_file" "$data_home/bash-completion/completions/steward" "$data_home/zsh/site-functions/_steward"
  "$data_home/fish/vendor_completions.d/steward.fish")

# Staging directories of an interrupted run are removed on exit.
staging=()
cleanup() { if ((${#staging[@]} > 0)); then rm -rf "${staging[@]}"; fi; }
trap cleanup EXIT

# Every directory this run creates, so that uninstall can remove it again once empty.
created_dirs=()
make_dir() {
  local dir=$1 missing=() i
  while [[ ! -d $dir ]]; do
    missing+=("$dir")
    dir=$(dirname "$dir")
  done
  for ((i = ${#missing[@]} - 1; i >= 0; i--)); do
    mkdir "${missing[i]}"
    created_dirs+=("${missing[i]}")
  done
}

# Writes a file through a temporary one, so systemd or the bus never read half of it.
write_file() {
  printf '%s\n' "$2" >"$1.new"
  mv -f "$1.new" "$1"
}

# Puts the directory $1 in place of $2 with two renames, so the old copy stays whole until the new one is complete.
swap_dir() {
  if [[ -e $2 ]]; then
    mv "$2" "$1.old"
    mv "$1" "$2"
    rm -rf "$1.old"
  else
    mv "$1" "$2"
  fi
}

# ExecStart= and D-Bus Exec= both split on spaces and honour double quotes, but
# each has its own escapes ("%" and "$" in units): paths that need them are refused.
check_exec_path() {
  if [[ $1 == *[!A-Za-z0-9/._+@:,=\ -]* ]]; then
    die "cannot install with the path '$1': it has characters that unit files cannot quote"
  fi
}
exec_arg() { if [[ $1 == *' '* ]]; then printf '"%s"' "$1"; else printf '%s' "$1"; fi; }

# Manifest paths must lie inside the user's directories: a damaged manifest must never make us delete elsewhere.
owned_path() {
  [[ $1 == /* && $1 != *'/../'* && $1 != *'/..' ]] &&
    [[ $1 == "$HOME"/?* || $1 == "$config_home"/?* || $1 == "$data_home"/?* ]]
}

# Quotes $1 for a POSIX shell.
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Replaces @NAME@ in a template with a value (literally: "&" in a path must stay "&").
shopt -u patsub_replacement 2>/dev/null || true
fill_template() {
  local text
  text=$(<"$root/build/templates/$1")
  text=${text//@EXEC_START@/$exec_start}
  printf '%s' "$text"
}

# --- GPU builds of llama.cpp that this machine cannot use ---------------------

have_nvidia() { [[ -e /dev/nvidiactl ]] || command -v nvidia-smi >/dev/null; }
# A Vulkan driver manifest for real hardware: Mesa's llvmpipe (lvp_icd) runs on the CPU, slower than the CPU build.
have_vulkan_driver() {
  local file
  for file in /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json /usr/share/vulkan/icd.d/*.json; do
    if [[ -e $file && $(basename "$file") != lvp_icd* ]]; then return 0; fi
  done
  return 1
}

# The lock file for the installed copy, without the llama.cpp builds that no device here can use (CUDA
# without an NVIDIA driver, Vulkan without a Vulkan driver) nor those of other processors: npm ci never
# downloads them. The service probes for what is there (capabilities gpu.cuda, gpu.vulkan).
machine_lock() {
  local flags=() left
  if [[ ${STEWARD_KEEP_GPU_PREBUILTS:-} != 1 ]]; then
    have_nvidia || flags+=(--no-cuda)
    have_vulkan_driver || flags+=(--no-vulkan)
  fi
  left=$(node "$root/build/machineLock.mjs" "$root/package-lock.json" "$1" "${flags[@]}")
  # Only this system's GPU builds are worth naming (the others were never candidates).
  left=$(printf '%s\n' $left | sed -n "s#^@node-llama-cpp/\\(linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')-.*\\(cuda\\|vulkan\\).*\\)#\\1#p" | paste -sd, - | sed 's/,/, /g')
  if [[ -n $left ]]; then
    say "Left out the GPU builds of llama.cpp that no device here can use ($left), hundreds of MB that npm does not download; after installing an NVIDIA or Vulkan driver, run this install again to get them (STEWARD_KEEP_GPU_PREBUILTS=1 always keeps them)."
  fi
}

# Under STEWARD_REUSE_BUILD=1, after an npm ci --ignore-scripts into $1: each package there that has an install
# script takes the build/ the checkout's copy of the same version compiled; one that has none runs its scripts.
reuse_native_modules() {
  local lib=$1 package
  while IFS= read -r package; do
    # An optional package for another platform is not there.
    [[ -d $lib/node_modules/$package ]] || continue
    if [[ -d $root/node_modules/$package/build ]] &&
      [[ $(node -p 'require(process.argv[1]).version' "$root/node_modules/$package/package.json") == \
      $(node -p 'require(process.argv[1]).version' "$lib/node_modules/$package/package.json") ]]; then
      cp -R "$root/node_modules/$package/build" "$lib/node_modules/$package/build"
    else
      (cd "$lib" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm rebuild "$package" --no-audit --no-fund --loglevel=warn)
    fi
  done < <(node -e '
    const { packages } = require(process.argv[1]);
    for (const [path, entry] of Object.entries(packages))
      if (entry.hasInstallScript && !entry.dev && path.startsWith("node_modules/")) console.log(path.slice(13));' \
    "$lib/package-lock.json")
}

# The session bus, systemd and GNOME Shell, each of which may be absent.
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"
# shellcheck source=build/npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm.sh"

# --- checks -------------------------------------------------------------------

# Under sudo, HOME is root's and everything would land in root's account.
if [[ $EUID -eq 0 && -n ${SUDO_USER:-} ]]; then die "run this as $SUDO_USER, without sudo: it installs for the current user"; fi

command -v node >/dev/null ||
  die "Node.js $MIN_NODE or later is needed; install it with your package manager (for example: sudo apt install nodejs npm) or from https://nodejs.org"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "Node.js $(node --version) is too old; Steward needs version $MIN_NODE or later"
command -v npm >/dev/null || die "npm is missing; install it with your package manager (for example: sudo apt install npm)"
for tool in glib-compile-schemas msgfmt xgettext; do
  command -v "$tool" >/dev/null ||
    die "$tool is missing; install glib's tools and gettext (Debian/Ubuntu: sudo apt install libglib2.0-bin gettext)"
done
# The absolute path, so the service keeps the Node.js it was installed with whatever PATH it runs under.
node_bin=$(node -p process.execPath)
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
check_exec_path "$node_bin"
check_exec_path "$lib_dir"
say "Installing Steward $version for $(id -un) with Node.js $(node --version) ($node_bin)"

# --- build --------------------------------------------------------------------

reuse_build=false
if [[ ${STEWARD_REUSE_BUILD:-} == 1 ]]; then reuse_build=true; fi
# npm ci rewrites node_modules/.package-lock.json, so an older one means the lock file changed since. A reused
# build takes the checkout's node_modules as they are: npm ci would empty them first, under every process that
# reads them (and through a symbolic link, wherever they really are).
if $reuse_build; then
  [[ -d $root/node_modules ]] || die "STEWARD_REUSE_BUILD=1, but $root has no node_modules: run npm ci first"
elif [[ ! -f $root/node_modules/.package-lock.json || $root/package-lock.json -nt $root/node_modules/.package-lock.json ]]; then
  step 'Installing the build tools and dependencies into the clone (npm ci)'
  say '    The slowest step of a first run: npm downloads about 450 packages and compiles better-sqlite3 for this'
  say '    Node.js where no prebuilt binary can be fetched (minutes on a small machine); later runs reuse npm'"'"'s cache.'
  started=$SECONDS
  (cd "$root" && lock_npm "$root/package.json" ci --no-audit --no-fund --loglevel=warn)
  say "    $(du -sh "$root/node_modules" | cut -f 1) in $root/node_modules, $((SECONDS - started)) s"
fi
if $reuse_build; then
  [[ -f $root/dist/service/steward-service.js && -f $root/dist/extension/$UUID/metadata.json ]] ||
    die "STEWARD_REUSE_BUILD=1, but $root/dist holds no build: run npm run build first"
else
  step 'Building the service and the extension (esbuild, translations, schemas)'
  (cd "$root" && npm run --silent build -- --release service extension >/dev/null)
fi
# The man page in each language the build translated it into (dist/share/man/LANG/man1).
for page in "$root"/dist/share/man/*/man1/steward.1; do
  [[ -f $page ]] && shell_files+=("$data_home/${page#"$root/dist/share/"}")
done

# --- the service --------------------------------------------------------------

step "Installing the service into $lib_dir"
for dir in "$(dirname "$lib_dir")" "$(dirname "$bin_file")" "$(dirname "$unit_file")" "$(dirname "$activation_file")" \
  "$(dirname "$interface_file")" "$(dirname "$extension_dir")"; do
  make_dir "$dir"
done
for file in "${shell_files[@]}"; do make_dir "$(dirname "$file")"; done

new_lib=$(mktemp -d "$lib_dir.new-XXXXXX")
staging+=("$new_lib")
cp -R "$root/dist/service" "$new_lib/service"
# A copy of the uninstaller, so removing Steward does not need this clone any more.
cp "$root/build/uninstall.sh" "$root/build/session.sh" "$new_lib/"
# Without "scripts": npm ci runs the project's own lifecycle scripts (a future "prepare") and those need the sources.
node -e 'const p = require(process.argv[1]); delete p.scripts; console.log(JSON.stringify(p, null, 2));' \
  "$root/package.json" >"$new_lib/package.json"
machine_lock "$new_lib/package-lock.json"
# Runtime dependencies only, at the versions in the lock file. Install scripts stay on: native
# modules (better-sqlite3) need theirs; node-llama-cpp is told to use its prebuilt binaries.
started=$SECONDS
if $reuse_build; then
  (cd "$new_lib" && lock_npm "$root/package.json" ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=warn)
  reuse_native_modules "$new_lib"
else
  say '    Runtime dependencies (npm ci --omit=dev): from npm'"'"'s cache where the clone'"'"'s install put them;'
  say '    better-sqlite3 is compiled again for this copy, which takes most of this step.'
  (cd "$new_lib" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true lock_npm "$root/package.json" ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=warn)
fi
say "    $(du -sh "$new_lib" | cut -f 1) installed, $((SECONDS - started)) s"

# The manifest lists everything this script writes: "tree" directories belong to
# Steward whole, "file"s are single files, "dir"s were created for them and are
# removed when empty. Directories an earlier run created are still ours.
old_entries=()
if [[ -f $manifest ]]; then mapfile -t old_entries < <(grep -v '^#' "$manifest"); fi
entries=("tree $lib_dir" "file $bin_file" "file $unit_file" "file $activation_file" "file $interface_file"
  "tree $extension_dir")
for file in "${shell_files[@]}"; do entries+=("file $file"); done
for dir in "${created_dirs[@]}"; do entries+=("dir $dir"); done
for entry in "${old_entries[@]}"; do if [[ $entry == 'dir '* ]]; then entries+=("$entry"); fi; done
{
  say "# Written by Steward's build/install.sh: what it installed. build/uninstall.sh removes exactly these."
  say '# tree: a directory that is Steward'\''s with all its content; file: one file; dir: created for them, removed when empty.'
  printf '%s\n' "${entries[@]}" | LC_ALL=C sort -u
} >"$new_lib/installed-files"
swap_dir "$new_lib" "$lib_dir"

# Files that an older version installed and this one no longer does.
for entry in "${old_entries[@]}"; do
  if [[ $entry == 'dir '* ]] || printf '%s\n' "${entries[@]}" | grep -qxF -- "$entry"; then continue; fi
  if owned_path "${entry#* }"; then rm -rf -- "${entry#* }"; fi
done

exec_start="$(exec_arg "$node_bin") $(exec_arg "$lib_dir/service/steward-service.js")"
write_file "$bin_file" "#!/bin/sh
# Written by Steward's build/install.sh: runs the installed command-line tool with the Node.js it was installed with.
exec $(sh_quote "$node_bin") $(sh_quote "$lib_dir/service/steward.js") \"\$@\""
chmod 755 "$bin_file"

step 'Installing the man page and the bash, zsh and fish completions'
for file in "${shell_files[@]}"; do
  cp "$root/dist/share/${file#"$data_home/"}" "$file.new"
  mv -f "$file.new" "$file"
done

step 'Writing the systemd user unit and the D-Bus activation file'
write_file "$unit_file" "$(fill_template steward.service.in)"
write_file "$activation_file" "$(fill_template "$BUS_NAME.service.in")"
# Where D-Bus tools look for the interfaces of installed services.
cp "$root/dbus-interfaces/$BUS_NAME.xml" "$interface_file.new"
mv -f "$interface_file.new" "$interface_file"

# --- the extension ------------------------------------------------------------

step "Installing the GNOME Shell extension into $extension_dir"
new_extension=$(mktemp -d "$(dirname "$extension_dir")/.$UUID.new-XXXXXX")
staging+=("$new_extension")
cp -R "$root/dist/extension/$UUID/." "$new_extension/"
swap_dir "$new_extension" "$extension_dir"

bus=false
if have_bus; then bus=true; fi
have_shell=false
if $bus && name_owned org.gnome.Shell && command -v gnome-extensions >/dev/null &&
  gnome-extensions enable "$UUID" 2>/dev/null; then
  have_shell=true
  say 'Enabled the extension in the running GNOME Shell.'
elif command -v gsettings >/dev/null && gsettings get org.gnome.shell enabled-extensions >/dev/null 2>&1; then
  # A running shell that has not seen the new extension yet refuses to enable it; the setting makes it load next time.
  have_shell=true
  settings_list_add enabled-extensions
  settings_list_remove disabled-extensions
  say 'Enabled the extension (org.gnome.shell enabled-extensions).'
  if [[ $(gsettings get org.gnome.shell disable-user-extensions 2>/dev/null) == true ]]; then
    say 'Note: user extensions are switched off; turn them on in the Extensions app.'
  fi
else
  say 'GNOME Shell is not installed here: the extension files are installed but could not be enabled.'
fi

# --- start --------------------------------------------------------------------

step 'Starting the service'
if $bus; then
  # Make the bus read the new activation file (dbus-broker does not watch its directories).
  bus_call ReloadConfig >/dev/null
fi
if have_systemd; then
  systemctl --user daemon-reload
  # Restart, not start: after an update the new code must run.
  systemctl --user restart steward.service
  say 'Steward is running (systemd user unit steward.service).'
elif $bus; then
  stop_bus_instance
  "$bin_file" start >/dev/null
  say 'Steward is running (started by the session bus).'
else
  say 'No session bus here: once you are logged in to your desktop, Steward starts when it is first needed.'
fi

say ''
say "Done: Steward $version is installed."
say 'Next:'
if $have_shell; then
  case ${XDG_SESSION_TYPE:-} in
    x11) say '  • Load the new extension: press Alt+F2, type r and press Enter.' ;;
    *) say '  • Load the new extension: log out and back in (on X11, Alt+F2 then r is enough).' ;;
  esac
fi
if [[ :$PATH: == *":$(dirname "$bin_file"):"* ]]; then
  say '  • See what it is doing: steward status'
else
  say "  • See what it is doing: $bin_file status (just steward status once $(dirname "$bin_file") is on your PATH)"
fi
say '  • Get a model for the chat: steward models recommend, then steward models pull (or models import FILE.gguf)'
say '  • Read the manual: man steward (completions for bash and fish are in place; zsh: add'
say "    $(dirname "${shell_files[2]}") to your fpath)"
say "  • Remove it: steward uninstall (add --purge to delete the configuration, state and downloaded models too)"
