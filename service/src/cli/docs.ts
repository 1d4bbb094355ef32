// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward docs search|read`: the documentation index the service builds, read
// here directly (no service needed), and its line in `steward status`.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { citation } from '../assistant/tools/docs.js';
import { DocsIndex, type DocsStatus } from '../docs/docsIndex.js';
import { DocsStore } from '../docs/docsStore.js';
import { UPDATED_KEY } from '../docs/docsUpdate.js';
import { defaultSources, type DocsSources, userLanguages } from '../docs/indexer.js';
import { _, format, ngettext } from '../i18n.js';
import { createLogger } from '../logging.js';
import { resolvePaths } from '../paths.js';
import { cleanLine } from '../untrustedText.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exitCodes.js';

export const DOCS_USAGE = `  docs search WORDS…       Search the installed documentation (man pages, info, READMEs, NixOS options) that the
                           service indexes for the assistant (--limit N, --json)
  docs read REF            Show one section, e.g. "sshd_config(5)#AuthenticationMethods"; a page alone lists its sections
  docs build               Build the index now (or bring it up to date), without waiting for the service
`;

export interface DocsOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULT_LIMIT = 8;

const standardOutput: DocsOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The file the service keeps the index in. */
export const docsIndexFile = (env: NodeJS.ProcessEnv = process.env) =>
  join(resolvePaths(env).stateDirectory, 'docs.db');

export interface DocsCommandOptions {
  json: boolean;
  limit: number | undefined;
  /** Build a missing index without asking. */
  yes?: boolean;
  file?: string;
  /** The places the documentation is read from: the service's. */
  sources?: DocsSources;
  /** The service's GetStatus (its docs-* keys), or null when it is not running. */
  serviceStatus?(): Promise<Record<string, unknown> | null>;
  /** Asks the user; true to go on, false when they said no, a reason when they cannot be asked. */
  confirm?(question: string): Promise<boolean | string>;
}

export async function docsCommand(
  args: string[],
  options: DocsCommandOptions,
  output: DocsOutput = standardOutput,
): Promise<number> {
  const [verb, ...words] = args;
  const file = options.file ?? docsIndexFile();
  if (verb === 'build' && words.length === 0) return build(file, options, output);
  if ((verb !== 'search' && verb !== 'read') || words.length === 0) {
    output.stderr(`steward: docs needs “search WORDS…”, “read REF” or “build”\n\n${DOCS_USAGE}`);
    return EXIT_USAGE;
  }
  const ready = await whenReady(file, options, output);
  if (ready !== 0) return ready;
  const store = DocsStore.openReadOnly(file);
  if (!store) return EXIT_FAILURE;
  const languages = [...userLanguages(), ''];
  try {
    return verb === 'search'
      ? search(store, words.join(' '), options.limit ?? DEFAULT_LIMIT, languages, options.json, output)
      : read(store, words.join(' '), languages, options.json, output);
  } finally {
    store.close();
  }
}

/** Whether the index file holds a finished index: the service writes it in batches as it reads the files. */
function indexState(file: string): 'none' | 'partial' | 'ready' {
  const store = DocsStore.openReadOnly(file);
  if (!store) return 'none';
  try {
    return store.meta(UPDATED_KEY) ? 'ready' : 'partial';
  } catch {
    // A file the service has created but not yet given its tables.
    return 'none';
  } finally {
    store.close();
  }
}

async function serviceDocsStatus(options: DocsCommandOptions): Promise<Record<string, unknown> | null> {
  // The index can be searched without the service: a bus that cannot be reached only leaves its progress unknown.
  return (await options.serviceStatus?.().catch(() => null)) ?? null;
}

/** How far along the service is, in words, from GetStatus's docs-* keys. */
function progressOf(status: Record<string, unknown>): string {
  const done = Number(status['docs-done'] ?? 0);
  const total = Number(status['docs-total'] ?? 0);
  return total === 0
    ? 'it is looking for the files to read'
    : format('{done} of {total} files read ({percent}%)', {
        done,
        total,
        percent: Math.floor((done / total) * 100),
      });
}

/**
 * 0 when the index can be searched; else says why not (being built, and how far along; not built yet)
 * and offers to build it now, returning what the command exits with when it is not built.
 */
async function whenReady(file: string, options: DocsCommandOptions, output: DocsOutput): Promise<number> {
  const state = indexState(file);
  if (state === 'ready') return 0;
  const status = await serviceDocsStatus(options);
  const indexing = status?.['docs-state'] === 'indexing';
  if (state === 'partial') {
    output.stderr(
      indexing
        ? format('The documentation index is still being built ({progress}): results may be missing.\n', {
            progress: progressOf(status),
          })
        : 'The documentation index was not finished: results may be missing; “steward docs build” finishes it.\n',
    );
    return 0;
  }
  if (indexing) {
    output.stderr(
      format(
        'The documentation index is being built by the service: {progress}. Try again when it is done (“steward status” shows how far along it is).\n',
        { progress: progressOf(status) },
      ),
    );
    return EXIT_FAILURE;
  }
  output.stderr(
    status === null
      ? 'There is no documentation index yet: the service builds it in the background while it runs.\n'
      : 'The documentation index is not built yet: the service starts on it a minute after it starts.\n',
  );
  const answer =
    options.yes === true || ((await options.confirm?.('Build it now? It takes a minute or two. [y/N] ')) ?? false);
  if (answer !== true) {
    output.stderr('Build it now with “steward docs build”.\n');
    return EXIT_FAILURE;
  }
  return build(file, options, output);
}

