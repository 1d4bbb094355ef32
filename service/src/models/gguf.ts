// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

/** True when the file is a regular file that starts with the GGUF magic; cheap enough to run on every listing. */
export async function hasGgufMagic(path: string): Promise<boolean> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever. A device (a link to /dev/zero) is no model.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) return false;
    const head = Buffer.alloc(GGUF_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(GGUF_MAGIC);
  } finally {
    await handle.close();
  }
}

export interface ModelMetadata {
  name?: string;
  architecture: string;
  /** Parameters summed over the tensors, or undefined when the file has no tensor info. */
  parameterCount?: number;
  /** "0.6B", "E2B": the file's own size label, or one made from the parameter count. */
  sizeLabel?: string;
  /** llama.cpp's file type, e.g. "Q4_K_M", "Q8_0", "F16". */
  quantization?: string;
  contextLength?: number;
  hasChatTemplate: boolean;
  /** Bytes of KV cache one token of context needs (f16 keys and values), when the metadata tells. */
  kvCacheBytesPerToken?: number;
}

type Numeric = number | bigint;

// magic, version (u32), tensor count (u64), metadata key count (u64)
const HEADER_BYTES = 24;
// Each tensor info and each key-value pair takes at least a string (u64 length and a byte) and a u32 type.
const MIN_ENTRY_BYTES = 13n;

/**
 * Refuses a file whose header counts more tensors and keys than the file could
 * hold: the GGUF reader believes the counts, and a damaged header made it grow
 * to gigabytes without end.
 */
async function checkHeaderCounts(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) throw new Error('the file ends inside the GGUF header');
    const version = header.readUInt32LE(4);
    // Version 1 counted in u32, and a big-endian file reads as a huge version: the reader judges those itself.
    if (version < 2 || version > 3) return;
    const tensors = header.readBigUInt64LE(8);
    const keys = header.readBigUInt64LE(16);
    if ((tensors + keys) * MIN_ENTRY_BYTES > BigInt(size)) {
      throw new Error(`the GGUF header counts ${tensors} tensors and ${keys} keys, more than the file can hold`);
    }
  } finally {
    await handle.close();
  }
}

export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  await checkHeaderCounts(path);
  // Loaded on first use: node-llama-cpp is large, and most runs of the service never list models.
  const { GgufFileType, readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(path, {
    readTensorInfo: true,
    // The vocabulary is most of the header, and the service needs none of it: reading it grows the heap for good.
    ignoreKeys: [
      'tokenizer.ggml.tokens',
      'tokenizer.ggml.scores',
      'tokenizer.ggml.token_type',
      'tokenizer.ggml.merges',
    ],
    logWarnings: false,
  });
  const general = info.metadata.general;
  const arch = info.architectureMetadata as {
    context_length?: number;
    embedding_length?: number;
    block_count?: number;
    attention?: { head_count?: number; head_count_kv?: number };
  };
  const parameterCount = info.fullTensorInfo?.reduce(
    (sum, tensor) => sum + tensor.dimensions.reduce<number>((product, d: Numeric) => product * Number(d), 1),
    0,
  );
  const fileType = general.file_type;
  return {
    name: general.name,
    architecture: general.architecture,
    parameterCount,
    sizeLabel: general.size_label ?? (parameterCount ? formatParameterCount(parameterCount) : undefined),
    quantization: fileType === undefined ? undefined : quantizationName(GgufFileType[fileType], fileType),
    contextLength: arch.context_length,
    hasChatTemplate: typeof info.metadata.tokenizer?.chat_template === 'string',
    kvCacheBytesPerToken: kvCacheBytesPerToken(arch),
  };
}

function quantizationName(name: string | undefined, fileType: number): string {
  // The enum spells them MOSTLY_Q4_K_M; people know them as Q4_K_M.
  return name ? name.replace(/^MOSTLY_/, '').replace(/^ALL_/, '') : `type ${fileType}`;
}

function kvCacheBytesPerToken(arch: {
  embedding_length?: number;
  block_count?: number;
  attention?: { head_count?: number; head_count_kv?: number };
}): number | undefined {
  const { embedding_length: embedding, block_count: layers } = arch;
  const heads = arch.attention?.head_count;
  if (!embedding || !layers || !heads) return undefined;
  const kvHeads = arch.attention?.head_count_kv ?? heads;
  const bytesPerF16 = 2;
  // one key and one value vector per layer and KV head
  return 2 * layers * kvHeads * (embedding / heads) * bytesPerF16;
}

export function formatParameterCount(count: number): string {
  if (count >= 1e9) return `${trim(count / 1e9)}B`;
  if (count >= 1e6) return `${trim(count / 1e6)}M`;
  return `${trim(count / 1e3)}K`;
}

function trim(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
}
