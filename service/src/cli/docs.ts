// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward docs search|read`: the documentation index the service builds, read
// here directly (no service needed), and its line in `steward status`.
import { join } from 'node:path';

import { citation } from '../assistant/tools/docs.js';
import { DocsStore } from '../docs/docsStore.js';
import { userLanguages } from '../docs/indexer.js';
import { _, format, ngettext } from '../i18n.js';
import { resolvePaths } from '../paths.js';
import { cleanLine } from '../untrustedText.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exitCodes.js';

export const DOCS_USAGE = `  docs search WORDS…       Search the installed documentation (man pages, info, READMEs, NixOS options) that the
                           service indexes for the assistant (--limit N, --json)
  docs read REF            Show one section, e.g. "sshd_config(5)#AuthenticationMethods"; a page alone lists its sections
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

export async function docsCommand(
  args: string[],
  options: { json: boolean; limit: number | undefined; file?: string },
  output: DocsOutput = standardOutput,
): Promise<number> {
  const [verb, ...words] = args;
  if ((verb !== 'search' && verb !== 'read') || words.length === 0) {
    output.stderr(`steward: docs needs “search WORDS…” or “read REF”\n\n${DOCS_USAGE}`);
    return EXIT_USAGE;
  }
  const store = DocsStore.openReadOnly(options.file ?? docsIndexFile());
  if (!store) {
    output.stderr('steward: there is no documentation index yet; the service builds it in the background\n');
    return EXIT_FAILURE;
  }
  const languages = [...userLanguages(), ''];
  try {
    return verb === 'search'
      ? search(store, words.join(' '), options.limit ?? DEFAULT_LIMIT, languages, options.json, output)
      : read(store, words.join(' '), languages, options.json, output);
  } finally {
    store.close();
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
    const text = section.text.split('\n').map(cleanLine).join('\n');
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
