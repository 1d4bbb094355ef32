// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
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
