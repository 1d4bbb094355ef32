// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// search_docs and read_doc: the installed documentation (man pages, GNOME help, info manuals, READMEs,
// NixOS options) of the exact versions on this computer, cited by page and section.
import { z } from 'zod';

import type { DocHit, DocSection } from '../../docs/docsStore.js';
import { N_ } from '../../i18n.js';
import { defineTool } from '../tool.js';

const MAX_SNIPPET = 360;
/** read_doc shows this much of a section; the loop's bound leaves room for the citation line. */
const MAX_SECTION = 3400;
const SOURCE = 'Source: ';

/** How a passage is cited: "sshd_config(5), section AuthenticationMethods", "coreutils (info), node ls invocation". */
export function citation(passage: Pick<DocHit, 'title' | 'heading' | 'entry' | 'lang'>): string {
  const language = passage.lang ? ` [${passage.lang}]` : '';
  const part = passage.title.endsWith(' (info)') ? 'node' : 'section';
  return `${passage.title}${language}, ${part} ${passage.entry ?? passage.heading}`;
}

/** The citations in a documentation tool's output, for the step the user sees. */
export function sourcesIn(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(SOURCE))
    .map((line) => line.slice(SOURCE.length).replace(/ \(ref ".*"\)$/, ''));
}

const shorten = (text: string, length: number) =>
  text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`;

function describeHit(hit: DocHit): string {
  const snippet = shorten(hit.snippet.replace(/\s+/g, ' ').trim(), MAX_SNIPPET);
  // Indented, so that no passage's words can pass for a source line.
  return `${SOURCE}${citation(hit)} (ref "${hit.ref}")\n  ${snippet}`;
}

function describeSection(section: DocSection): string {
  const more = section.text.length > MAX_SECTION ? '\n… (the rest of this section is left out)' : '';
  return `${SOURCE}${citation(section)} (ref "${section.ref}")\nFile: ${section.path}\n\n${section.text.slice(0, MAX_SECTION)}${more}`;
}

export const searchDocsTool = defineTool({
  name: 'search_docs',
  description:
    "This computer's installed documentation (man pages, GNOME help, info manuals, READMEs, NixOS options) of the versions installed here: the best passages with page and section. Check a flag or option with it before naming it, cite the page and section, and say so when it is not there.",
  params: z.object({
    query: z.string().min(2).max(200).describe('e.g. "sshd_config PasswordAuthentication"'),
    limit: z.number().int().min(1).max(8).default(5),
  }),
  progress: N_('searching the documentation…'),
  sources: sourcesIn,
  async run({ query, limit }, { machine }) {
    const hits = await machine.searchDocs(query, limit);
    if (hits.length === 0) return `No installed documentation mentions "${query}". Try other words, or a page's name.`;
    return `${hits.map(describeHit).join('\n\n')}\n\nread_doc with a ref gives the whole section.`;
  },
});

export const readDocTool = defineTool({
  name: 'read_doc',
  description:
    'One section of a man page or document, by the ref search_docs gave; a page alone ("ls(1)") lists its sections.',
  params: z.object({
    ref: z.string().min(3).max(300).describe('e.g. "ssh_config(5)#ForwardAgent"'),
  }),
  progress: N_('reading the documentation…'),
  // The first line is the section's own; its text below may hold anything.
  sources: (output) => sourcesIn(output).slice(0, 1),
  async run({ ref }, { machine }) {
    const section = ref.includes('#') ? await machine.readDoc(ref) : null;
    if (section) return describeSection(section);
    const title = ref.split('#')[0]?.trim() ?? '';
    const contents = await machine.docContents(title);
    if (contents.length === 0) return `No page "${title}" is installed. search_docs finds pages by words.`;
    const missing = ref.includes('#') ? `There is no section "${ref.slice(ref.indexOf('#') + 1)}" in ${title}. ` : '';
    return `${missing}The sections and entries of ${title}:\n${contents.map((name) => `${title}#${name}`).join('\n')}`;
  },
});
