// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';

import { mulberry32 } from '../../service/src/seededRandom.js';

// Writes a tiny llama-architecture GGUF model with random weights, so tests can
// run real llama.cpp inference without downloading anything. Its output is
// noise: use it for plumbing (loading, streaming, cancelling, concurrency,
// grammars), never to judge what a model says.

export interface TinyModelOptions {
  embeddingLength?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  contextLength?: number;
  seed?: number;
  name?: string;
  /** general.architecture and the prefix of the model's keys; anything but "llama" only suits metadata tests. */
  architecture?: string;
  /**
   * Makes the end-of-answer token all but impossible, so every answer runs to its token limit. A random model
   * otherwise ends early by chance, and how early depends on what earlier requests left in its context.
   */
  endsOnlyAtLimit?: boolean;
}

// GGUF metadata value types (ggml docs/gguf.md).
export enum GgufType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  String = 8,
  Array = 9,
}
const GGML_TYPE_F32 = 0;
const ALIGNMENT = 32;

const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

// A small vocabulary of whole words (SentencePiece marks a leading space with ▁)
// on top of the byte fallback tokens, so any text can be tokenized.
const WORDS = 'the a to of and is in it you that on for with disk service unit failed network steward ok yes no'.split(
  ' ',
);

export type Value =
  | { type: GgufType.String; value: string }
  | { type: GgufType.Uint32 | GgufType.Int32 | GgufType.Float32; value: number }
  | { type: GgufType.Array; itemType: GgufType.String; value: string[] }
  | { type: GgufType.Array; itemType: GgufType.Int32 | GgufType.Float32; value: number[] };

export class Writer {
  private readonly chunks: Buffer[] = [];
  length = 0;

