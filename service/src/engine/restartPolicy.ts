// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { backoffDelay, type BackoffOptions } from '../restartBackoff.js';
import type { GpuSetting } from './protocol.js';

export interface RestartPolicyOptions extends BackoffOptions {
  /** Crashes in a row with a GPU backend after which the engine uses the CPU only. */
  gpuCrashLimit: number;
  /**
   * Crashes in a row after which requests waiting in line fail rather than wait for yet another
   * worker: one crash moves them to the next worker, a worker that keeps crashing must not hold them forever.
   */
  waitingCrashLimit?: number;
}

const DEFAULT_WAITING_CRASH_LIMIT = 3;

export const defaultRestartPolicy: RestartPolicyOptions = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  gpuCrashLimit: 2,
  waitingCrashLimit: DEFAULT_WAITING_CRASH_LIMIT,
};

/**
 * Decides how the supervisor restarts a worker that crashed: after a growing
 * wait, and, when a GPU backend keeps crashing, on the CPU (GPU drivers and
 * backends are the most common cause of native crashes in llama.cpp).
 */
export class RestartPolicy {
  private crashesInARow = 0;
  private gpuCrashesInARow = 0;
  private fallbackReason: string | null = null;

  constructor(private readonly options: RestartPolicyOptions = defaultRestartPolicy) {}

  /** `backend`: the GPU backend the worker used (or may have used: 'auto' before it reported), or 'cpu'. */
  recordCrash(backend: string): void {
    this.crashesInARow++;
    if (backend === 'cpu') return;
    this.gpuCrashesInARow++;
    if (this.gpuCrashesInARow >= this.options.gpuCrashLimit && this.fallbackReason === null) {
      this.fallbackReason = `the ${backend === 'auto' ? 'GPU' : backend} backend stopped unexpectedly ${this.gpuCrashesInARow} times in a row, so the CPU is used instead`;
    }
  }

  /** A request finished: the worker works, so later crashes start a new count. */
  recordSuccess(): void {
    this.crashesInARow = 0;
    this.gpuCrashesInARow = 0;
  }

  /** True once the worker crashed so often in a row that waiting requests should fail rather than wait on. */
  get givesUpOnWaiting(): boolean {
    return this.crashesInARow >= (this.options.waitingCrashLimit ?? DEFAULT_WAITING_CRASH_LIMIT);
  }

  /** How long to wait before starting the next worker. */
  get delayMs(): number {
    return backoffDelay(this.crashesInARow, this.options);
  }

  /** The GPU setting for the next worker: the configured one, unless GPU crashes forced the CPU. */
  gpuSetting(configured: GpuSetting): GpuSetting {
    return this.fallbackReason === null ? configured : false;
  }

  /** Why the engine runs on the CPU although the configuration allows a GPU; null when it does not. */
  get cpuFallbackReason(): string | null {
    return this.fallbackReason;
  }
}
