#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# `npm test`: every check there is — style, types, build, unit and integration
# tests on private D-Bus buses, the end-to-end tests in a real GNOME Shell, and
# the gym's core scenarios in a booted Debian system (test/gym).
#
# On Debian as root it installs the packages it needs; otherwise it names the
# missing ones and runs what it can. With CI=true nothing may be skipped.
#
# STEWARD_E2E_SUITES=trixie,forky,sid (or 48,50,51) picks the GNOME versions
# for the end-to-end tests; the default is trixie (GNOME 48).
# STEWARD_SPEC_WORKERS=N runs N unit and integration spec files at a time (default: cores + 1; 1: one by one).
#
#   --quick   the inner loop: build, then the unit and integration specs but the slow ones and those that
#             load real models (below); no lint, types, corpus or end-to-end tests
#   --load    everything, while stress-ng keeps every core busy (npm run test:load): the suite must hold
#             on a machine that is busy with other work
# Every run prints its slowest specs before the closing line.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=${CI:-false}

# Under sudo, what this run writes into the checkout (node_modules, dist, test-results) is handed back to the
# person who owns it, so that their own npm run install-user or build can replace it afterwards.
exit_tasks=()
if [[ -n ${SUDO_UID:-} && $(id -u) == 0 && $(stat -c %u .) == "$SUDO_UID" ]]; then
  owner=$SUDO_UID:$SUDO_GID
  exit_tasks+=('find . -xdev -path ./.git -prune -o -user 0 -exec chown -h "$owner" {} +')
  # git trusts a repository of sudo's caller through SUDO_UID, which goes below; root's git (the Debian
  # package's build reads the history) is told so here instead, as with `git -c safe.directory=...`.
  git_configs=${GIT_CONFIG_COUNT:-0}
  export "GIT_CONFIG_KEY_$git_configs=safe.directory" "GIT_CONFIG_VALUE_$git_configs=$PWD"
  export GIT_CONFIG_COUNT=$((git_configs + 1))
fi
# The specs then run as root does in CI: build/install.sh, for one, refuses a root that sudo made.
unset SUDO_USER SUDO_UID SUDO_GID SUDO_COMMAND SUDO_HOME
on_exit() {
  local status=$? task
  for task in "${exit_tasks[@]}"; do eval "$task" || true; done
  exit "$status"
}
trap on_exit EXIT
skipped=()
quick=false
load=false
for arg in "$@"; do
  case $arg in
    --quick) quick=true ;;
    --load) load=true ;;
    *)
      echo "usage: test/run.sh [--quick] [--load]" >&2
      exit 2
      ;;
  esac
done
if $quick && $load; then
  echo 'test/run.sh: --load runs everything; it does not go with --quick' >&2
  exit 2
fi
# Left out of --quick: minutes each, for reasons that are their point (installs that run npm ci, lists of 100k
# findings, raced clean-ups), and the suites that load real models again and again (the engine, the Chat
# interface, the kept prompt, the backend probes); the full run has them all.
slow_specs=(integration/install integration/installFromScratch integration/installGpuBuilds integration/uninstall
  integration/paging integration/deletionRace integration/engine integration/chat integration/prefixCache
  integration/backendChoice)

# command → Debian package that provides it (a full path for commands not on PATH;
# python3:MODULE for a module of Debian's /usr/bin/python3, such as the systemd mock; man-db, openssh-client
# and apt for the man pages the documentation index is tested on, gnome-user-docs for GNOME Help's pages (a file
# stands for a package that installs no command); espeak-ng and python3-onnx for the voice:
# spoken sentences and the tiny speech models; bzip2 for pulling them as sherpa-onnx packs its models; a private
# PipeWire (pipewire, WirePlumber, pipewire-pulse) and speech-dispatcher with its espeak-ng module for reading
# aloud into a real sound server; flatpak for flatpak.update, which builds, exports and updates a tiny app offline;
# CUPS's own D-Bus notifier, whose signals the printers source takes from it alone)
declare -A integration_needs=([dbus-daemon]=dbus-daemon [/usr/lib/cups/notifier/dbus]=cups-daemon [gdbus]=libglib2.0-bin [gnome-keyring-daemon]=gnome-keyring
  [/lib/systemd/systemd-journal-remote]=systemd-journal-remote [python3:dbusmock]=python3-dbusmock
  [/usr/libexec/packagekitd]=packagekit [/usr/lib/polkit-1/polkitd]=polkitd [pkcheck]=polkitd [bwrap]=bubblewrap
  [unshare]=util-linux [setsid]=util-linux [script]=bsdutils [nix-instantiate]=nix-bin
  [man]=man-db [ssh]=openssh-client [apt-get]=apt [/usr/share/help/C/gnome-help/index.page]=gnome-user-docs [zsh]=zsh [fish]=fish [gpg]=gpg [gpg-agent]=gpg-agent
  [espeak-ng]=espeak-ng [python3:onnx]=python3-onnx [bzip2]=bzip2 [pipewire]=pipewire-bin [pw-record]=pipewire-bin
  [wireplumber]=wireplumber [pipewire-pulse]=pipewire-pulse [speech-dispatcher]=speech-dispatcher
  [/usr/lib/speech-dispatcher-modules/sd_espeak-ng]=speech-dispatcher-espeak-ng [flatpak]=flatpak)
