// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// journalctl(1): members of these groups may read the system journal.
export const JOURNAL_READER_GROUPS = ['systemd-journal', 'adm', 'wheel'];

export interface CapabilityInfo {
  name: string;
  /** What Steward does with it, in a few words. */
  enables: string;
  /** What to do when it is missing: true for Debian, Ubuntu and Fedora. */
  hint: string;
  /** A capability that the probe needs first; while it is missing, this one is too. */
  requires?: string;
}

const groups = `${JOURNAL_READER_GROUPS.slice(0, -1).join(', ')} or ${JOURNAL_READER_GROUPS.at(-1) ?? ''}`;
const keepPrebuilts = 'STEWARD_KEEP_GPU_PREBUILTS=1 keeps every GPU build';

/** Every capability the probes in this directory can report, in the order `steward doctor` lists them. */
export const CAPABILITY_CATALOGUE = [
  {
    name: 'journal.user',
    enables: 'your own journal: errors of your apps and user services',
    hint: 'Steward reads the journal with journalctl, which comes with systemd (package “systemd” on Debian, Ubuntu and Fedora).',
  },
  {
    name: 'journal.system',
    enables: 'the system journal: kernel, boot and system service errors',
    hint: `Only root and members of ${groups} may read it: run “sudo usermod -aG systemd-journal $USER”, then log out and back in so that the service starts with the new group.`,
    requires: 'journal.user',
  },
  {
    name: 'systemd.user',
    enables: 'findings for failed user units (systemctl --user)',
    hint: 'No systemd user manager owns this session bus: log in through GDM or another display manager with systemd-logind; sessions started with dbus-run-session, and most containers, have none.',
  },
  {
    name: 'systemd.system',
    enables: 'findings for failed system units',
    hint: 'systemd is not the init system here, or the system bus cannot be reached. Debian, Ubuntu and Fedora boot with systemd; in containers and sandboxes this stays missing.',
  },
  {
    name: 'network',
    enables: 'findings about internet connectivity from NetworkManager, and the reconnect fix',
    hint: 'NetworkManager is not running: “sudo systemctl enable --now NetworkManager” (package network-manager on Debian and Ubuntu, NetworkManager on Fedora).',
  },
  {
    name: 'links',
    enables: 'findings when a network link goes down or the default route goes away, with or without NetworkManager',
    hint: 'The ip command is missing: “sudo apt install iproute2” (Debian, Ubuntu) or “sudo dnf install iproute” (Fedora).',
  },
  {
    name: 'packagekit',
    enables: 'installing and removing packages through PackageKit, for fixes you approve',
    hint: 'Install PackageKit: “sudo apt install packagekit” (Debian, Ubuntu) or “sudo dnf install PackageKit” (Fedora).',
  },
  {
    name: 'polkit',
    enables:
      'fixes that change the system (system units, packages, the system journal), after GNOME asks for your password',
    hint: 'Install polkit: “sudo apt install polkitd” (Debian 12, Ubuntu 24.04; policykit-1 on older releases) or “sudo dnf install polkit” (Fedora).',
  },
  {
    name: 'sandbox',
    enables: 'the expert shell, if you turn it on: commands you approve, run in a read-only sandbox without network',
    hint: 'bubblewrap is missing or cannot make its sandbox here: “sudo apt install bubblewrap” (Debian, Ubuntu) or “sudo dnf install bubblewrap” (Fedora); in containers it may lack the user namespaces it needs.',
  },
  {
    name: 'inference.local',
    enables: 'running models on this computer, on the CPU at least',
    hint: 'Steward’s node-llama-cpp lacks its build for this CPU (@node-llama-cpp/linux-x64, -arm64, -armv7l or -riscv64): run “bash build/install.sh” again. Where no build exists for the CPU, set inference.engine to “remote”.',
  },
  {
    name: 'gpu.cuda',
    enables: 'running models on an NVIDIA GPU with CUDA',
    hint: `Needs the NVIDIA kernel driver loaded (/dev/nvidiactl; Debian: nvidia-driver from non-free, Ubuntu: “sudo ubuntu-drivers install”, Fedora: akmod-nvidia from RPM Fusion) and the CUDA build of llama.cpp, which build/install.sh leaves out when it finds no NVIDIA driver: after installing the driver, reboot and run the install again (${keepPrebuilts}).`,
    requires: 'inference.local',
  },
  {
    name: 'gpu.vulkan',
    enables: 'running models on an AMD, Intel or NVIDIA GPU with Vulkan',
    hint: `Needs a GPU render node (/dev/dri/renderD*), its Vulkan driver (mesa-vulkan-drivers on Debian, Ubuntu and Fedora, or the NVIDIA driver; llvmpipe, which runs on the CPU, does not count) and the Vulkan build of llama.cpp, which build/install.sh leaves out when it finds no Vulkan driver: after installing one, run the install again (${keepPrebuilts}).`,
    requires: 'inference.local',
  },
  {
    name: 'nixos',
    enables:
      'on NixOS: package and service changes proposed as edits of configuration.nix or Home Manager’s home.nix, shown as a diff',
    hint: 'Only on NixOS (/etc/NIXOS or /run/current-system), with /etc/nixos/configuration.nix, /etc/nixos/flake.nix or ~/.config/home-manager/home.nix; elsewhere packages go through PackageKit.',
  },
] as const satisfies readonly CapabilityInfo[];

export type Capability = (typeof CAPABILITY_CATALOGUE)[number]['name'];
