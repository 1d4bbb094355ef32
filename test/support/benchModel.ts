// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { CHAT_TEMPLATE, GgufType, random, type Value, writeMetadata, Writer } from './tinyModel.js';

// A random-weights model with the shape of a real small one (Qwen2-0.5B's
// dimensions on the llama architecture), quantized to Q8_0. Its answers are
// noise; its compute cost per token is that of a real 0.5B model, which is
// what the benchmarks measure. Written once into a cache outside the checkout.

export const BENCH_MODEL_SHAPE = {
  embedding: 896,
  layers: 24,
  heads: 14,
  kvHeads: 2,
  feedForward: 4864,
  vocabulary: 32000,
  contextLength: 32768,
};

const GGML_TYPE_F32 = 0;
const GGML_TYPE_Q8_0 = 8;
const FILE_TYPE_Q8_0 = 7;
const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;
const ALIGNMENT = 32;
/** A block's f16 scale (0.00045): weights of about 1/√896 spread, as trained models have. */
const Q8_0_SCALE_F16 = 0x0f5f;

const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

/** Byte fallback, then every word piece of one to three letters with and without a leading space (▁). */
function vocabulary(size: number): { tokens: string[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  for (const piece of ['▁', '.', ',', '?', ':', '\n', '"', '{', '}', '[', ']', '_', '-', '/']) {
    tokens.push(piece);
    types.push(TOKEN_NORMAL);
  }
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const pieces: string[] = [...letters];
  for (const a of letters) for (const b of letters) pieces.push(a + b);
  for (const a of letters) for (const b of letters) for (const c of letters) pieces.push(a + b + c);
  for (const piece of pieces) {
    for (const token of [`▁${piece}`, piece]) {
      if (tokens.length >= size) break;
      tokens.push(token);
      types.push(TOKEN_NORMAL);
    }
  }
  return { tokens, types };
}

interface TensorSpec {
  name: string;
  dims: number[];
  norm: boolean;
}

function tensorsOf(shape: typeof BENCH_MODEL_SHAPE): TensorSpec[] {
  const { embedding, layers, heads, kvHeads, feedForward, vocabulary: vocab } = shape;
  const kv = (embedding / heads) * kvHeads;
  const tensors: TensorSpec[] = [
    { name: 'token_embd.weight', dims: [embedding, vocab], norm: false },
    { name: 'output_norm.weight', dims: [embedding], norm: true },
  ];
  for (let i = 0; i < layers; i += 1) {
    const matrix = (name: string, dims: number[]) => ({ name: `blk.${i}.${name}.weight`, dims, norm: false });
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [embedding], norm: true },
      matrix('attn_q', [embedding, embedding]),
      matrix('attn_k', [embedding, kv]),
      matrix('attn_v', [embedding, kv]),
      matrix('attn_output', [embedding, embedding]),
      { name: `blk.${i}.ffn_norm.weight`, dims: [embedding], norm: true },
      matrix('ffn_gate', [embedding, feedForward]),
      matrix('ffn_up', [embedding, feedForward]),
      matrix('ffn_down', [feedForward, embedding]),
    );
  }
  return tensors;
}

