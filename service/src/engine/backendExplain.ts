// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Turns how a backend probe ended into a sentence for people, and says what
// would make that backend work: the driver it needs, or the command that
// builds llama.cpp's CUDA backend for this card.
import type { ProbeOutcome } from './backendProbe.js';
import type { ProbedBackend } from './backendProbeProtocol.js';
import { type NvidiaFacts, smName } from './nvidiaFacts.js';

/**
 * What node-llama-cpp's prebuilt CUDA backend holds, by node-llama-cpp version, as read from its
 * libggml-cuda.so: machine code for some architectures and PTX for others, which only a driver for the
 * PTX's CUDA version (or later) can compile. A card whose architecture has no machine code needs that driver.
 */
export interface CudaPrebuilt {
  machineCode: string[];
  ptxCudaVersion: string;
  /** The first Linux driver of that CUDA version (NVIDIA's CUDA toolkit release notes). */
  ptxMinimumDriver: string;
}

export const CUDA_PREBUILTS: Readonly<Record<string, CudaPrebuilt>> = {
  '3.22.1': { machineCode: ['8.6', '8.9', '12.0', '12.1'], ptxCudaVersion: '13.1', ptxMinimumDriver: '590.44.01' },
};

export interface Explanation {
  /** Why the backend is not used, for people: "this driver cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1)". */
  reason: string;
  /** What would make it work, or null when nothing the user can do here would (no such device). */
  remedy: string | null;
}

export interface ExplainContext {
  nvidia: NvidiaFacts;
  prebuilt: CudaPrebuilt | undefined;
  /** The directory whose node_modules holds node-llama-cpp: where its source build runs. */
  installRoot: string;
}

const PTX_UNSUPPORTED = /UNSUPPORTED_PTX_VERSION|PTX was compiled with an unsupported toolchain/i;
const NO_KERNEL_IMAGE = /NO_BINARY_FOR_GPU|no kernel image is available/i;
const NOT_COMPATIBLE = /is not compatible with the current system/i;
const CUDA_ERROR = /CUDA error: (.+)/;

const BACKEND_NAMES: Record<ProbedBackend, string> = { cuda: 'CUDA', vulkan: 'Vulkan', cpu: 'the CPU' };
export const backendName = (backend: ProbedBackend) => BACKEND_NAMES[backend];

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The one command that builds llama.cpp's CUDA backend from the source node-llama-cpp bundles, for the
 * card in this machine (its native architecture), with the CUDA toolkit's nvcc. The service's 'never'
 * build setting still finds it: node-llama-cpp looks for a local build before its prebuilt ones.
 */
export function cudaBuildCommand(installRoot: string): string {
  return `cd ${shellQuote(installRoot)} && npx --no node-llama-cpp source download --gpu cuda`;
}

function cardOf(nvidia: NvidiaFacts): string {
  const sms = [...new Set(nvidia.gpus.map((gpu) => smName(gpu.computeCapability)))];
  return sms.length > 0 ? sms.join(', ') : 'this card';
}

function explainCuda(outcome: Exclude<ProbeOutcome, { result: 'works' }>, context: ExplainContext): Explanation {
  const { nvidia, prebuilt, installRoot } = context;
  const build = `build the CUDA backend for this card (needs the CUDA toolkit): ${cudaBuildCommand(installRoot)}`;
  const text = `${outcome.message}\n${outcome.output}`;
  if (outcome.result === 'unavailable') {
    if (!nvidia.driverVersion) return { reason: 'no NVIDIA driver is loaded', remedy: null };
    return {
      reason: NOT_COMPATIBLE.test(text)
        ? `the prebuilt CUDA build does not load with driver ${nvidia.driverVersion} (the CUDA driver library or runtime is missing)`
        : `the CUDA build does not load: ${outcome.message}`,
      remedy: `install the NVIDIA driver's CUDA library (libcuda.so.1), or ${build}`,
    };
  }
  const driver = nvidia.driverVersion ? ` (${nvidia.driverVersion})` : '';
  if (PTX_UNSUPPORTED.test(text)) {
    const needs = prebuilt ? ` (needs CUDA ${prebuilt.ptxCudaVersion})` : '';
    const update = prebuilt
      ? `update the NVIDIA driver to one for CUDA ${prebuilt.ptxCudaVersion} or later (${prebuilt.ptxMinimumDriver} or newer), or `
      : '';
    return {
      reason: `this driver${driver} cannot run the prebuilt kernels for ${cardOf(nvidia)}${needs}`,
      remedy: `${update}${build}`,
    };
  }
  if (NO_KERNEL_IMAGE.test(text)) {
    return { reason: `the prebuilt kernels hold no code for ${cardOf(nvidia)}`, remedy: build };
  }
  const cudaError = CUDA_ERROR.exec(text)?.[1]?.trim();
  return {
    reason: `the prebuilt CUDA backend failed on ${cardOf(nvidia)}: ${cudaError ?? outcome.message}`,
    remedy: build,
  };
}

function explainVulkan(outcome: Exclude<ProbeOutcome, { result: 'works' }>): Explanation {
  if (outcome.result === 'unavailable') {
    return {
      reason: NOT_COMPATIBLE.test(outcome.output)
        ? 'the Vulkan build does not load (no Vulkan loader, or no Vulkan driver for this GPU)'
        : `the Vulkan build does not load: ${outcome.message}`,
      remedy: "install the Vulkan loader (libvulkan1) and the GPU's Vulkan driver",
    };
  }
  const firstError = outcome.output
    .split('\n')
    .find((line) => /error/i.test(line))
    ?.trim();
  return { reason: `the Vulkan backend failed: ${firstError ?? outcome.message}`, remedy: null };
}

export function explainFailure(
  backend: ProbedBackend,
  outcome: Exclude<ProbeOutcome, { result: 'works' }>,
  context: ExplainContext,
): Explanation {
  if (backend === 'cuda') return explainCuda(outcome, context);
  if (backend === 'vulkan') return explainVulkan(outcome);
  return { reason: `llama.cpp does not run on this processor: ${outcome.message}`, remedy: null };
}
