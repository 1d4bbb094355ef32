// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A recorded NixOS layout and STAND-INS for the NixOS tools these machines lack.
// NixOS cannot run here; what stands in for it is named a stand-in everywhere:
//   - the layout under a test root (STEWARD_TEST_NIXOS_ROOT): /etc/NIXOS, /etc/nixos/configuration.nix,
//     the profile links /nix/var/nix/profiles/system-N-link and `system`, /run/current-system, and
//     "store paths" (directories holding the configuration each generation was built from);
//   - a stand-in `nixos-rebuild` that records its arguments and moves those links as the real one
//     does (switch: a new generation, the profile and current-system on it; switch --rollback: both
//     back to the previous generation; test: current-system only). Its dry-build checks the file with
//     the real `nix-instantiate --parse` and reports, in Nix's own wording, the lines the edit adds;
//   - a stand-in `home-manager` that records its arguments, dry-builds and switches the user's home.nix;
//   - a stand-in `pkexec` that asks the real polkitd (pkcheck, on the private system bus) about
//     Steward's action for the calling process, as pkexec does, and then runs the helper or exits 126.
//     The real pkexec is setuid and talks to the machine's own system bus, which tests must not use.
import { chmod, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const NIXOS_REBUILD_ACTION = 'io.github.steward.Steward1.nixos-rebuild';
export const NIXOS_ROLLBACK_ACTION = 'io.github.steward.Steward1.nixos-rollback';

const NIXOS_REBUILD_STAND_IN = `#!/bin/sh
# STAND-IN for nixos-rebuild (Steward's tests): records its arguments, moves the profile links as the real one.
set -eu
root=\${STEWARD_TEST_NIXOS_ROOT:?the stand-in works only under a test root}
echo "$*" >>"$root/nixos-rebuild.args"
profiles=$root/nix/var/nix/profiles
current_gen() { readlink "$profiles/system" | sed 's/^system-\\([0-9]*\\)-link$/\\1/'; }
activate() { ln -sfn "$(readlink "$profiles/system-$1-link")" "$root/run/current-system.new" && mv -T "$root/run/current-system.new" "$root/run/current-system"; }
case "$*" in
  dry-build\\ -I\\ nixos-config=*|dry-build\\ --flake\\ *)
    case $2 in --flake) file=$3/configuration.nix ;; *) file=\${3#nixos-config=} ;; esac
    nix-instantiate --store dummy:// --parse "$file" >/dev/null 2>"$root/parse.err" || { cat "$root/parse.err" >&2; exit 1; }
    built=$(readlink "$root/run/current-system")/configuration.nix
    echo "these 1 derivations will be built:" >&2
    echo "  /nix/store/0000000000000000000000000000000a-nixos-system-stand-in.drv" >&2
    added=$(diff "$built" "$file" | sed -n 's/^> *//p' | { grep -oE '^[A-Za-z_][A-Za-z0-9_-]*$|pkgs[.][A-Za-z_][A-Za-z0-9_-]*' || true; } | sed 's/^pkgs[.]//')
    if [ -n "$added" ]; then
      echo "these $(echo "$added" | wc -l) paths will be fetched (12.50 MiB download, 48.00 MiB unpacked):" >&2
      for name in $added; do echo "  /nix/store/0000000000000000000000000000000b-$name-stand-in" >&2; done
    fi
    ;;
  switch|test)
    if [ -e "$root/stand-in-fails" ]; then echo "error: the stand-in was told to fail" >&2; exit 1; fi
    config=$root/etc/nixos/configuration.nix
    nix-instantiate --store dummy:// --parse "$config" >/dev/null
    next=$(( $(ls "$profiles" | sed -n 's/^system-\\([0-9]*\\)-link$/\\1/p' | sort -n | tail -1) + 1 ))
    store=$root/nix/store/$(sha256sum "$config" | cut -c1-32)-nixos-system-stand-in-$next
    echo "building the system configuration..."
    mkdir -p "$store" && cp "$config" "$store/configuration.nix"
    ln -s "$store" "$profiles/system-$next-link"
    if [ "$1" = switch ]; then ln -sfn "system-$next-link" "$profiles/system"; fi
    echo "activating the configuration..."
    # A test that changes the machine during activation (a unit failing) holds it here until it is done; the
    # bound (two minutes) only keeps a failed test's switch from waiting for ever.
    if [ -e "$root/stand-in-waits" ]; then
      tries=0
      while [ ! -e "$root/stand-in-go" ] && [ $tries -lt 1200 ]; do sleep 0.1; tries=$((tries + 1)); done
    fi
    activate "$next"
    ;;
  "switch --rollback")
    now=$(current_gen)
    previous=$(ls "$profiles" | sed -n 's/^system-\\([0-9]*\\)-link$/\\1/p' | sort -n | awk -v now="$now" '$1 < now' | tail -1)
    [ -n "$previous" ] || { echo "error: no generation older than the current one" >&2; exit 1; }
    echo "switching profile from version $now to $previous"
    ln -sfn "system-$previous-link" "$profiles/system"
    activate "$previous"
    ;;
  *) echo "the stand-in does not know: nixos-rebuild $*" >&2; exit 1 ;;
esac
`;

const HOME_MANAGER_STAND_IN = `#!/bin/sh
# STAND-IN for home-manager (Steward's tests): records its arguments; "switch" keeps the home.nix it built
# (as a generation would), "-f FILE build --dry-run" reports the lines FILE adds to it in Nix's wording.
set -eu
root=\${STEWARD_TEST_NIXOS_ROOT:?the stand-in works only under a test root}
echo "$*" >>"$root/home-manager.args"
home_nix=$HOME/.config/home-manager/home.nix
built=$root/home-manager-built.nix
case "$*" in
  "-f "*" build --dry-run")
    nix-instantiate --store dummy:// --parse "$2" >/dev/null
    added=$(diff "$built" "$2" | sed -n 's/^> *//p' | { grep -oE '^[A-Za-z_][A-Za-z0-9_-]*$|pkgs[.][A-Za-z_][A-Za-z0-9_-]*' || true; } | sed 's/^pkgs[.]//')
    if [ -n "$added" ]; then
      echo "these $(echo "$added" | wc -l) paths will be fetched (3.10 MiB download, 9.00 MiB unpacked):" >&2
      for name in $added; do echo "  /nix/store/0000000000000000000000000000000d-$name-stand-in" >&2; done
    fi
    ;;
  switch)
    nix-instantiate --store dummy:// --parse "$home_nix" >/dev/null
    cp "$home_nix" "$built"
    echo "Activating home-manager configuration"
    ;;
  *) echo "the stand-in does not know: home-manager $*" >&2; exit 1 ;;
esac
`;

const PKEXEC_STAND_IN = `#!/bin/sh
# STAND-IN for pkexec (Steward's tests): asks the real polkitd on $DBUS_SYSTEM_BUS_ADDRESS whether the
# calling process may run Steward's helper, as pkexec does for the action whose exec.path and exec.argv1
# name the helper and its verb.
set -eu
start=$(cut -d' ' -f22 /proc/$PPID/stat)
uid=$(stat -c %u /proc/$PPID)
case \${2:-} in
  rollback) action=${NIXOS_ROLLBACK_ACTION} ;;
  *) action=${NIXOS_REBUILD_ACTION} ;;
esac
pkcheck --action-id "$action" --process "$PPID,$start,$uid" --allow-user-interaction >&2 || exit 126
exec "$@"
`;

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

export interface NixosLayout {
  root: string;
  /** The directory with the stand-in nixos-rebuild and pkexec, to put first on PATH. */
  bin: string;
  configuration: string;
  /** The arguments the stand-in nixos-rebuild was called with, one call a line. */
  rebuildCalls(): Promise<string[]>;
  /** The arguments the stand-in home-manager was called with, one call a line. */
  homeManagerCalls(): Promise<string[]>;
  /** Lays out Home Manager's home.nix under `home`, as built by its last switch. */
  addHome(home: string, text: string): Promise<string>;
}

/**
 * Lays out generation 1 of a NixOS system under `directory`/root, built from `configurationText`, and
 * writes the stand-ins into `directory`/bin.
 */
export async function makeNixosLayout(directory: string, configurationText: string): Promise<NixosLayout> {
  const root = join(directory, 'root');
  const bin = join(directory, 'bin');
  const profiles = join(root, 'nix', 'var', 'nix', 'profiles');
  const store = join(root, 'nix', 'store', '0000000000000000000000000000000c-nixos-system-stand-in-1');
  for (const path of [join(root, 'etc', 'nixos'), join(root, 'run'), profiles, store, bin])
    await mkdir(path, { recursive: true });
  const configuration = join(root, 'etc', 'nixos', 'configuration.nix');
  await writeFile(join(root, 'etc', 'NIXOS'), '');
  await writeFile(configuration, configurationText);
  await writeFile(join(root, 'etc', 'nixos', 'hardware-configuration.nix'), '{ ... }: { }\n');
  await cp(configuration, join(store, 'configuration.nix'));
  await symlink(store, join(profiles, 'system-1-link'));
  await symlink('system-1-link', join(profiles, 'system'));
  await symlink(store, join(root, 'run', 'current-system'));
  await writeFile(join(bin, 'nixos-rebuild'), NIXOS_REBUILD_STAND_IN);
  await writeFile(join(bin, 'pkexec'), PKEXEC_STAND_IN);
  await chmod(join(bin, 'nixos-rebuild'), 0o755);
  await chmod(join(bin, 'pkexec'), 0o755);
  await writeFile(join(bin, 'home-manager'), HOME_MANAGER_STAND_IN);
  await chmod(join(bin, 'home-manager'), 0o755);
  return {
    root,
    bin,
    configuration,
    rebuildCalls: () => lines(join(root, 'nixos-rebuild.args')),
    homeManagerCalls: () => lines(join(root, 'home-manager.args')),
    addHome: async (home, text) => {
      const file = join(home, '.config', 'home-manager', 'home.nix');
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, text);
      await writeFile(join(root, 'home-manager-built.nix'), text);
      return file;
    },
  };
}
