// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { _, format, formatGibibytes, formatNumber, N_ } from '../i18n.js';
import {
  assessFit,
  DEFAULT_CONTEXT,
  type FitAssessment,
  type Hardware,
  ramLimit,
  RUNTIME_OVERHEAD_BYTES,
  vramLimit,
} from './fit.js';

export interface CatalogueEntry {
  id: string;
  name: string;
  quantization: string;
  /** A file URI the downloader resolves offline. */
  uri: string;
  /** The same model as node-llama-cpp's quantization URI, for tools that query the hub. */
  hubUri: string;
  /** Download size, approximate: hubs re-upload files now and then. */
  approxBytes: number;
  /** Memory while running with a 4k context, approximate. */
  approxRequiredBytes: number;
  /** Why it is in the catalogue, for people (translated where shown). */
  why: string;
}

const GB = 1e9;

/**
 * Small instruct models that call functions reliably (node-llama-cpp's
 * recommendations), best first: the first one that fits and runs at a usable
 * speed wins. File names come from public projects using them; check them on
 * the hub before release.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'qwen3.5-4b-q6_k',
    name: 'Qwen 3.5 4B',
    quantization: 'Q6_K',
    uri: 'hf:unsloth/Qwen3.5-4B-GGUF/Qwen3.5-4B-Q6_K.gguf',
    hubUri: 'hf:unsloth/Qwen3.5-4B-GGUF:Q6_K',
    approxBytes: 3.53 * GB,
    approxRequiredBytes: 4.4 * GB,
    why: N_('the best function calling of the small models, at a quantization that loses almost nothing'),
  },
  {
    id: 'qwen3.5-4b-q4_k_m',
    name: 'Qwen 3.5 4B',
    quantization: 'Q4_K_M',
    uri: 'hf:unsloth/Qwen3.5-4B-GGUF/Qwen3.5-4B-Q4_K_M.gguf',
    hubUri: 'hf:unsloth/Qwen3.5-4B-GGUF:Q4_K_M',
    approxBytes: 2.74 * GB,
    approxRequiredBytes: 3.5 * GB,
    why: N_('the best function calling of the small models, quantized to fit 4 GB of video memory'),
  },
  {
    id: 'gemma-4-e2b-q6_k',
    name: 'Gemma 4 E2B',
    quantization: 'Q6_K',
    uri: 'hf:giladgd/gemma-4-E2B-it-GGUF/gemma-4-E2B-it.Q6_K.gguf',
    hubUri: 'hf:giladgd/gemma-4-E2B-it-GGUF:Q6_K',
    approxBytes: 3.87 * GB,
    approxRequiredBytes: 4.6 * GB,
    why: N_('Google’s smallest Gemma 4, made for laptops; a good second opinion to Qwen'),
  },
  {
    id: 'qwen3-4b-q4_k_m',
    name: 'Qwen 3 4B',
    quantization: 'Q4_K_M',
    uri: 'hf:Qwen/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf',
    hubUri: 'hf:Qwen/Qwen3-4B-GGUF:Q4_K_M',
    approxBytes: 2.5 * GB,
    approxRequiredBytes: 3.2 * GB,
    why: N_('the previous Qwen generation, well tested with tool calls'),
  },
  {
    id: 'llama-3.2-3b-q4_k_m',
    name: 'Llama 3.2 3B Instruct',
    quantization: 'Q4_K_M',
    uri: 'hf:mradermacher/Llama-3.2-3B-Instruct-GGUF/Llama-3.2-3B-Instruct.Q4_K_M.gguf',
    hubUri: 'hf:mradermacher/Llama-3.2-3B-Instruct-GGUF:Q4_K_M',
    approxBytes: 2.02 * GB,
    approxRequiredBytes: 2.7 * GB,
    why: N_('the classic small function-calling model, without a reasoning phase'),
  },
  {
    id: 'qwen3.5-0.8b-q8_0',
    name: 'Qwen 3.5 0.8B',
    quantization: 'Q8_0',
    uri: 'hf:unsloth/Qwen3.5-0.8B-GGUF/Qwen3.5-0.8B-Q8_0.gguf',
    hubUri: 'hf:unsloth/Qwen3.5-0.8B-GGUF:Q8_0',
    approxBytes: 0.81 * GB,
    approxRequiredBytes: 1.2 * GB,
    why: N_('small enough to answer quickly on a processor alone, and still calls functions'),
  },
  {
    id: 'qwen3-0.6b-q8_0',
    name: 'Qwen 3 0.6B',
    quantization: 'Q8_0',
    uri: 'hf:Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf',
    hubUri: 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0',
    approxBytes: 0.64 * GB,
    approxRequiredBytes: 0.95 * GB,
    why: N_('the smallest model that still calls functions, for machines with little memory'),
  },
];

export interface Recommendation {
  entry: CatalogueEntry;
  fit: FitAssessment;
  /** One sentence for people: what was picked and why. */
  reason: string;
  /** Other catalogue models that fit, best first. */
  alternatives: CatalogueEntry[];
  /** The longest context, in tokens, whose cache fits beside the weights in the memory it runs from. */
  contextSize: number;
}

