// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { StewardError } from '../dbus/errors.js';
import type { Logger } from '../logging.js';
import { readSmallFile, writeFileAtomically } from '../smallFile.js';
import type { ArchitectureSupport } from './architectures.js';
import { assessFit, estimateRequiredBytes, type FitAssessment, type Hardware } from './fit.js';
import { hasGgufMagic, type ModelMetadata } from './gguf.js';
import { type Inspection, inspectModels } from './inspect.js';
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
  /** The built model inspector (dist/service/steward-model-inspector.js), which reads the files. */
  inspectorScript: string;
  logger?: Logger;
}

/** What one version of a file held; a file that could not be read is remembered too, so it is not read again. */
type Inspected = { size: number; mtimeMs: number } & (
  { metadata: ModelMetadata; support: ArchitectureSupport } | { error: string }
);

interface Candidate {
  id: string;
  path: string;
  source: ModelSource;
  fallbackName: string;
}

interface CandidateFile extends Candidate {
  size: number;
  mtimeMs: number;
}

/** The installed models: Steward's own store plus Ollama's, used in place. */
export class ModelStore {
  // Reading a real model's metadata parses its whole vocabulary; do it once per file version.
  private readonly inspected = new Map<string, Inspected>();

  constructor(private readonly options: ModelStoreOptions) {}

  get storeDirectory(): string {
    return this.options.storeDirectory;
  }

  async list(): Promise<ModelInfo[]> {
    const hardware = await this.options.hardware();
    const candidates = [...(await this.storeCandidates()), ...(await this.ollamaCandidates())];
    const files = (await Promise.all(candidates.map((candidate) => this.candidateFile(candidate)))).filter(
      (file) => file !== undefined,
    );
    await this.inspect(files.filter((file) => !this.inspectionOf(file)));
    return files.flatMap((file) => this.describe(file, hardware) ?? []);
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
    this.inspected.delete(model.path);
    if ((await this.activeId()) === id) await rm(this.options.activeModelFile, { force: true });
  }

  private async activeId(): Promise<string | undefined> {
    try {
      const { id } = JSON.parse(await readSmallFile(this.options.activeModelFile, 64 * 1024)) as { id?: unknown };
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

  /** The candidate with its size and age, or undefined when it is gone or not a GGUF file. */
  private async candidateFile(candidate: Candidate): Promise<CandidateFile | undefined> {
    try {
      const file = await stat(candidate.path);
      if (!(await hasGgufMagic(candidate.path))) return undefined;
      return { ...candidate, size: file.size, mtimeMs: file.mtimeMs };
    } catch (error) {
      this.skip(candidate.path, error);
      return undefined;
    }
  }

  private inspectionOf(file: CandidateFile): Inspected | undefined {
    const inspected = this.inspected.get(file.path);
    return inspected?.size === file.size && inspected.mtimeMs === file.mtimeMs ? inspected : undefined;
  }

  private async inspect(files: CandidateFile[]): Promise<void> {
    if (files.length === 0) return;
    let results: Record<string, Inspection>;
    try {
      results = await inspectModels(
        this.options.inspectorScript,
        files.map((file) => file.path),
      );
    } catch (error) {
      if (files.length > 1) {
        // One file that stopped the inspector (killed when it ran too long) must not hide the others.
        for (const file of files) await this.inspect([file]);
        return;
      }
      results = Object.fromEntries(files.map((file) => [file.path, { error: String(error) }]));
    }
    for (const file of files) {
      const result = results[file.path] ?? { error: 'no answer from the model inspector' };
      if ('error' in result) this.skip(file.path, result.error);
      this.inspected.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, ...result });
    }
  }

  private describe(file: CandidateFile, hardware: Hardware): ModelInfo | undefined {
    const inspected = this.inspectionOf(file);
    if (!inspected || 'error' in inspected) return undefined;
    const { metadata, support } = inspected;
    const required = estimateRequiredBytes(file.size, metadata.kvCacheBytesPerToken, metadata.contextLength);
    return {
      ...metadata,
      id: file.id,
      path: file.path,
      source: file.source,
      // Ollama users know their models by tag, not by the name inside the file.
      displayName: file.source === 'ollama' ? file.fallbackName : (metadata.name ?? file.fallbackName),
      fileBytes: file.size,
      fit: assessFit(required, file.size, hardware),
      support,
    };
  }

  /** One damaged or vanished file must not hide the others. */
  private skip(path: string, error: unknown): void {
    this.options.logger?.warning('skipping a model file that cannot be read', { path, error: String(error) });
  }
}