const elements = (tensor: TensorSpec) => tensor.dims.reduce((a, b) => a * b, 1);
const byteSize = (tensor: TensorSpec) =>
  tensor.norm ? elements(tensor) * 4 : (elements(tensor) / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
const aligned = (size: number) => Math.ceil(size / ALIGNMENT) * ALIGNMENT;

function header(shape: typeof BENCH_MODEL_SHAPE, tensors: TensorSpec[]): Buffer {
  const { tokens, types } = vocabulary(shape.vocabulary);
  const metadata: [string, Value][] = [
    ['general.architecture', { type: GgufType.String, value: 'llama' }],
    ['general.name', { type: GgufType.String, value: 'steward-bench-0.5b-random' }],
    ['general.alignment', { type: GgufType.Uint32, value: ALIGNMENT }],
    ['general.file_type', { type: GgufType.Uint32, value: FILE_TYPE_Q8_0 }],
    ['llama.context_length', { type: GgufType.Uint32, value: shape.contextLength }],
    ['llama.embedding_length', { type: GgufType.Uint32, value: shape.embedding }],
    ['llama.block_count', { type: GgufType.Uint32, value: shape.layers }],
    ['llama.feed_forward_length', { type: GgufType.Uint32, value: shape.feedForward }],
    ['llama.rope.dimension_count', { type: GgufType.Uint32, value: shape.embedding / shape.heads }],
    ['llama.attention.head_count', { type: GgufType.Uint32, value: shape.heads }],
    ['llama.attention.head_count_kv', { type: GgufType.Uint32, value: shape.kvHeads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: GgufType.Float32, value: 1e-6 }],
    ['tokenizer.ggml.model', { type: GgufType.String, value: 'llama' }],
    ['tokenizer.ggml.pre', { type: GgufType.String, value: 'default' }],
    ['tokenizer.ggml.tokens', { type: GgufType.Array, itemType: GgufType.String, value: tokens }],
    // Longer pieces score higher, so the tokenizer prefers them as a real one would.
    [
      'tokenizer.ggml.scores',
      { type: GgufType.Array, itemType: GgufType.Float32, value: tokens.map((token, i) => token.length - i / 1e5) },
    ],
    ['tokenizer.ggml.token_type', { type: GgufType.Array, itemType: GgufType.Int32, value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: GgufType.Uint32, value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: GgufType.Uint32, value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: GgufType.Uint32, value: 2 }],
    ['tokenizer.chat_template', { type: GgufType.String, value: CHAT_TEMPLATE }],
  ];
  const out = new Writer();
  out.bytes(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  writeMetadata(out, metadata);
  let offset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(tensor.norm ? GGML_TYPE_F32 : GGML_TYPE_Q8_0);
    out.u64(offset);
    offset += aligned(byteSize(tensor));
  }
  out.padTo(ALIGNMENT);
  return out.toBuffer();
}

function tensorData(tensor: TensorSpec, next: () => number): Buffer {
  const data = Buffer.alloc(aligned(byteSize(tensor)));
  if (tensor.norm) {
    for (let i = 0; i < elements(tensor); i += 1) data.writeFloatLE(1, i * 4);
    return data;
  }
  const blocks = elements(tensor) / Q8_0_BLOCK;
  for (let block = 0; block < blocks; block += 1) {
    const at = block * Q8_0_BLOCK_BYTES;
    data.writeUInt16LE(Q8_0_SCALE_F16, at);
    // Four random int8 weights per draw: the generator, not the disk, is the slow part.
    for (let i = 0; i < Q8_0_BLOCK; i += 4) data.writeUInt32LE((next() * 4294967296) >>> 0, at + 2 + i);
  }
  return data;
}

async function writeBenchModel(path: string): Promise<void> {
  const tensors = tensorsOf(BENCH_MODEL_SHAPE);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  const write = async (buffer: Buffer) => {
    if (!out.write(buffer)) await once(out, 'drain');
  };
  await write(header(BENCH_MODEL_SHAPE, tensors));
  const next = random(5);
  for (const tensor of tensors) await write(tensorData(tensor, next));
  out.end();
  await once(out, 'finish');
  // Renamed only when whole, so an interrupted run never leaves a model that looks ready.
  await rename(partial, path);
}

/** The benchmark model's path; written on first use (about 400 MB, a minute), then reused. */
export async function benchModel(cacheDir = join(homedir(), '.cache', 'steward-bench')): Promise<string> {
  const path = join(cacheDir, 'steward-bench-0.5b-q8_0.gguf');
  const present = await stat(path).then(
    () => true,
    () => false,
  );
  if (!present) {
    await mkdir(cacheDir, { recursive: true });
    await writeBenchModel(path);
  }
  return path;
}