const CONTEXT_STEP = 1024;
const MIN_CONTEXT = 2048;
/** More than a desktop question with its tools and a long conversation takes, and what the small models train on. */
const MAX_CONTEXT = 32_768;

/**
 * The context that fits: the catalogue's memory figure is for a 4k context, so what it adds to the
 * weights and the runtime is the cache of 4,096 tokens; the memory left after the weights, at that rate.
 */
export function contextThatFits(entry: CatalogueEntry, fit: FitAssessment, hardware: Hardware): number {
  const cachePerToken =
    Math.max(entry.approxRequiredBytes - entry.approxBytes - RUNTIME_OVERHEAD_BYTES, 0) / DEFAULT_CONTEXT;
  const memory = fit.placement === 'gpu' ? vramLimit(hardware) : ramLimit(hardware);
  const room = memory - entry.approxBytes - RUNTIME_OVERHEAD_BYTES;
  const tokens = cachePerToken > 0 ? Math.floor(room / cachePerToken / CONTEXT_STEP) * CONTEXT_STEP : MAX_CONTEXT;
  return Math.min(Math.max(tokens, MIN_CONTEXT), MAX_CONTEXT);
}

/**
 * The best catalogue model for this machine: the first that fits and runs at a
 * usable speed on the GPU, or fast on the processor, where a slower model would
 * make every answer a wait. Undefined when even the smallest does not fit.
 */
export function recommendModel(hardware: Hardware, catalogue = CATALOGUE): Recommendation | undefined {
  const assessed = catalogue.map((entry) => ({
    entry,
    fit: assessFit(entry.approxRequiredBytes, entry.approxBytes, hardware),
  }));
  const acceptable = (fit: FitAssessment) =>
    fit.placement === 'gpu' ? fit.speedClass !== 'slow' : fit.placement === 'cpu' && fit.speedClass === 'fast';
  const chosen = assessed.find(({ fit }) => acceptable(fit)) ?? assessed.find(({ fit }) => fit.placement !== 'none');
  if (!chosen) return undefined;
  const contextSize = contextThatFits(chosen.entry, chosen.fit, hardware);
  return {
    ...chosen,
    contextSize,
    reason: reasonFor(chosen.entry, chosen.fit, hardware, contextSize),
    alternatives: assessed
      .filter(({ entry, fit }) => entry !== chosen.entry && fit.placement !== 'none')
      .map(({ entry }) => entry),
  };
}

/** The backends as their makers write them. */
const BACKEND_NAMES: Readonly<Record<string, string>> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };

function reasonFor(entry: CatalogueEntry, fit: FitAssessment, hardware: Hardware, contextSize: number): string {
  // Without the model's name: every client shows the name beside the reason.
  const values = {
    vram: formatGibibytes(hardware.vramBytes),
    backend: BACKEND_NAMES[hardware.backend] ?? hardware.backend,
    ram: formatGibibytes(ramLimit(hardware)),
    context: formatNumber(contextSize),
    speed: formatNumber(fit.estimatedTokensPerSecond),
    why: _(entry.why),
  };
  if (fit.placement === 'gpu')
    return format(
      // Translators: {backend} is CUDA, Vulkan or Metal; {why} is one of the models' reasons, such as "the previous
      // Qwen generation, well tested with tool calls".
      _(
        'It fits in the {vram} of free video memory ({backend}), with a context of {context} tokens, at about {speed} tokens a second; {why}.',
      ),
      values,
    );
  return format(
    hardware.vramBytes > 0
      ? _(
          'The larger models do not fit in {vram} of free video memory, and on the processor it fits in the {ram} of memory free for it, with a context of {context} tokens, at about {speed} tokens a second; {why}.',
        )
      : _(
          'There is no usable graphics card, and it fits in the {ram} of memory free for it, with a context of {context} tokens, at about {speed} tokens a second; {why}.',
        ),
    values,
  );
}
