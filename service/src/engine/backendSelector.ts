// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Chooses the llama.cpp backend by what runs, not by what is installed: each
// candidate (CUDA, then Vulkan, then the CPU) is probed in a throw-away
// process until one works, so a prebuilt build that cannot drive this card
// never takes the real worker down. The choice is remembered per
// node-llama-cpp version, driver and GPU, so the probes run once per change.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { z } from 'zod';

import type { GpuFacts, Platform } from '../core/gpuCapabilities.js';
import { prebuiltPackages } from '../core/gpuCapabilities.js';
import type { Logger } from '../logging.js';
import { backendName, type CudaPrebuilt, explainFailure } from './backendExplain.js';
import type { ProbeOutcome } from './backendProbe.js';
import { type ProbedBackend, probedBackendSchema } from './backendProbeProtocol.js';
import type { NvidiaFacts } from './nvidiaFacts.js';
import type { GpuSetting } from './protocol.js';

const backendStepSchema = z.object({
  backend: probedBackendSchema,
  /** 'skipped': its device or build is not here, so it was not probed. */
  result: z.enum(['works', 'failed', 'unavailable', 'skipped']),
  /** Why it is not used, or what it runs on when it works. */
  reason: z.string(),
});
export type BackendStep = z.infer<typeof backendStepSchema>;

const backendChoiceSchema = z.object({
  backend: probedBackendSchema,
  /** The backends in the order they were tried, up to the one chosen. */
  steps: z.array(backendStepSchema),
  /** One line: "CUDA: this driver cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1); using Vulkan". */
  summary: z.string(),
  /** What would make a faster backend work ("To use CUDA: …"), or null. */
  remedy: z.string().nullable(),
  devices: z.array(z.string()),
  /** The chosen backend's VRAM as llama.cpp saw it in the probe; zeros on the CPU. */
  vram: z.object({ total: z.number().nonnegative(), free: z.number().nonnegative() }),
  /** When the probes ran, ms since the epoch: a remembered choice keeps its time. */
  probedAt: z.number().int().nonnegative(),
});
export type BackendChoice = z.infer<typeof backendChoiceSchema>;

/** The file's entries that are choices; a damaged or older file only costs a probe. */
const cacheSchema = z.record(z.string(), z.unknown()).transform((entries) =>
  Object.fromEntries(
    Object.entries(entries).flatMap(([key, value]) => {
      const parsed = backendChoiceSchema.safeParse(value);
      return parsed.success ? [[key, parsed.data] as const] : [];
    }),
  ),
);

export interface BackendSelectorOptions {
  facts(): GpuFacts;
  nvidia(): Promise<NvidiaFacts>;
  probe(backend: ProbedBackend): Promise<ProbeOutcome>;
  /** A JSON file under the cache directory. */
  cacheFile: string;
  nodeLlamaCppVersion: string;
  /** Where node-llama-cpp's source build would run (the directory holding its node_modules). */
  installRoot: string;
  /** Changes when a local llama.cpp build appears (node-llama-cpp prefers one to its prebuilt builds). */
  localBuilds(): Promise<string>;
  prebuilt: CudaPrebuilt | undefined;
  platform: Platform;
  log: Logger;
}

const ORDER: Record<'auto' | 'cuda' | 'vulkan', ProbedBackend[]> = {
  auto: ['cuda', 'vulkan', 'cpu'],
  cuda: ['cuda', 'cpu'],
  vulkan: ['vulkan', 'cpu'],
};
const CACHE_ENTRIES_KEPT = 8;

/** The GPU setting the worker gets for a chosen backend. */
export const gpuSettingOf = (backend: ProbedBackend): GpuSetting => (backend === 'cpu' ? false : backend);

export class BackendSelector {
  private readonly choices = new Map<string, Promise<BackendChoice>>();
  private latestChoice: BackendChoice | null = null;

  constructor(private readonly options: BackendSelectorOptions) {}

  /** The last choice made (probed or remembered); null before any. */
  get latest(): BackendChoice | null {
    return this.latestChoice;
  }

  /** The backend for `configured` ('auto', or a GPU the user named, which still falls back to the CPU). */
  choose(configured: 'auto' | 'cuda' | 'vulkan'): Promise<BackendChoice> {
    let choice = this.choices.get(configured);
    if (!choice) {
      choice = this.resolve(ORDER[configured]).then((made) => (this.latestChoice = made));
      // A failed attempt (an unwritable cache, say) is tried again next time.
      choice.catch(() => this.choices.delete(configured));
      this.choices.set(configured, choice);
    }
    return choice;
  }