/** Builds the index (or brings it up to date) in the foreground, at full speed, saying how far along it is. */
async function build(file: string, options: DocsCommandOptions, output: DocsOutput): Promise<number> {
  const status = await serviceDocsStatus(options);
  if (status?.['docs-state'] === 'indexing') {
    output.stderr(
      format('The service is building the documentation index now: {progress}.\n', { progress: progressOf(status) }),
    );
    return EXIT_FAILURE;
  }
  await mkdir(dirname(file), { recursive: true });
  const log = createLogger({ level: 'warning', journal: false, write: (line) => output.stderr(`${line}\n`) });
  const report = (progress: DocsStatus) => {
    if (progress.total > 0)
      output.stderr(
        format('Indexing the documentation: {done} of {total} files read\n', {
          done: progress.done,
          total: progress.total,
        }),
      );
  };
  const index = new DocsIndex({
    store: DocsStore.open(file),
    sources: options.sources ?? defaultSources(homedir()),
    log,
    dutyCycle: 1,
    onStatus: report,
  });
  try {
    await index.refresh(true);
    const built = index.status();
    if (built.state !== 'ready') return EXIT_FAILURE;
    output.stderr(
      format('The documentation index is ready: {passages} passages from {files} files.\n', {
        passages: built.passages,
        files: built.files,
      }),
    );
    return 0;
  } finally {
    await index.stop();
  }
}

function search(
  store: DocsStore,
  query: string,
  limit: number,
  languages: string[],
  json: boolean,
  output: DocsOutput,
): number {
  const hits = store.search(query, limit, languages);
  if (json) {
    output.stdout(`${JSON.stringify(hits)}\n`);
    return 0;
  }
  if (hits.length === 0) {
    output.stdout(`Nothing in the installed documentation matches “${query}”.\n`);
    return 0;
  }
  for (const hit of hits) {
    output.stdout(
      `${cleanLine(citation(hit))}\n  ${cleanLine(hit.snippet.replace(/\s+/g, ' '))}\n  ref: ${cleanLine(hit.ref)}\n\n`,
    );
  }
  return 0;
}

function read(store: DocsStore, ref: string, languages: string[], json: boolean, output: DocsOutput): number {
  const section = ref.includes('#') ? store.read(ref, languages) : null;
  if (json) {
    const title = ref.split('#')[0] ?? '';
    output.stdout(`${JSON.stringify(section ?? { title, contents: store.contents(title) })}\n`);
    return section || store.contents(title).length > 0 ? 0 : EXIT_FAILURE;
  }
  if (section) {
    const text = section.text
      .split('\n')
      .map((line) => cleanLine(line))
      .join('\n');
    output.stdout(`${cleanLine(citation(section))} (${section.path})\n\n${text}\n`);
    return 0;
  }
  const title = ref.split('#')[0]?.trim() ?? '';
  const contents = store.contents(title);
  if (contents.length === 0) {
    output.stderr(`steward: no page “${title}” is in the documentation index\n`);
    return EXIT_FAILURE;
  }
  if (ref.includes('#')) output.stderr(`steward: ${title} has no section “${ref.slice(ref.indexOf('#') + 1)}”\n`);
  output.stdout(contents.map((name) => `${title}#${cleanLine(name)}\n`).join(''));
  return ref.includes('#') ? EXIT_FAILURE : 0;
}

const formatMiB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** The documentation line of `steward status`, from GetStatus's docs-* keys; none when the service has no index. */
export function docsStatusLines(status: Record<string, unknown>): string[] {
  const state = status['docs-state'];
  if (typeof state !== 'string') return [];
  const passages = Number(status['docs-passages'] ?? 0);
  const size = format(ngettext('{count} passage, {size}', '{count} passages, {size}', passages), {
    count: passages,
    size: formatMiB(Number(status['docs-bytes'] ?? 0)),
  });
  const done = Number(status['docs-done'] ?? 0);
  const total = Number(status['docs-total'] ?? 0);
  const line =
    state === 'indexing' && total === 0
      ? _('indexing, looking for the files to read')
      : state === 'indexing'
        ? format(_('indexing, {done} of {total} files read ({percent}%)'), {
            done,
            total,
            percent: Math.floor((done / total) * 100),
          })
        : state === 'waiting'
          ? _('not built yet (it starts a minute after the service)')
          : state === 'failed'
            ? format(_('the last update failed (see the journal); {size}'), { size })
            : format(_('ready, {size}'), { size });
  return [format(_('Documentation: {state}'), { state: line })];
}
