// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The baseline: node-llama-cpp in this process, set up as the worker sets it
// up (same backend, threads, context size and sequences; a fresh session per
// prompt with an empty history; the sequence cleared afterwards).
import { getLlama, LlamaChatSession, type LlamaContext, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';

import type { Sampling, StreamRun } from './serviceClient.js';

export interface EngineSettings {
  threads: number;
  contextSize: number;
  sequences: number;
  /** As the service's `inference.gpu` setting; the CPU when left out. */
  gpu?: BenchGpu;
}

/** The service's `inference.gpu` values. */
export type BenchGpu = 'off' | 'auto' | 'cuda' | 'vulkan' | 'metal';

/** Where node-llama-cpp put the model, as the worker reports it for the service. */
export interface DirectBackend {
  backend: string;
  devices: string[];
  gpuLayers: number;
  vramUsed: number;
}

export interface DirectEngine {
  backend: DirectBackend;
  run(prompt: string, sampling: Sampling): Promise<StreamRun>;
  dispose(): Promise<void>;
}

export async function openDirect(modelPath: string, settings: EngineSettings): Promise<DirectEngine> {
  const gpu = !settings.gpu || settings.gpu === 'off' ? false : settings.gpu;
  const llama = await getLlama({ build: 'never', gpu, progressLogs: false, logLevel: LlamaLogLevel.error });
  // gpuLayers left to node-llama-cpp, as the worker leaves it: all of a model this size on a GPU.
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const context: LlamaContext = await model.createContext({
    sequences: settings.sequences,
    contextSize: settings.contextSize,
    threads: settings.threads,
    // As the worker sets it on the CPU (worker.ts, flashAttentionFor).
    flashAttention: false,
  });
  const sequence = context.getSequence();
  const backend: DirectBackend = {
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    devices: await llama.getGpuDeviceNames(),
    gpuLayers: model.gpuLayers,
    vramUsed: (await llama.getVramState()).used,
  };
  return {
    backend,
    async run(prompt, sampling) {
      // The worker makes a session per request, and a session resolves its chat wrapper from the
      // model's template when it is made: timed apart, as that is node-llama-cpp's cost, not the bus's.
      const creating = performance.now();
      const session = new LlamaChatSession({ contextSequence: sequence });
      const sessionMs = performance.now() - creating;
      // The worker replaces the history too, which drops node-llama-cpp's default system prompt.
      session.setChatHistory([]);
      const meterBefore = sequence.tokenMeter.getState();
      let firstChunkAt: number | null = null;
      const started = performance.now();
      const text = await session.prompt(prompt, {
        maxTokens: sampling.maxTokens,
        temperature: sampling.temperature,
        seed: sampling.seed,
        onTextChunk() {
          firstChunkAt ??= performance.now();
        },
      });
      const ended = performance.now();
      session.dispose();
      const used = sequence.tokenMeter.diff(meterBefore);
      await sequence.clearHistory();
      if (firstChunkAt === null) throw new Error('the direct run produced no text');
      return {
        ttftMs: firstChunkAt - started,
        streamMs: ended - firstChunkAt,
        tokens: used.usedOutputTokens,
        promptTokens: used.usedInputTokens,
        text,
        sessionMs,
      };
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
