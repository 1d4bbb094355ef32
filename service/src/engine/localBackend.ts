// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Wires the backend selector to this machine: its GPU facts, its NVIDIA
// driver, the installed node-llama-cpp, the probe process and the cache.
import { readFileSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';

import { probeGpuFacts } from '../core/gpuCapabilities.js';
import type { Logger } from '../logging.js';
import { CUDA_PREBUILTS } from './backendExplain.js';
import { probeBackend } from './backendProbe.js';
import { BackendSelector } from './backendSelector.js';
import { readNvidiaFacts } from './nvidiaFacts.js';
import { ensureProbeModel } from './probeModel.js';

export interface LocalBackendOptions {
  /** Steward's cache directory ($XDG_CACHE_HOME/steward): the probe model and the remembered choices. */
  cacheDirectory: string;
  probeScript: string;
  /** Stands for `/` where the GPU facts are read (a test hook); `/` otherwise. */
  gpuRoot?: string;
  /** Test hooks handed to the probe process. */
  probeEnv?: NodeJS.ProcessEnv;
  /** A GPU probe may compile kernels for the card the first time it runs. */
  timeoutMs?: number;
  log: Logger;
}

/** node-llama-cpp's package directory, found without loading it. */
function nodeLlamaCppDirectory(): string {
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  return entry.slice(0, entry.lastIndexOf(`${sep}dist${sep}`));
}

/**
 * In the cache; where that cannot be written (a read-only home), in a private directory of its own under the
 * temporary directory, never at a name there that another user could have put a file at first.
 */
function probeModelPath(cacheDirectory: string): Promise<string> {
  return ensureProbeModel(join(cacheDirectory, 'backend-probe.gguf')).catch(async () =>
    ensureProbeModel(join(await mkdtemp(join(tmpdir(), 'steward-probe-')), 'backend-probe.gguf')),
  );
}

export function localBackendSelector(options: LocalBackendOptions): BackendSelector {
  const packageDirectory = nodeLlamaCppDirectory();
  const { version } = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as { version: string };
  // ".../node_modules/node-llama-cpp" → "...": where `npx --no node-llama-cpp` finds it.
  const installRoot = dirname(dirname(packageDirectory));
  const root = options.gpuRoot ?? '/';
  return new BackendSelector({
    facts: () => probeGpuFacts(root),
    nvidia: () => readNvidiaFacts(root),
    probe: async (backend) =>
      probeBackend(backend, {
        probeScript: options.probeScript,
        modelPath: await probeModelPath(options.cacheDirectory),
        // One thread: the probe model is tiny, and more threads than free cores make llama.cpp crawl.
        threads: 1,
        timeoutMs: options.timeoutMs ?? 180_000,
        env: options.probeEnv,
      }),
    cacheFile: join(options.cacheDirectory, 'inference-backend.json'),
    nodeLlamaCppVersion: version,
    installRoot,
    localBuilds: async () => {
      const built = await stat(join(packageDirectory, 'llama', 'localBuilds')).catch(() => null);
      return built ? String(built.mtimeMs) : '';
    },
    prebuilt: CUDA_PREBUILTS[version],
    platform: { platform: process.platform, arch: process.arch },
    log: options.log,
  });
}
