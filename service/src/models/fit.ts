// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';

export type Backend = 'cpu' | 'cuda' | 'vulkan' | 'metal';

export interface Hardware {
  totalRamBytes: number;
  freeRamBytes: number;
  /** Free VRAM of the GPU llama.cpp would use; 0 without one. */
  vramBytes: number;
  backend: Backend;
}

/**
 * RAM the system can give without swapping: the kernel's MemAvailable, which counts the page cache it
 * would drop (os.freemem() counts only unused pages, a fraction of that on a desktop that has run a while).
 */
export function availableRam(meminfo = '/proc/meminfo'): number {
  try {
    const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync(meminfo, 'utf8'))?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // Not Linux, or /proc not mounted: what Node.js says.
  }
  return freemem();
}

/** RAM comes from the OS; VRAM and backend from the backend probe, which ran llama.cpp on the GPU. */
export function surveyHardware(gpu: { vramBytes?: number; backend?: Backend } = {}): Hardware {
  const backend = gpu.backend ?? 'cpu';
  return {
    totalRamBytes: totalmem(),
    freeRamBytes: availableRam(),
    vramBytes: backend === 'cpu' ? 0 : (gpu.vramBytes ?? 0),
    backend,
  };
}

export type SpeedClass = 'fast' | 'usable' | 'slow' | 'too-large';
export type Placement = 'gpu' | 'cpu' | 'none';

export interface FitAssessment {
  /** Weights plus KV cache for DEFAULT_CONTEXT tokens plus runtime overhead. */
  requiredBytes: number;
  fitsRam: boolean;
  fitsVram: boolean;
  placement: Placement;
  /** A rough generation speed; only good for telling fast from slow models. */
  estimatedTokensPerSecond: number;
  speedClass: SpeedClass;
}

const GIB = 1024 ** 3;
/** The context a desktop assistant typically runs with; the estimate sizes the KV cache for it. */
export const DEFAULT_CONTEXT = 4096;
export const RUNTIME_OVERHEAD_BYTES = 0.25 * GIB;
// Generating a token reads every weight once, so speed is about memory bandwidth / model size.
// Conservative effective bandwidths: a laptop's dual-channel RAM, and a modest discrete GPU.
const CPU_BANDWIDTH = 20e9;
const GPU_BANDWIDTH = 150e9;
const FAST_TOKENS_PER_SECOND = 15;
const USABLE_TOKENS_PER_SECOND = 5;

export function estimateRequiredBytes(
  fileBytes: number,
  kvCacheBytesPerToken: number | undefined,
  contextLength = DEFAULT_CONTEXT,
): number {
  const context = Math.min(contextLength, DEFAULT_CONTEXT);
  // Without the architecture's numbers, a tenth of the weights is the usual order of a 4k cache.
  const kvCache = kvCacheBytesPerToken ? kvCacheBytesPerToken * context : fileBytes * 0.1;
  return fileBytes + kvCache + RUNTIME_OVERHEAD_BYTES;
}

/** RAM a model may use: the rest stays for the desktop and its applications. */
export function ramBudget(totalRamBytes: number): number {
  const reserve = Math.min(Math.max(totalRamBytes * 0.25, 1 * GIB), 4 * GIB);
  return Math.max(totalRamBytes - reserve, 0);
}

/** RAM a model may take now: within the budget, and no more than the system has available. */
export function ramLimit(hardware: Hardware): number {
  return Math.min(ramBudget(hardware.totalRamBytes), hardware.freeRamBytes);
}

/** VRAM a model may take: llama.cpp needs some for its own buffers beyond the estimate. */
export const vramLimit = (hardware: Hardware) => hardware.vramBytes * 0.9;

export function assessFit(requiredBytes: number, weightBytes: number, hardware: Hardware): FitAssessment {
  const fitsVram = hardware.vramBytes > 0 && requiredBytes <= vramLimit(hardware);
  const fitsRam = requiredBytes <= ramLimit(hardware);
  const placement: Placement = fitsVram ? 'gpu' : fitsRam ? 'cpu' : 'none';
  const bandwidth = placement === 'gpu' ? GPU_BANDWIDTH : CPU_BANDWIDTH;
  const estimatedTokensPerSecond = Math.round((bandwidth / Math.max(weightBytes, 1)) * 10) / 10;
  return {
    requiredBytes,
    fitsRam,
    fitsVram,
    placement,
    estimatedTokensPerSecond,
    speedClass: placement === 'none' ? 'too-large' : speedClassOf(estimatedTokensPerSecond),
  };
}

function speedClassOf(tokensPerSecond: number): SpeedClass {
  if (tokensPerSecond >= FAST_TOKENS_PER_SECOND) return 'fast';
  if (tokensPerSecond >= USABLE_TOKENS_PER_SECOND) return 'usable';
  return 'slow';
}
