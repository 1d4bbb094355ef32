// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A stand-in for a GPU that cannot run here: an NVIDIA H100 (sm_90) whose
// driver 580 (CUDA 13.0) cannot compile the PTX in node-llama-cpp 3.22.1's
// prebuilt CUDA backend (PTX for CUDA 13.1). llama.cpp fails on its first
// kernel and aborts the process; the stand-in prints what ggml's CUDA backend
// prints then (ggml_cuda_error with the CUDA runtime's text for
// cudaErrorUnsupportedPtxVersion, then GGML_ABORT) and aborts the same way.
// The backend probe loads it through STEWARD_TEST_BACKEND_STAND_IN; the GPU
// facts come from a tree of the test's own (STEWARD_TEST_GPU_ROOT) and a
// stand-in nvidia-smi on PATH.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const GGML_CUDA = '/home/runner/work/node-llama-cpp/node-llama-cpp/llama/llama.cpp/ggml/src/ggml-cuda/ggml-cuda.cu';

export const PTX_FAILURE_OUTPUT = [
  'ggml_cuda_compute_forward: MUL_MAT failed',
  'CUDA error: the provided PTX was compiled with an unsupported toolchain.',
  `  current device: 0, in function ggml_cuda_compute_forward at ${GGML_CUDA}:2527`,
  '  err',
  `${GGML_CUDA}:90: CUDA error`,
].join('\n');

const LOADER = `
import { writeSync } from 'node:fs';
export const backends = ['cuda'];
export async function load() {
  writeSync(2, ${JSON.stringify(`${PTX_FAILURE_OUTPUT}\n`)});
  process.abort();
}
`;

export const DRIVER_VERSION = '580.159.04';
const PROC_VERSION = `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  ${DRIVER_VERSION}  Release Build  (dvs-builder@U22-I3-AE18-23-3)  Fri Oct 31 2025\nGCC version:  gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)\n`;

export interface PtxFailureMachine {
  /** STEWARD_TEST_GPU_ROOT: /dev/nvidiactl and the driver's version file; no Vulkan driver. */
  gpuRoot: string;
  /** STEWARD_TEST_BACKEND_STAND_IN. */
  loader: string;
  /** A directory to put first on PATH: its nvidia-smi answers for the H100. */
  bin: string;
}

export async function writePtxFailureMachine(directory: string): Promise<PtxFailureMachine> {
  const gpuRoot = join(directory, 'gpu-root');
  const bin = join(directory, 'bin');
  await mkdir(join(gpuRoot, 'dev'), { recursive: true });
  await mkdir(join(gpuRoot, 'proc', 'driver', 'nvidia'), { recursive: true });
  await mkdir(bin, { recursive: true });
  await writeFile(join(gpuRoot, 'dev', 'nvidiactl'), '');
  await writeFile(join(gpuRoot, 'proc', 'driver', 'nvidia', 'version'), PROC_VERSION);
  const loader = join(directory, 'ptx-failure-stand-in.mjs');
  await writeFile(loader, LOADER);
  // What nvidia-smi 580 answers to --query-gpu=name,compute_cap --format=csv,noheader on an H100.
  await writeFile(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA H100 80GB HBM3, 9.0"\n');
  await chmod(join(bin, 'nvidia-smi'), 0o755);
  return { gpuRoot, loader, bin };
}
