// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

import { z } from 'zod';

import { readSmallFile } from '../smallFile.js';
import { hasGgufMagic } from './gguf.js';

export interface OllamaModel {
  /** "qwen3:0.6b" for the default library, "hf.co/user/repo:Q4_K_M" and the like otherwise. */
  name: string;
  /** The GGUF blob, used in place. */
  path: string;
  manifestPath: string;
}

const MODEL_MEDIA_TYPE = 'application/vnd.ollama.image.model';
const DEFAULT_PREFIX = ['registry.ollama.ai', 'library'];

// Manifests are a few hundred bytes; other programs write them, so their shape is checked.
const MAX_MANIFEST_BYTES = 1024 * 1024;
const manifestSchema = z.object({
  layers: z.array(z.object({ mediaType: z.string().optional(), digest: z.string().optional() })).optional(),
});

/**
 * The GGUF models in Ollama stores: manifests/<registry>/<namespace>/<name>/<tag>
 * name a model layer by digest, stored as blobs/sha256-<hex>. Stores that are
 * missing or unreadable (the system one is often the ollama user's) yield nothing.
 */
export async function listOllamaModels(directories: string[]): Promise<OllamaModel[]> {
  const models = new Map<string, OllamaModel>();
  for (const directory of directories) {
    for (const model of await listStore(directory)) {
      // Two tags (latest and 0.6b) often name one blob: list the file once.
      if (!models.has(model.path)) models.set(model.path, model);
    }
  }
  return [...models.values()];
}

async function listStore(directory: string): Promise<OllamaModel[]> {
  const manifestsDirectory = join(directory, 'manifests');
  // Sorted, so that of two tags for one blob the same one wins every time.
  const relativePaths = (await readdir(manifestsDirectory, { recursive: true }).catch(() => [] as string[])).sort();
  const models: OllamaModel[] = [];
  for (const relativePath of relativePaths) {
    // Manifests are the files four levels down: registry/namespace/name/tag.
    const parts = relativePath.split(sep);
    if (parts.length !== 4) continue;
    const manifestPath = join(manifestsDirectory, relativePath);
    const path = await modelBlob(directory, manifestPath);
    if (path) models.push({ name: modelName(parts), path, manifestPath });
  }
  return models;
}

async function modelBlob(directory: string, manifestPath: string): Promise<string | undefined> {
  let manifest: z.infer<typeof manifestSchema>;
  try {
    manifest = manifestSchema.parse(JSON.parse(await readSmallFile(manifestPath, MAX_MANIFEST_BYTES)));
  } catch {
    return undefined; // a manifest Ollama is writing, or not one at all
  }
  const digest = manifest.layers?.find((layer) => layer.mediaType === MODEL_MEDIA_TYPE)?.digest;
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest ?? '')?.[1];
  if (!hex) return undefined;
  const path = join(directory, 'blobs', `sha256-${hex}`);
  // Ollama's blobs are usually GGUF, but not always (safetensors imports); llama.cpp only reads GGUF.
  return (await hasGgufMagic(path).catch(() => false)) ? path : undefined;
}

function modelName([registry, namespace, name, tag]: string[]): string {
  return registry === DEFAULT_PREFIX[0] && namespace === DEFAULT_PREFIX[1]
    ? `${name}:${tag}`
    : `${registry}/${namespace}/${name}:${tag}`;
}
