import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StewardError } from '../dbus/errors.js';
import type { Logger } from '../logging.js';
import { ensurePrivateDirectory } from '../paths.js';
import { architectureSupport, type ArchitectureSupport } from './architectures.js';
import { assessFit, estimateRequiredBytes, type FitAssessment, type Hardware } from './fit.js';
import { hasGgufMagic, readModelMetadata, type ModelMetadata } from './gguf.js';
import type { ModelLocations } from './locations.js';
import { listOllamaModels } from './ollama.js';

export type ModelSource = 'store' | 'ollama';

export interface ModelInfo extends ModelMetadata {
  /** Stable across restarts: "store:<file name>" or "ollama:<name:tag>". */
  id: string;
  path: string;
  source: ModelSource;
  /** The name people see: general.name, else the file or Ollama name. */
  displayName: string;
  fileBytes: number;
  fit: FitAssessment;
  /** Whether the bundled llama.cpp can load it at all. */
  support: ArchitectureSupport;
}

export interface ModelStoreOptions extends ModelLocations {
  /** Asked on each listing, since free RAM and VRAM change. */
  hardware: () => Hardware | Promise<Hardware>;
  logger?: Logger;
}

interface CachedMetadata {
  size: number;
  mtimeMs: number;
  metadata: ModelMetadata;
}

interface Candidate {
  id: string;
  path: string;
  source: ModelSource;
  fallbackName: string;
}

/** The installed models: Steward's own store plus Ollama's, used in place. */
export class ModelStore {
  // Reading a real model's metadata parses its whole vocabulary; do it once per file version.
  private readonly metadataCache = new Map<string, CachedMetadata>();

  constructor(private readonly options: ModelStoreOptions) {}

  get storeDirectory(): string {
    return this.options.storeDirectory;
  }

  async list(): Promise<ModelInfo[]> {
    const hardware = await this.options.hardware();
    const candidates = [...(await this.storeCandidates()), ...(await this.ollamaCandidates())];
    const models: ModelInfo[] = [];
    for (const candidate of candidates) {
      const model = await this.describe(candidate, hardware);
      if (model) models.push(model);
    }
    return models;
  }

  async get(id: string): Promise<ModelInfo> {
    const model = (await this.list()).find((candidate) => candidate.id === id);
    if (!model) throw new StewardError('NotFound', `There is no installed model "${id}".`);
    return model;
  }

  /** The chosen model, or undefined when none was chosen or it has since gone. */
  async active(): Promise<ModelInfo | undefined> {
    const id = await this.activeId();
    return id === undefined ? undefined : (await this.list()).find((model) => model.id === id);
  }

  async setActive(id: string): Promise<ModelInfo> {
    const model = await this.get(id);
    // Refused now rather than when the first chat fails to load it.
    if (!model.support.supported) throw new StewardError('Unavailable', model.support.reason);
    await writeFileAtomically(this.options.activeModelFile, `${JSON.stringify({ id: model.id })}\n`);
    return model;
  }

  async remove(id: string): Promise<void> {
    const model = await this.get(id);
    if (model.source === 'ollama')
      throw new StewardError(
        'NotAuthorized',
        `"${model.displayName}" belongs to Ollama; Steward only uses it in place. Remove it with "ollama rm".`,
      );
    await rm(model.path);
    this.metadataCache.delete(model.path);
    if ((await this.activeId()) === id) await rm(this.options.activeModelFile, { force: true });
  }

  private async activeId(): Promise<string | undefined> {
    try {
      const { id } = JSON.parse(await readFile(this.options.activeModelFile, 'utf8')) as { id?: unknown };
      return typeof id === 'string' ? id : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.options.logger?.warning('ignoring an unreadable active model file', {
        path: this.options.activeModelFile,
        error: String(error),
      });
      return undefined;
    }
  }

  private async storeCandidates(): Promise<Candidate[]> {
    const names = await readdir(this.options.storeDirectory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    // Only finished downloads end in .gguf: a pull writes <name>.gguf.part and renames it when verified.
    return names
      .filter((name) => name.endsWith('.gguf'))
      .map((name) => ({
        id: `store:${name}`,
        path: join(this.options.storeDirectory, name),
        source: 'store' as const,
        fallbackName: name.replace(/\.gguf$/, ''),
      }));
  }

  private async ollamaCandidates(): Promise<Candidate[]> {
    const models = await listOllamaModels(this.options.ollamaDirectories);
    return models.map((model) => ({
      id: `ollama:${model.name}`,
      path: model.path,
      source: 'ollama' as const,
      fallbackName: model.name,
    }));
  }

  private async describe(candidate: Candidate, hardware: Hardware): Promise<ModelInfo | undefined> {
    try {
      const file = await stat(candidate.path);
      if (!(await hasGgufMagic(candidate.path))) return undefined;
      const metadata = await this.metadata(candidate.path, file.size, file.mtimeMs);
      const required = estimateRequiredBytes(file.size, metadata.kvCacheBytesPerToken, metadata.contextLength);
      return {
        ...metadata,
        id: candidate.id,
        path: candidate.path,
        source: candidate.source,
        // Ollama users know their models by tag, not by the name inside the file.
        displayName: candidate.source === 'ollama' ? candidate.fallbackName : (metadata.name ?? candidate.fallbackName),
        fileBytes: file.size,
        fit: assessFit(required, file.size, hardware),
        support: await architectureSupport(metadata.architecture),
      };
    } catch (error) {
      // One damaged or vanished file must not hide the others.
      this.options.logger?.warning('skipping a model file that cannot be read', {
        path: candidate.path,
        error: String(error),
      });
      return undefined;
    }
  }

  private async metadata(path: string, size: number, mtimeMs: number): Promise<ModelMetadata> {
    const cached = this.metadataCache.get(path);
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.metadata;
    const metadata = await readModelMetadata(path);
    this.metadataCache.set(path, { size, mtimeMs, metadata });
    return metadata;
  }
}

/** Readers see the old file or the new one, never half of one. */
export async function writeFileAtomically(path: string, contents: string): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(temporary, contents, { mode: 0o600 });
  await rename(temporary, path);
}
