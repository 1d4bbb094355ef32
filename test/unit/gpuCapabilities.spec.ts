// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import {
  gpuCapabilities,
  type GpuFacts,
  type Platform,
  prebuiltPackages,
  probeGpuFacts,
} from '../../service/src/core/gpuCapabilities.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const LINUX_X64: Platform = { platform: 'linux', arch: 'x64' };
const EVERY_PREBUILT = [
  '@node-llama-cpp/linux-x64',
  '@node-llama-cpp/linux-x64-cuda',
  '@node-llama-cpp/linux-x64-cuda-ext',
  '@node-llama-cpp/linux-x64-vulkan',
];

function facts(overrides: Partial<GpuFacts> & { packages?: string[] } = {}): GpuFacts {
  const packages = new Set(overrides.packages ?? EVERY_PREBUILT);
  return {
    nvidiaDevice: true,
    vulkanDriver: true,
    renderNode: true,
    installed: (name) => packages.has(name),
    ...overrides,
  };
}

describe('GPU capabilities', () => {
  it('offers CUDA and Vulkan when both the device and the prebuilt are there', () => {
    expect(gpuCapabilities(facts(), LINUX_X64)).toEqual(['inference.local', 'gpu.cuda', 'gpu.vulkan']);
  });

  it('needs the NVIDIA device and either CUDA prebuilt for gpu.cuda', () => {
    expect(gpuCapabilities(facts({ nvidiaDevice: false }), LINUX_X64)).not.toContain('gpu.cuda');
    const noCuda = EVERY_PREBUILT.filter((name) => !name.includes('cuda'));
    expect(gpuCapabilities(facts({ packages: noCuda }), LINUX_X64)).not.toContain('gpu.cuda');
    const extOnly = [...noCuda, '@node-llama-cpp/linux-x64-cuda-ext'];
    expect(gpuCapabilities(facts({ packages: extOnly }), LINUX_X64)).toContain('gpu.cuda');
  });

  it('needs a Vulkan driver, a render node and the Vulkan prebuilt for gpu.vulkan', () => {
    expect(gpuCapabilities(facts({ vulkanDriver: false }), LINUX_X64)).toEqual(['inference.local', 'gpu.cuda']);
    expect(gpuCapabilities(facts({ renderNode: false }), LINUX_X64)).toEqual(['inference.local', 'gpu.cuda']);
    const noVulkan = EVERY_PREBUILT.filter((name) => !name.endsWith('vulkan'));
    expect(gpuCapabilities(facts({ packages: noVulkan }), LINUX_X64)).toEqual(['inference.local', 'gpu.cuda']);
  });

  it('offers nothing, local inference included, without the CPU prebuilt for this platform', () => {
    const gpuOnly = EVERY_PREBUILT.filter((name) => name !== '@node-llama-cpp/linux-x64');
    expect(gpuCapabilities(facts({ packages: gpuOnly }), LINUX_X64)).toEqual([]);
    // An architecture node-llama-cpp publishes no build for, even with the x64 packages present.
    expect(gpuCapabilities(facts(), { platform: 'linux', arch: 's390x' })).toEqual([]);
  });

  it('looks for the prebuilts of the running architecture', () => {
    const arm64 = prebuiltPackages({ platform: 'linux', arch: 'arm64' });
    expect(arm64.cpu).toEqual(['@node-llama-cpp/linux-arm64']);
    expect(arm64.cuda).toContain('@node-llama-cpp/linux-arm64-cuda');
    expect(prebuiltPackages({ platform: 'linux', arch: 'arm' }).cpu).toEqual(['@node-llama-cpp/linux-armv7l']);
    const arm64Only = facts({ packages: ['@node-llama-cpp/linux-arm64', '@node-llama-cpp/linux-arm64-cuda'] });
    expect(gpuCapabilities(arm64Only, { platform: 'linux', arch: 'arm64' })).toEqual(['inference.local', 'gpu.cuda']);
    expect(gpuCapabilities(arm64Only, LINUX_X64)).toEqual([]);
  });

  describe('facts read from the file system', () => {
    let root: TempDir;

    const touch = async (...parts: string[]) => {
      const path = join(root.path, ...parts);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, '');
    };

    beforeEach(async () => {
      root = await makeTempDir();
    });

    afterEach(() => root.remove());

    it('finds the NVIDIA device, a hardware Vulkan driver and a render node', async () => {
      await touch('dev', 'nvidiactl');
      await touch('usr', 'share', 'vulkan', 'icd.d', 'nvidia_icd.json');
      await touch('dev', 'dri', 'card0');
      await touch('dev', 'dri', 'renderD128');
      expect(probeGpuFacts(root.path, () => false)).toEqual(
        jasmine.objectContaining({ nvidiaDevice: true, vulkanDriver: true, renderNode: true }),
      );
    });

    it('counts neither llvmpipe, which runs on the CPU, nor a card without a render node', async () => {
      await touch('usr', 'share', 'vulkan', 'icd.d', 'lvp_icd.x86_64.json');
      await touch('etc', 'vulkan', 'icd.d', 'README');
      await touch('dev', 'dri', 'card0');
      expect(probeGpuFacts(root.path, () => false)).toEqual(
        jasmine.objectContaining({ nvidiaDevice: false, vulkanDriver: false, renderNode: false }),
      );
    });

    it('finds drivers in /etc/vulkan/icd.d too, and says nothing of an empty machine', async () => {
      expect(probeGpuFacts(root.path, () => false)).toEqual(
        jasmine.objectContaining({ nvidiaDevice: false, vulkanDriver: false, renderNode: false }),
      );
      await touch('etc', 'vulkan', 'icd.d', 'radeon_icd.x86_64.json');
      expect(probeGpuFacts(root.path, () => false).vulkanDriver).toBeTrue();
    });

    it('tells installed packages by resolving them', () => {
      const { installed } = probeGpuFacts(root.path);
      const [cpu] = prebuiltPackages({ platform: 'linux', arch: process.arch }).cpu;
      expect(installed(cpu!)).toBeTrue();
      expect(installed('@node-llama-cpp/no-such-build')).toBeFalse();
    });
  });
});
