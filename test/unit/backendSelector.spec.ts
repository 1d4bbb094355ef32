// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The backend chain's decisions, with the probes' outcomes given: which
// backend is chosen, what is said about the others, what is remembered. The
// probes themselves run for real in test/integration/backendChoice.spec.ts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { GpuFacts } from '../../service/src/core/gpuCapabilities.js';
import { CUDA_PREBUILTS, cudaBuildCommand, explainFailure } from '../../service/src/engine/backendExplain.js';
import type { ProbeOutcome } from '../../service/src/engine/backendProbe.js';
import type { ProbedBackend } from '../../service/src/engine/backendProbeProtocol.js';
import { BackendSelector } from '../../service/src/engine/backendSelector.js';
import { type NvidiaFacts, parseDriverVersion, parseGpuList } from '../../service/src/engine/nvidiaFacts.js';
import { createLogger } from '../../service/src/logging.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PTX_ABORT: ProbeOutcome = {
  result: 'failed',
  message: 'it stopped with signal SIGABRT',
  output:
    'ggml_cuda_compute_forward: MUL_MAT failed\nCUDA error: the provided PTX was compiled with an unsupported toolchain.\n  current device: 0, in function ggml_cuda_compute_forward at ggml-cuda.cu:2527\n  err\nggml-cuda.cu:90: CUDA error',
  signal: 'SIGABRT',
};
const H100: NvidiaFacts = {
  driverVersion: '580.159.04',
  gpus: [{ name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' }],
};
const WORKS_ON_H100: ProbeOutcome = {
  result: 'works',
  devices: ['NVIDIA H100 80GB HBM3'],
  vram: { total: 80e9, free: 79e9 },
};
const CPU_WORKS: ProbeOutcome = { result: 'works', devices: [], vram: { total: 0, free: 0 } };

const everything: GpuFacts = { nvidiaDevice: true, vulkanDriver: true, renderNode: true, installed: () => true };

describe('the inference backend chain', () => {
  let dir: TempDir;
  let probed: ProbedBackend[];

  beforeEach(async () => {
    dir = await makeTempDir();
    probed = [];
  });

  afterEach(async () => {
    await dir.remove();
  });

  function selector(
    outcomes: Partial<Record<ProbedBackend, ProbeOutcome>>,
    facts: GpuFacts = everything,
    nvidia: NvidiaFacts = H100,
  ): BackendSelector {
    return new BackendSelector({
      facts: () => facts,
      nvidia: () => Promise.resolve(nvidia),
      probe: (backend) => {
        probed.push(backend);
        const outcome = outcomes[backend];
        if (!outcome) throw new Error(`no outcome for ${backend}`);
        return Promise.resolve(outcome);
      },
      cacheFile: join(dir.path, 'cache', 'inference-backend.json'),
      nodeLlamaCppVersion: '3.22.1',
      installRoot: '/usr/lib/steward',
      localBuilds: () => Promise.resolve(''),
      prebuilt: CUDA_PREBUILTS['3.22.1'],
      platform: { platform: 'linux', arch: 'x64' },
      log: createLogger({ level: 'error', journal: false, write: () => {} }),
    });
  }

  it('uses CUDA when its probe runs, and probes nothing after it', async () => {
    const choice = await selector({ cuda: WORKS_ON_H100 }).choose('auto');
    expect(probed).toEqual(['cuda']);
    expect(choice.backend).toBe('cuda');
    expect(choice.summary).toBe('using CUDA (NVIDIA H100 80GB HBM3)');
    expect(choice.remedy).toBeNull();
    expect(choice.vram.free).toBe(79e9);
  });

  it('falls to Vulkan when the prebuilt CUDA kernels cannot run on the card, and says what would make CUDA work', async () => {
    const choice = await selector({ cuda: PTX_ABORT, vulkan: WORKS_ON_H100 }).choose('auto');
    expect(probed).toEqual(['cuda', 'vulkan']);
    expect(choice.backend).toBe('vulkan');
    expect(choice.summary).toBe(
      'CUDA: this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1); using Vulkan (NVIDIA H100 80GB HBM3)',
    );
    expect(choice.remedy).toBe(
      'To use CUDA: update the NVIDIA driver to one for CUDA 13.1 or later (590.44.01 or newer), or build the CUDA backend for this card (needs the CUDA toolkit): cd /usr/lib/steward && npx --no node-llama-cpp source download --gpu cuda',
    );
  });

  it('skips a backend whose device is not here, without a probe, and the CPU then needs none', async () => {
    const choice = await selector({}, { ...everything, nvidiaDevice: false, renderNode: false }).choose('auto');
    expect(probed).toEqual([]);
    expect(choice.backend).toBe('cpu');
    expect(choice.steps.map(({ backend, result }) => `${backend} ${result}`)).toEqual([
      'cuda skipped',
      'vulkan skipped',
      'cpu works',
    ]);
    expect(choice.summary).toBe('CUDA: no NVIDIA driver is loaded; Vulkan: no Vulkan driver for a GPU; using the CPU');
  });

  it('probes the CPU after a GPU failed, and falls back to a named GPU’s CPU only', async () => {
    const choice = await selector({ cuda: PTX_ABORT, cpu: CPU_WORKS }).choose('cuda');
    expect(probed).toEqual(['cuda', 'cpu']);
    expect(choice.backend).toBe('cpu');
  });

  it('remembers a choice per driver and GPU, and probes again for another driver', async () => {
    await selector({ cuda: PTX_ABORT, vulkan: WORKS_ON_H100 }).choose('auto');
    const again = await selector({}).choose('auto');
    expect(again.backend).toBe('vulkan');
    expect(probed).toEqual(['cuda', 'vulkan']);
    expect(await readFile(join(dir.path, 'cache', 'inference-backend.json'), 'utf8')).toContain('580.159.04');
    const newDriver = await selector({ cuda: WORKS_ON_H100 }, everything, {
      ...H100,
      driverVersion: '590.44.01',
    }).choose('auto');
    expect(newDriver.backend).toBe('cuda');
  });

  it('does not remember a build that did not load: the driver may only have been early', async () => {
    const unavailable: ProbeOutcome = {
      result: 'unavailable',
      message: 'NoBinaryFoundError',
      output:
        '[node-llama-cpp] The prebuilt binary for platform "linux" "x64" with CUDA support is not compatible with the current system, falling back to using no GPU',
    };
    await selector({ cuda: unavailable, vulkan: WORKS_ON_H100 }).choose('auto');
    await selector({ cuda: WORKS_ON_H100 }).choose('auto');
    expect(probed).toEqual(['cuda', 'vulkan', 'cuda']);
  });

  it('probes again over a damaged memory', async () => {
    await mkdir(join(dir.path, 'cache'), { recursive: true });
    const file = join(dir.path, 'cache', 'inference-backend.json');
    await selector({ cuda: WORKS_ON_H100 }).choose('auto');
    const [key] = Object.keys(JSON.parse(await readFile(file, 'utf8')) as object);
    await writeFile(file, JSON.stringify({ [key!]: { backend: 'cuda', steps: 'all of them' } }));
    expect((await selector({ cuda: WORKS_ON_H100 }).choose('auto')).backend).toBe('cuda');
    await writeFile(file, 'not JSON');
    await selector({ cuda: WORKS_ON_H100 }).choose('auto');
    expect(probed).toEqual(['cuda', 'cuda', 'cuda']);
  });

  it('probes once however many ask at the same time', async () => {
    const chooser = selector({ cuda: WORKS_ON_H100 });
    await Promise.all([chooser.choose('auto'), chooser.choose('auto')]);
    expect(probed).toEqual(['cuda']);
    expect(chooser.latest?.backend).toBe('cuda');
  });
});

describe('explaining a CUDA failure', () => {
  const context = { nvidia: H100, prebuilt: CUDA_PREBUILTS['3.22.1'], installRoot: '/home/a b/steward' };

  it('names a card the prebuilt kernels hold no code for', () => {
    const explained = explainFailure(
      'cuda',
      { ...PTX_ABORT, output: 'CUDA error: no kernel image is available for execution on the device' },
      context,
    );
    expect(explained.reason).toBe('the prebuilt kernels hold no code for sm_90');
    expect(explained.remedy).toContain("cd '/home/a b/steward' && npx --no node-llama-cpp source download --gpu cuda");
  });

  it('quotes the CUDA error of another crash', () => {
    const explained = explainFailure(
      'cuda',
      { ...PTX_ABORT, output: 'CUDA error: out of memory\n  current device: 0' },
      context,
    );
    expect(explained.reason).toBe('the prebuilt CUDA backend failed on sm_90: out of memory');
  });

  it('offers nothing to do about a missing NVIDIA driver', () => {
    const explained = explainFailure(
      'cuda',
      { result: 'unavailable', message: 'NoBinaryFoundError', output: '' },
      { ...context, nvidia: { driverVersion: null, gpus: [] } },
    );
    expect(explained).toEqual({ reason: 'no NVIDIA driver is loaded', remedy: null });
  });

  it('leaves a plain path unquoted in the build command', () => {
    expect(cudaBuildCommand('/opt/steward')).toBe(
      'cd /opt/steward && npx --no node-llama-cpp source download --gpu cuda',
    );
  });
});

describe('the NVIDIA driver facts', () => {
  it('reads the driver version of the proprietary and the open kernel module', () => {
    expect(
      parseDriverVersion('NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024'),
    ).toBe('550.54.14');
    expect(
      parseDriverVersion('NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build'),
    ).toBe('580.159.04');
    expect(parseDriverVersion('')).toBeNull();
  });

  it('reads each card and its compute capability from nvidia-smi', () => {
    expect(parseGpuList('NVIDIA H100 80GB HBM3, 9.0\nNVIDIA GeForce RTX 2060, 7.5\n')).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' },
      { name: 'NVIDIA GeForce RTX 2060', computeCapability: '7.5' },
    ]);
  });
});