  bytes(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.bytes(b);
  }

  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.bytes(b);
  }

  string(text: string): void {
    const encoded = Buffer.from(text, 'utf8');
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  scalar(type: GgufType, value: number | string): void {
    if (type === GgufType.String) return this.string(value as string);
    const b = Buffer.alloc(4);
    if (type === GgufType.Float32) b.writeFloatLE(value as number);
    else if (type === GgufType.Int32) b.writeInt32LE(value as number);
    else b.writeUInt32LE(value as number);
    this.bytes(b);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.bytes(Buffer.alloc(padding));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** A deterministic pseudo-random generator, so a seed always gives the same model. */
export const random = mulberry32;

const END_TOKEN = 2;

interface Vocabulary {
  tokens: string[];
  types: number[];
}

function vocabulary(): Vocabulary {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  for (const word of WORDS) {
    tokens.push(`▁${word}`, word);
    types.push(TOKEN_NORMAL, TOKEN_NORMAL);
  }
  tokens.push('▁', '.', ',', '?', '\n');
  types.push(TOKEN_NORMAL, TOKEN_NORMAL, TOKEN_NORMAL, TOKEN_NORMAL, TOKEN_NORMAL);
  return { tokens, types };
}

export const CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

/**
 * Column 0 set to 1 in every token's embedding dominates the residual stream, so the final hidden state's first
 * value is large and positive. The output rows then decide by their column 0: words (1) score far above byte and
 * control tokens (0, which would print nothing) and the tokens that end an answer (-1) far below all: the end
 * token, and the newline that the chat template's end of a message starts with.
 */
function holdBackEndOfAnswer(name: string, values: Buffer, width: number, { tokens, types }: Vocabulary): void {
  const column0 = (row: number) => {
    if (name === 'token_embd.weight') return 1;
    if (row === END_TOKEN || tokens[row] === '\n') return -1;
    return types[row] === TOKEN_NORMAL ? 1 : 0;
  };
  for (let row = 0; row < tokens.length; row += 1) values.writeFloatLE(column0(row), row * width * 4);
}

/** Builds the model file in memory. */
export function tinyModel(options: TinyModelOptions = {}): Buffer {
  const embedding = options.embeddingLength ?? 64;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const kvHeads = options.kvHeads ?? 2;
  const feedForward = embedding * 3;
  const headDimension = embedding / heads;
  const { tokens, types } = vocabulary();
  const next = random(options.seed ?? 1);
  const arch = options.architecture ?? 'llama';

  const metadata: [string, Value][] = [
    ['general.architecture', { type: GgufType.String, value: arch }],
    ['general.name', { type: GgufType.String, value: options.name ?? 'steward-tiny-test' }],
    ['general.alignment', { type: GgufType.Uint32, value: ALIGNMENT }],
    ['general.file_type', { type: GgufType.Uint32, value: 0 }],
    [`${arch}.context_length`, { type: GgufType.Uint32, value: options.contextLength ?? 4096 }],
    [`${arch}.embedding_length`, { type: GgufType.Uint32, value: embedding }],
    [`${arch}.block_count`, { type: GgufType.Uint32, value: layers }],
    [`${arch}.feed_forward_length`, { type: GgufType.Uint32, value: feedForward }],
    [`${arch}.rope.dimension_count`, { type: GgufType.Uint32, value: headDimension }],
    [`${arch}.attention.head_count`, { type: GgufType.Uint32, value: heads }],
    [`${arch}.attention.head_count_kv`, { type: GgufType.Uint32, value: kvHeads }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { type: GgufType.Float32, value: 1e-5 }],
    ['tokenizer.ggml.model', { type: GgufType.String, value: 'llama' }],
    ['tokenizer.ggml.pre', { type: GgufType.String, value: 'default' }],
    ['tokenizer.ggml.tokens', { type: GgufType.Array, itemType: GgufType.String, value: tokens }],
    ['tokenizer.ggml.scores', { type: GgufType.Array, itemType: GgufType.Float32, value: tokens.map((_, i) => -i) }],
    ['tokenizer.ggml.token_type', { type: GgufType.Array, itemType: GgufType.Int32, value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: GgufType.Uint32, value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: GgufType.Uint32, value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: GgufType.Uint32, value: END_TOKEN }],
    ['tokenizer.chat_template', { type: GgufType.String, value: CHAT_TEMPLATE }],
  ];

  // Dimensions in ggml order: the row length comes first. Without an
  // output.weight llama.cpp ties the output to the token embedding.
  const tensors: { name: string; dims: number[]; norm?: boolean }[] = [
    { name: 'token_embd.weight', dims: [embedding, tokens.length] },
    { name: 'output_norm.weight', dims: [embedding], norm: true },
  ];
  // Its own output, so the output rows can differ from the input embeddings.
  if (options.endsOnlyAtLimit) tensors.push({ name: 'output.weight', dims: [embedding, tokens.length] });
  for (let i = 0; i < layers; i += 1) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [embedding], norm: true },
      { name: `blk.${i}.attn_q.weight`, dims: [embedding, embedding] },
      { name: `blk.${i}.attn_k.weight`, dims: [embedding, headDimension * kvHeads] },
      { name: `blk.${i}.attn_v.weight`, dims: [embedding, headDimension * kvHeads] },
      { name: `blk.${i}.attn_output.weight`, dims: [embedding, embedding] },
      { name: `blk.${i}.ffn_norm.weight`, dims: [embedding], norm: true },
      { name: `blk.${i}.ffn_gate.weight`, dims: [embedding, feedForward] },
      { name: `blk.${i}.ffn_up.weight`, dims: [embedding, feedForward] },
      { name: `blk.${i}.ffn_down.weight`, dims: [feedForward, embedding] },
    );
  }

  const header = new Writer();
  header.bytes(Buffer.from('GGUF', 'ascii'));
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  writeMetadata(header, metadata);

  const data = new Writer();
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    const values = Buffer.alloc(count * 4);
    for (let i = 0; i < count; i += 1) values.writeFloatLE(tensor.norm ? 1 : (next() - 0.5) * 0.2, i * 4);
    if (options.endsOnlyAtLimit && (tensor.name === 'token_embd.weight' || tensor.name === 'output.weight'))
      holdBackEndOfAnswer(tensor.name, values, embedding, { tokens, types });
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dim of tensor.dims) header.u64(dim);
    header.u32(GGML_TYPE_F32);
    header.u64(data.length);
    data.bytes(values);
    data.padTo(ALIGNMENT);
  }
  header.padTo(ALIGNMENT);
  return Buffer.concat([header.toBuffer(), data.toBuffer()]);
}

export function writeMetadata(header: Writer, metadata: [string, Value][]): void {
  for (const [key, entry] of metadata) {
    header.string(key);
    header.u32(entry.type);
    if (entry.type === GgufType.Array) {
      header.u32(entry.itemType);
      header.u64(entry.value.length);
      for (const item of entry.value) header.scalar(entry.itemType, item);
    } else {
      header.scalar(entry.type, entry.value);
    }
  }
}

/** Writes the tiny model to `path` and returns the path. */
export async function writeTinyModel(path: string, options: TinyModelOptions = {}): Promise<string> {
  await writeFile(path, tinyModel(options));
  return path;
}
