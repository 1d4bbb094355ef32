// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { Capability } from './capabilityCatalogue.js';

/**
 * What the machine shows of its GPUs and which node-llama-cpp prebuilts are
 * installed: facts cheap to gather without loading node-llama-cpp (and its
 * hundreds of MB of native code) into the service.
 */
export interface GpuFacts {
  /** /dev/nvidiactl: the NVIDIA kernel driver is loaded. */
  nvidiaDevice: boolean;
  /** A Vulkan driver manifest for real hardware (not Mesa's llvmpipe, which runs on the CPU). */
  vulkanDriver: boolean;
  /** /dev/dri/renderD*: a GPU this user can render on. */
  renderNode: boolean;
  /** Whether a package ("@node-llama-cpp/linux-x64-cuda") is installed. */
  installed: (packageName: string) => boolean;
}

export interface Platform {
  platform: NodeJS.Platform;
  arch: NodeJS.Architecture;
}

const PREBUILT_SCOPE = '@node-llama-cpp';
// node-llama-cpp names its ARMv7 build after the CPU, where Node.js says "arm".
const PREBUILT_ARCH: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'x64',
  arm64: 'arm64',
  arm: 'armv7l',
  riscv64: 'riscv64',
};

/** The node-llama-cpp prebuilt packages for a platform; empty lists where it publishes none (Steward runs on Linux). */
export function prebuiltPackages({ platform, arch }: Platform): { cpu: string[]; cuda: string[]; vulkan: string[] } {
  const cpuArch = PREBUILT_ARCH[arch];
  if (platform !== 'linux' || !cpuArch) return { cpu: [], cuda: [], vulkan: [] };
  const base = `${PREBUILT_SCOPE}/linux-${cpuArch}`;
  return { cpu: [base], cuda: [`${base}-cuda`, `${base}-cuda-ext`], vulkan: [`${base}-vulkan`] };
}

/** "inference.local", "gpu.cuda", "gpu.vulkan": each only when both the device and a build that can use it are here. */
export function gpuCapabilities(facts: GpuFacts, platform: Platform): Capability[] {
  const packages = prebuiltPackages(platform);
  const any = (names: string[]) => names.some((name) => facts.installed(name));
  const capabilities: Capability[] = [];
  // Without the CPU build node-llama-cpp has nothing to fall back on, so no local inference at all.
  if (!any(packages.cpu)) return capabilities;
  capabilities.push('inference.local');
  if (facts.nvidiaDevice && any(packages.cuda)) capabilities.push('gpu.cuda');
  if (facts.vulkanDriver && facts.renderNode && any(packages.vulkan)) capabilities.push('gpu.vulkan');
  return capabilities;
}

// Where the Vulkan loader looks for driver manifests (system-wide; per-user ones are rare for GPUs).
const VULKAN_ICD_DIRECTORIES = ['etc/vulkan/icd.d', 'usr/local/share/vulkan/icd.d', 'usr/share/vulkan/icd.d'];

/**
 * Reads the facts from the file system under `root` (a test points it at a fake tree). Only
 * existence checks and small directory listings: nothing here can hang or throw.
 */
export function probeGpuFacts(root = '/', installed: (packageName: string) => boolean = isInstalled): GpuFacts {
  const list = (dir: string) => {
    try {
      return readdirSync(join(root, dir));
    } catch {
      return [];
    }
  };
  return {
    nvidiaDevice: existsSync(join(root, 'dev', 'nvidiactl')),
    vulkanDriver: VULKAN_ICD_DIRECTORIES.some((dir) =>
      list(dir).some((name) => name.endsWith('.json') && !name.startsWith('lvp_icd')),
    ),
    renderNode: list('dev/dri').some((name) => name.startsWith('renderD')),
    installed,
  };
}

const resolver = createRequire(import.meta.url);

/** Resolving finds the package's entry file without loading it. */
function isInstalled(packageName: string): boolean {
  try {
    resolver.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