declare -A build_needs=([glib-compile-schemas]=libglib2.0-bin [xgettext]=gettext [msgfmt]=gettext [zip]=zip [unzip]=unzip)
# The Debian package's test builds it (dpkg-deb, strip, patchelf, zip), checks it with lintian and upgrades it in a session (nsenter);
# a session takes a distribution's Node.js with the libraries its root filesystem lacks (patchelf); the desktop gym
# reads its session's journal (journalctl), stands python3-dbusmock's timedated in for the clock's, prints
# through a cupsd of its own (its cups-client commands), cups-pk-helper (its activation file) and polkitd, and runs a
# private PipeWire, WirePlumber and pipewire-pulse for the sound scenarios (pw-cli, pw-dump, pw-metadata, wpctl);
# it builds the crashing app's packages (gcc, dpkg-deb) and its polkitd knows PackageKit's actions (their policy file).
declare -A e2e_needs=([mmdebstrap]=mmdebstrap [unshare]=util-linux [chroot]=coreutils [nsenter]=util-linux
  [findmnt]=util-linux [lintian]=lintian [dpkg-deb]=dpkg [zip]=zip [unzip]=unzip [patchelf]=patchelf [strip]=binutils
  [espeak-ng]=espeak-ng [python3:onnx]=python3-onnx [journalctl]=systemd [python3:dbusmock]=python3-dbusmock
  [cupsd]=cups-daemon [lpstat]=cups-client [lpadmin]=cups-client
  [/usr/share/dbus-1/system-services/org.opensuse.CupsPkHelper.Mechanism.service]=cups-pk-helper
  [/usr/lib/polkit-1/polkitd]=polkitd
  [pipewire]=pipewire-bin [pw-cli]=pipewire-bin [wireplumber]=wireplumber [wpctl]=wireplumber
  [pipewire-pulse]=pipewire-pulse [gcc]=gcc [/usr/share/polkit-1/actions/org.freedesktop.packagekit.policy]=packagekit)
# The gym boots a Debian system with systemd as PID 1 of its own namespaces (test/gym/README.md).
declare -A gym_needs=([mmdebstrap]=mmdebstrap [unshare]=util-linux [nsenter]=util-linux [setpriv]=util-linux
  [flock]=util-linux [chroot]=coreutils [ip]=iproute2 [losetup]=mount)
# The load generator of --load.
declare -A load_needs=([stress-ng]=stress-ng)
# PackageKit 1.3 (Debian 13 on) ships no dummy backend, which the PackageKit specs run packagekitd on: they
# compile it from the installed version's source (test/support/packagekit-dummy.sh); a header stands for its package.
declare -A dummy_backend_needs=([gcc]=gcc [pkg-config]=pkgconf [dpkg-source]=dpkg-dev
  [/usr/include/glib-2.0/gio/gunixsocketaddress.h]=libglib2.0-dev
  [/usr/include/PackageKit/packagekit-glib2/packagekit.h]=libpackagekit-glib2-dev)

missing_packages() {
  local -n needs=$1
  local command
  for command in "${!needs[@]}"; do
    if [[ $command == python3:* ]]; then
      /usr/bin/python3 -c "import ${command#python3:}" 2>/dev/null || echo "${needs[$command]}"
    elif [[ $command == *.h || $command == *.page || $command == *.service || $command == *.policy ]]; then
      [[ -f $command ]] || echo "${needs[$command]}"
    else
      # A user's PATH on Debian lacks the sbin folders where chroot and others live.
      PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin command -v "$command" >/dev/null || echo "${needs[$command]}"
    fi
  done | sort -u
}

