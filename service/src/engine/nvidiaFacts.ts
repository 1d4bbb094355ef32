// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the NVIDIA driver says of itself and its cards: the driver version
// (from the kernel module) and each card's name and compute capability (from
// nvidia-smi, which the driver ships). The backend choice is remembered per
// these, and a CUDA failure is explained with them.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NvidiaGpu {
  name: string;
  /** "9.0" for an H100: the sm_90 of CUDA's kernels. */
  computeCapability: string;
}

export interface NvidiaFacts {
  /** "580.159.04"; null when no NVIDIA kernel module is loaded. */
  driverVersion: string | null;
  gpus: NvidiaGpu[];
}

/** The version in /proc/driver/nvidia/version: "NVRM version: NVIDIA UNIX [Open ]Kernel Module [for x86_64]  580.159.04  …". */
export function parseDriverVersion(text: string): string | null {
  return /Kernel Module(?: for \S+)?\s+(\d+(?:\.\d+)+)/.exec(text)?.[1] ?? null;
}

/** Lines of `nvidia-smi --query-gpu=name,compute_cap --format=csv,noheader`: "NVIDIA H100 80GB HBM3, 9.0". */
export function parseGpuList(text: string): NvidiaGpu[] {
  return text
    .split('\n')
    .map((line) => /^(?<name>.+),\s*(?<capability>\d+\.\d+)\s*$/.exec(line.trim())?.groups)
    .filter((groups): groups is Record<'name' | 'capability', string> => groups !== undefined)
    .map(({ name, capability }) => ({ name: name.trim(), computeCapability: capability }));
}

function nvidiaSmi(): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,compute_cap', '--format=csv,noheader'],
      { timeout: 5000 },
      (error, stdout) => resolve(error ? '' : stdout),
    );
  });
}

/** `root` stands for `/` (a test points it at a tree of its own); nvidia-smi is found on PATH. */
export async function readNvidiaFacts(root = '/'): Promise<NvidiaFacts> {
  const version = await readFile(join(root, 'proc', 'driver', 'nvidia', 'version'), 'utf8').catch(() => '');
  const driverVersion = parseDriverVersion(version);
  return { driverVersion, gpus: driverVersion ? parseGpuList(await nvidiaSmi()) : [] };
}

/** "sm_90" for "9.0". */
export const smName = (computeCapability: string) => `sm_${computeCapability.replace('.', '')}`;
