import { StewardError } from '../dbus/errors.js';

/** Whether the bundled llama.cpp can load models of an architecture, and if not, why in people's terms. */
export type ArchitectureSupport = { supported: true } | { supported: false; reason: string };

export interface BundledLlama {
  architectures: ReadonlySet<string>;
  version: string;
}

let bundled: Promise<BundledLlama> | undefined;

// Loaded on first use like gguf.ts: node-llama-cpp is large and the service must not load it at start-up.
function bundledLlama(): Promise<BundledLlama> {
  bundled ??= import('node-llama-cpp').then(async (llama) => ({
    // A const enum in the typings but a real object at run time: the architectures its llama.cpp release knows.
    architectures: new Set(
      Object.values((llama as unknown as { GgufArchitectureType: Record<string, string> }).GgufArchitectureType),
    ),
    version: await llama.getModuleVersion(),
  }));
  return bundled;
}

/** The decision itself, apart from node-llama-cpp, so that it can be tested with any list. */
export function judgeArchitecture(architecture: string, bundledLlama: BundledLlama): ArchitectureSupport {
  const runtime = `the bundled llama.cpp (node-llama-cpp ${bundledLlama.version})`;
  if (!architecture)
    return {
      supported: false,
      reason: `This model file does not name its architecture, so ${runtime} cannot load it.`,
    };
  if (bundledLlama.architectures.has(architecture)) return { supported: true };
  return {
    supported: false,
    // A GGUF that names an architecture llama.cpp lacks is almost always one made after this release.
    reason: `This model's architecture "${architecture}" is newer than ${runtime}; update Steward to run it.`,
  };
}

export async function architectureSupport(architecture: string): Promise<ArchitectureSupport> {
  return judgeArchitecture(architecture, await bundledLlama());
}

/**
 * Throws StewardError (Unavailable) when the bundled llama.cpp cannot load the model file: call it right
 * before starting an inference worker, which would otherwise die in llama.cpp with a less helpful message.
 */
export async function assertLoadable(modelPath: string): Promise<void> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(modelPath, {
    readTensorInfo: false,
    // Only the architecture matters here; the vocabulary is most of the header.
    ignoreKeys: [
      'tokenizer.ggml.tokens',
      'tokenizer.ggml.scores',
      'tokenizer.ggml.token_type',
      'tokenizer.ggml.merges',
    ],
    logWarnings: false,
  }).catch((error: unknown) => {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new StewardError(
      missing ? 'NotFound' : 'Unavailable',
      missing
        ? `The model file ${modelPath} is gone.`
        : `The model file ${modelPath} is not a GGUF model Steward can read.`,
    );
  });
  const support = await architectureSupport(info.metadata.general.architecture);
  if (!support.supported) throw new StewardError('Unavailable', support.reason);
}
