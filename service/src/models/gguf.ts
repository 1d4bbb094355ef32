import { open } from 'node:fs/promises';

const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

/** True when the file starts with the GGUF magic; cheap enough to run on every listing. */
export async function hasGgufMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
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

export async function readModelMetadata(path: string): Promise<ModelMetadata> {
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
