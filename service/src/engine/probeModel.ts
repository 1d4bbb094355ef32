// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The model the backend probe runs: a GGUF of a few hundred kilobytes made
// here, so that probing needs no download and does not load the user's
// gigabytes once per backend. Its weights are noise; it exists to make each
// backend load a llama model, offload it and run the kernels of one real
// evaluation (matrix products, RoPE, attention, normalisation).
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { mulberry32 } from '../seededRandom.js';

const ALIGNMENT = 32;
const STRING = 8;
const UINT32 = 4;
const FLOAT32 = 6;
const INT32 = 5;
const ARRAY = 9;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

type Metadata = [string, number, number | string] | [string, typeof ARRAY, number, (number | string)[]];

class Bytes {
  readonly parts: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }

  number(type: number, value: number): void {
    const buffer = Buffer.alloc(4);
    if (type === FLOAT32) buffer.writeFloatLE(value);
    else if (type === INT32) buffer.writeInt32LE(value);
    else buffer.writeUInt32LE(value);
    this.push(buffer);
  }

  u64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.push(buffer);
  }

  string(text: string): void {
    const encoded = Buffer.from(text, 'utf8');
    this.u64(encoded.length);
    this.push(encoded);
  }

  value(type: number, value: number | string): void {
    if (type === STRING) this.string(value as string);
    else this.number(type, value as number);
  }

  align(): void {
    const padding = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (padding > 0) this.push(Buffer.alloc(padding));
  }
}

/** A fixed pseudo-random sequence centred on 0: the same file on every machine. */
function noise(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() - 0.5;
}

/** A two-layer llama model with a byte vocabulary, as GGUF version 3 with F32 tensors. */
export function probeModel(): Buffer {
  const embedding = 64;
  const heads = 4;
  const kvHeads = 2;
  const headSize = embedding / heads;
  const feedForward = embedding * 2;
  const layers = 2;
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  const metadata: Metadata[] = [
    ['general.architecture', STRING, 'llama'],
    ['general.name', STRING, 'steward-backend-probe'],
    ['general.alignment', UINT32, ALIGNMENT],
    ['general.file_type', UINT32, 0],
    ['llama.context_length', UINT32, 512],
    ['llama.embedding_length', UINT32, embedding],
    ['llama.block_count', UINT32, layers],
    ['llama.feed_forward_length', UINT32, feedForward],
    ['llama.rope.dimension_count', UINT32, headSize],
    ['llama.attention.head_count', UINT32, heads],
    ['llama.attention.head_count_kv', UINT32, kvHeads],
    ['llama.attention.layer_norm_rms_epsilon', FLOAT32, 1e-5],
    ['tokenizer.ggml.model', STRING, 'llama'],
    ['tokenizer.ggml.pre', STRING, 'default'],
    ['tokenizer.ggml.tokens', ARRAY, STRING, tokens],
    ['tokenizer.ggml.scores', ARRAY, FLOAT32, tokens.map((_, index) => -index)],
    ['tokenizer.ggml.token_type', ARRAY, INT32, types],
    ['tokenizer.ggml.unknown_token_id', UINT32, 0],
    ['tokenizer.ggml.bos_token_id', UINT32, 1],
    ['tokenizer.ggml.eos_token_id', UINT32, 2],
  ];
  // ggml order: the row length first. Without output.weight llama.cpp ties the output to the embedding.
  const tensors: { name: string; dims: number[]; norm?: boolean }[] = [
    { name: 'token_embd.weight', dims: [embedding, tokens.length] },
    { name: 'output_norm.weight', dims: [embedding], norm: true },
  ];
  for (let layer = 0; layer < layers; layer += 1) {
    const block = `blk.${layer}`;
    tensors.push(
      { name: `${block}.attn_norm.weight`, dims: [embedding], norm: true },
      { name: `${block}.attn_q.weight`, dims: [embedding, embedding] },
      { name: `${block}.attn_k.weight`, dims: [embedding, headSize * kvHeads] },
      { name: `${block}.attn_v.weight`, dims: [embedding, headSize * kvHeads] },
      { name: `${block}.attn_output.weight`, dims: [embedding, embedding] },
      { name: `${block}.ffn_norm.weight`, dims: [embedding], norm: true },
      { name: `${block}.ffn_gate.weight`, dims: [embedding, feedForward] },
      { name: `${block}.ffn_up.weight`, dims: [embedding, feedForward] },
      { name: `${block}.ffn_down.weight`, dims: [feedForward, embedding] },
    );
  }
  const header = new Bytes();
  header.push(Buffer.from('GGUF', 'ascii'));
  header.number(UINT32, 3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const entry of metadata) {
    header.string(entry[0]);
    header.number(UINT32, entry[1]);
    if (entry[1] === ARRAY) {
      const [, , itemType, items] = entry as [string, typeof ARRAY, number, (number | string)[]];
      header.number(UINT32, itemType);
      header.u64(items.length);
      for (const item of items) header.value(itemType, item);
    } else {
      header.value(entry[1], entry[2]);
    }
  }
  const data = new Bytes();
  const next = noise(1);
  for (const { name, dims, norm } of tensors) {
    const count = dims.reduce((product, dim) => product * dim, 1);
    const values = Buffer.alloc(count * 4);
    for (let index = 0; index < count; index += 1) values.writeFloatLE(norm ? 1 : next() * 0.2, index * 4);
    header.string(name);
    header.number(UINT32, dims.length);
    for (const dim of dims) header.u64(dim);
    header.number(UINT32, 0);
    header.u64(data.length);
    data.push(values);
    data.align();
  }
  header.align();
  return Buffer.concat([...header.parts, ...data.parts]);
}

/** The probe model at `path`, written (atomically) when it is not there yet. */
export async function ensureProbeModel(path: string): Promise<string> {
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.${process.pid}.part`;
  await writeFile(partial, probeModel());
  await rename(partial, path);
  return path;
}