  private async resolve(order: ProbedBackend[]): Promise<BackendChoice> {
    const facts = this.options.facts();
    const nvidia = await this.options.nvidia();
    const key = JSON.stringify({
      order,
      nodeLlamaCpp: this.options.nodeLlamaCppVersion,
      driver: nvidia.driverVersion,
      gpus: nvidia.gpus,
      devices: { nvidia: facts.nvidiaDevice, vulkan: facts.vulkanDriver && facts.renderNode },
      localBuilds: await this.options.localBuilds(),
    });
    const remembered = (await this.readCache())[key];
    if (remembered) {
      this.options.log.info('inference backend remembered', { backend: remembered.backend, why: remembered.summary });
      return remembered;
    }
    const choice = await this.probeInOrder(order, facts, nvidia);
    this.options.log.info('inference backend chosen', {
      backend: choice.backend,
      why: choice.summary,
      ...(choice.remedy && { remedy: choice.remedy }),
    });
    // A build that did not load may only be early (the NVIDIA module not ready at login): probe it again next time.
    // A choice no GPU probe went into (no GPU here) costs nothing to make again, and leaves no file behind.
    const probedGpu = choice.steps.some(
      (step) => step.backend !== 'cpu' && (step.result === 'works' || step.result === 'failed'),
    );
    if (probedGpu && !choice.steps.some((step) => step.result === 'unavailable')) await this.remember(key, choice);
    return choice;
  }

  private missing(backend: ProbedBackend, facts: GpuFacts): string | null {
    const packages = prebuiltPackages(this.options.platform);
    const installed = (names: string[]) => names.some((name) => facts.installed(name));
    if (backend === 'cuda') {
      if (!facts.nvidiaDevice) return 'no NVIDIA driver is loaded';
      if (!installed(packages.cuda)) return 'node-llama-cpp’s CUDA build is not installed';
    }
    if (backend === 'vulkan') {
      if (!facts.vulkanDriver || !facts.renderNode) return 'no Vulkan driver for a GPU';
      if (!installed(packages.vulkan)) return 'node-llama-cpp’s Vulkan build is not installed';
    }
    return null;
  }

  private async probeInOrder(order: ProbedBackend[], facts: GpuFacts, nvidia: NvidiaFacts): Promise<BackendChoice> {
    const steps: BackendStep[] = [];
    let remedy: string | null = null;
    let probedAny = false;
    for (const backend of order) {
      const last = backend === order[order.length - 1];
      const missing = this.missing(backend, facts);
      if (missing) {
        steps.push({ backend, result: 'skipped', reason: missing });
        continue;
      }
      // The CPU needs no probe when nothing was tried before it: the real worker is the first to run.
      if (backend === 'cpu' && !probedAny)
        return this.made(steps, backend, 'used without a probe: no GPU to try first', remedy, [], null);
      probedAny = true;
      const outcome = await this.options.probe(backend);
      if (outcome.result === 'works') {
        const on = outcome.devices.length > 0 ? `works on ${outcome.devices.join(', ')}` : 'works';
        return this.made(steps, backend, on, remedy, outcome.devices, outcome.vram);
      }
      this.options.log.warning('inference backend probe failed', {
        backend,
        result: outcome.result,
        message: outcome.message,
        output: outcome.output.slice(-1000),
      });
      const explained = explainFailure(backend, outcome, {
        nvidia,
        prebuilt: this.options.prebuilt,
        installRoot: this.options.installRoot,
      });
      steps.push({ backend, result: outcome.result, reason: explained.reason });
      remedy ??= explained.remedy && `To use ${backendName(backend)}: ${explained.remedy}`;
      // Nothing after the CPU: the worker gets the CPU and says why it failed.
      if (last) return this.made(steps, backend, explained.reason, remedy, [], null, false);
    }
    return this.made(steps, 'cpu', 'nothing else to try', remedy, [], null);
  }

  private made(
    steps: BackendStep[],
    backend: ProbedBackend,
    reason: string,
    remedy: string | null,
    devices: string[],
    vram: { total: number; free: number } | null,
    works = true,
  ): BackendChoice {
    const all = works ? [...steps, { backend, result: 'works' as const, reason }] : steps;
    const before = all
      .filter((step) => step.result !== 'works')
      .map((step) => `${backendName(step.backend)}: ${step.reason}`);
    const using = `using ${backendName(backend)}${devices.length > 0 ? ` (${devices.join(', ')})` : ''}`;
    return {
      backend,
      steps: all,
      summary: [...before, using].join('; '),
      remedy,
      devices,
      vram: vram ?? { total: 0, free: 0 },
      probedAt: Date.now(),
    };
  }

  private async readCache(): Promise<Record<string, BackendChoice>> {
    try {
      const parsed = cacheSchema.safeParse(JSON.parse(await readFile(this.options.cacheFile, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private async remember(key: string, choice: BackendChoice): Promise<void> {
    const entries = Object.entries({ ...(await this.readCache()), [key]: choice }).slice(-CACHE_ENTRIES_KEPT);
    const file = this.options.cacheFile;
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const partial = `${file}.${process.pid}.part`;
      await writeFile(partial, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`, { mode: 0o600 });
      await rename(partial, file);
    } catch (error) {
      // Only the next start pays: it probes again.
      this.options.log.warning('cannot remember the inference backend', { file, error: String(error) });
    }
  }
}
