// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What reranking a search's first passages by embedding would cost in time, with node-llama-cpp and a
// generated model of a small embedding model's shape (384 wide, 12 layers, as bge-small and all-MiniLM-L12).
// Its weights are random: it says how long, never how well. No real embedding model can be had here.
//   node build/build.mjs bench && node dist/bench/docsEmbeddingRerank.js [PASSAGES]
import { join } from 'node:path';

import { getLlama } from 'node-llama-cpp';

import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { percentile, round } from './stats.js';

/** The search's first passages that a rerank would embed: 20 by default. */
const PASSAGES = Number(process.argv[2] ?? 20);
/**
 * A passage as a reranker reads it: 256 tokens, what a real model's vocabulary makes of its first 1,000 characters
 * or so (an entry's tag and first sentences). The generated model spells most words byte by byte: its tokens are cut.
 */
const PASSAGE_TOKENS = 256;

const dir = await makeTempDir('steward-bench-embedding-');
try {
  const model = await writeTinyModel(join(dir.path, 'embedding-shape.gguf'), {
    embeddingLength: 384,
    layers: 12,
    heads: 12,
    contextLength: 512,
  });
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
  const loaded = await llama.loadModel({ modelPath: model });
  const context = await loaded.createEmbeddingContext({ contextSize: 512 });
  const text = 'Removes the oldest archived journal files until the disk space they use falls below the size. '.repeat(
    11,
  );
  const passage = loaded.detokenize(loaded.tokenize(text).slice(0, PASSAGE_TOKENS));
  const question = 'how do I shrink the journal to 500M';
  // The first embedding loads and warms up: not counted.
  await context.getEmbeddingFor(question);
  const questionStart = performance.now();
  await context.getEmbeddingFor(question);
  const questionMs = performance.now() - questionStart;
  const passageTimes: number[] = [];
  for (let at = 0; at < PASSAGES; at++) {
    const start = performance.now();
    await context.getEmbeddingFor(passage);
    passageTimes.push(performance.now() - start);
  }
  const total = passageTimes.reduce((sum, time) => sum + time, 0);
  process.stdout.write(
    `a model of 384 × 12 layers with random weights, on the CPU (${llama.cpuMathCores} cores)\n` +
      `question (${loaded.tokenize(question).length} tokens): ${round(questionMs, 1)} ms\n` +
      `${PASSAGES} passages of ${PASSAGE_TOKENS} tokens: ${round(total, 0)} ms in all, median ${round(percentile(passageTimes, 50), 1)} ms each\n`,
  );
  await context.dispose();
  await loaded.dispose();
} finally {
  await dir.remove();
}