install_missing() {
  local missing needs
  mapfile -t missing < <(for needs in "$@"; do missing_packages "$needs"; done | sort -u)
  if ((${#missing[@]} == 0)); then return; fi
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} (apt-get: with what they depend on, minutes on a fresh machine)"
    installing_since=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "   (Debian packages: $((SECONDS - installing_since)) s)"
  else
    echo "Missing packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
  fi
}
install_missing build_needs integration_needs e2e_needs gym_needs load_needs
# Known once packagekit is in.
if [[ -x /usr/libexec/packagekitd ]] && ! compgen -G '/usr/lib/*/packagekit-backend/libpk_backend_dummy.so' >/dev/null; then
  for command in "${!dummy_backend_needs[@]}"; do integration_needs[$command]=${dummy_backend_needs[$command]}; done
  install_missing dummy_backend_needs
fi

# Said now rather than after the minutes of dependencies, lint and types that come before the build.
if [[ -n $(missing_packages build_needs) ]]; then
  echo "cannot build the extension without: $(missing_packages build_needs | xargs)" >&2
  exit 1
fi

# The Nix specs evaluate Steward's modules with nixpkgs' lib, from a snapshot beside the checkout
# (test/support/nix.ts); a clone does not bring it.
nixpkgs_lib=${STEWARD_NIXPKGS_LIB:-../shared/vendor/nixpkgs-lib}
if [[ ! -f $nixpkgs_lib/lib/default.nix ]]; then
  echo "No snapshot of nixpkgs' lib at $nixpkgs_lib, which the Nix specs evaluate with; get it with:"
  echo "  git clone https://github.com/nix-community/nixpkgs.lib $nixpkgs_lib"
  echo "  git -C $nixpkgs_lib checkout de42d44212d207476489bce163375d8306a26d59"
  if [[ $ci == true ]]; then
    echo 'CI=true: the Nix specs would fail without it' >&2
    exit 1
  fi
fi

# Some specs run Steward's code from this checkout as nobody, a caller without rights; Debian 13 makes homes
# 0700 (HOME_MODE in /etc/login.defs), which keeps nobody out of a clone in one.
if [[ $(id -u) == 0 ]] && ! setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$PWD/package.json" 2>/dev/null; then
  closed=$PWD
  path=''
  IFS=/ read -ra parts <<<"${PWD#/}"
  for part in "${parts[@]}"; do
    path+=/$part
    if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$path" 2>/dev/null; then
      closed=$path
      break
    fi
  done
  echo "nobody cannot reach this checkout ($closed is closed to others): the specs that run Steward as nobody"
  echo "  would fail. Open it to others with: chmod o+x $closed (or clone Steward outside it)"
  if [[ $ci == true ]]; then exit 1; fi
fi

# npm run package keeps its cache (compiled better-sqlite3, its build root filesystems) with the e2e ones here.
export STEWARD_PACKAGE_CACHE_DIR=${STEWARD_PACKAGE_CACHE_DIR:-${STEWARD_E2E_CACHE_DIR:-/var/cache/steward-e2e}}

# Each stage's name as it starts, and how long the one before took.
stage_started=$SECONDS
stage_name=''
stage() {
  if [[ -n $stage_name ]]; then echo "   ($stage_name: $((SECONDS - stage_started)) s)"; fi
  stage_name=$1
  stage_started=$SECONDS
  echo "== $*"
}

if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  stage 'dependencies (npm ci: a first run downloads about 450 packages and compiles better-sqlite3, minutes)'
  # shellcheck source=build/npm.sh
  source build/npm.sh
  lock_npm package.json ci --no-audit --no-fund
fi

if $load; then
  if [[ -n $(missing_packages load_needs) ]]; then
    echo 'cannot load the machine without stress-ng (apt-get install stress-ng)' >&2
    exit 1
  fi
  # One CPU worker per core, all the way through; it stops when this script does, with its output kept out of
  # the closing line.
  stress-ng --cpu "$(nproc)" --quiet >/dev/null 2>&1 &
  load_pid=$!
  exit_tasks+=('kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null')
  echo "== load: stress-ng --cpu $(nproc) (pid $load_pid)"
fi

if ! $quick; then
  stage 'lint (eslint reads the types of the whole tree: minutes on a small machine)'
  npx eslint .
  npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
  stage types
  npm run --silent typecheck
fi
stage build
npm run --silent build

specs=(dist/test/unit)
suites=(integration e2e gym)
if $quick; then suites=(integration); fi
for suite in "${suites[@]}"; do
  mapfile -t lacking < <(missing_packages "${suite}_needs")
  if ((${#lacking[@]} == 0)); then
    specs+=("dist/test/$suite")
  else
    skipped+=("$suite tests (missing packages: ${lacking[*]})")
  fi
done
if ((${#skipped[@]} > 0)); then
  printf 'Skipping %s\n' "${skipped[@]}"
  if [[ $ci == true ]]; then
    echo 'CI=true: nothing may be skipped' >&2
    exit 1
  fi
fi

# The Debian package's spec compiles better-sqlite3 once per Node.js ABI that Debian ships, each in a root
# filesystem of its suite, and caches it: done here, so that a cold cache does not count against a spec's time.
if [[ " ${specs[*]} " == *' dist/test/e2e '* && $(id -u) == 0 ]]; then
  stage 'native modules for the Debian package (cached; a cold cache builds a root filesystem per Debian suite)'
  node --input-type=module -e "
    const { DEBIAN_ABIS, betterSqliteBinary } = await import('./build/package/native.mjs');
    for (const target of DEBIAN_ABIS) console.log(betterSqliteBinary(process.cwd(), target));"
fi

# The detection corpus through the real service: recall, precision and right
# first step per class, failing below test/corpus/baseline.json.
if ! $quick; then
  stage corpus
  if [[ -n $(missing_packages integration_needs) ]]; then
    echo "Skipping the corpus (missing packages: $(missing_packages integration_needs | xargs))"
    [[ $ci == true ]] && { echo 'CI=true: nothing may be skipped' >&2; exit 1; }
  else
    node build/build.mjs corpus
    node dist/corpus/run.js
  fi
fi

spec_files=("${specs[@]/%//**/*.spec.js}")
if $quick; then
  mapfile -t spec_files < <(find "${specs[@]}" -name '*.spec.js' | sort)
  for slow in "${slow_specs[@]}"; do
    for i in "${!spec_files[@]}"; do
      if [[ ${spec_files[i]} == "dist/test/$slow.spec.js" ]]; then unset 'spec_files[i]'; fi
    done
  done
  echo "== quick: leaving out ${slow_specs[*]}"
fi

# The specs run last: their closing "N passed, N failed, N skipped" line is what CI reads.
stage "tests: ${specs[*]#dist/test/}"
if [[ " ${specs[*]} " == *' dist/test/e2e '* && ! -d ${STEWARD_E2E_CACHE_DIR:-/var/cache/steward-e2e} ]]; then
  echo '   The first end-to-end run builds Debian root filesystems with GNOME Shell (mmdebstrap), the slowest step.'
fi
# Unit and integration spec files run side by side, STEWARD_SPEC_WORKERS at a time (each file in a worker
# process of its own; 1 runs them one after the other): most of an integration spec's time is spent waiting
# for the processes it starts, so more workers than cores pay. The end-to-end and gym specs run one at a
# time after them (each boots a whole system). One report covers both runs (test/support/ciReporter.ts).
workers=${STEWARD_SPEC_WORKERS:-$(($(nproc) + 1))}
if ! [[ $workers =~ ^[1-9][0-9]*$ ]]; then
  echo "test/run.sh: STEWARD_SPEC_WORKERS must be a whole number of 1 or more, not '$workers'" >&2
  exit 2
fi
side_by_side=() one_at_a_time=()
for file in "${spec_files[@]}"; do
  case $file in
    dist/test/unit/* | dist/test/integration/*) side_by_side+=("$file") ;;
    *) one_at_a_time+=("$file") ;;
  esac
done
STEWARD_SPEC_CARRY=$(mktemp)
# Every spec's and suite's time, for choosing what --quick leaves out and for comparing runs.
mkdir -p test-results
STEWARD_SPEC_TIMES=${STEWARD_SPEC_TIMES:-test-results/spec-times.json}
export STEWARD_SPEC_CARRY STEWARD_SPEC_TIMES
status=0
if ((${#side_by_side[@]} > 0)); then
  parallel=()
  if ((workers > 1)); then parallel=(--parallel="$workers" --reporter=./dist/test/support/ciReporter.js); fi
  echo "   unit and integration: $workers at a time"
  more=0
  if ((${#one_at_a_time[@]} > 0)); then more=1; fi
  STEWARD_SPEC_MORE=$more npx jasmine --config=test/jasmine.json "${parallel[@]}" "${side_by_side[@]}" || status=$?
fi
if ((${#one_at_a_time[@]} > 0)); then
  echo "   ${one_at_a_time[*]#dist/test/}: one at a time"
  npx jasmine --config=test/jasmine.json "${one_at_a_time[@]}" || status=$?
fi
rm -f "$STEWARD_SPEC_CARRY"
exit "$status"
