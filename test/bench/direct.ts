// The baseline: node-llama-cpp in this process, set up as the worker sets it
// up (same threads, context size and sequences; a fresh session per prompt
// with an empty history; the sequence cleared afterwards).
import { getLlama, LlamaChatSession, LlamaLogLevel, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import type { Sampling, StreamRun } from './serviceClient.js';

export interface EngineSettings {
  threads: number;
  contextSize: number;
  sequences: number;
}

export interface DirectEngine {
  run(prompt: string, sampling: Sampling): Promise<StreamRun>;
  dispose(): Promise<void>;
}

export async function openDirect(modelPath: string, settings: EngineSettings): Promise<DirectEngine> {
  const llama = await getLlama({ build: 'never', gpu: false, progressLogs: false, logLevel: LlamaLogLevel.error });
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const context: LlamaContext = await model.createContext({
    sequences: settings.sequences,
    contextSize: settings.contextSize,
    threads: settings.threads,
  });
  const sequence = context.getSequence();
  return {
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
