// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One file of documentation read into what the index keeps: a man page's
// sections and entries, a help page's sections, a README's or NEWS's parts, the NixOS options one by one.
import { readFile } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import type { IndexedDocument } from './docsStore.js';
import { parseHelpPage } from './helpPage.js';
import { indirectParts, infoNodes } from './infoPage.js';
import { parseManPage, type Passage } from './manPage.js';

const gunzipAsync = promisify(gunzip);

/** Documents longer than this are read only this far: the start of a NEWS file is what is current. */
const MAX_TEXT_CHARS = 256 * 1024;
/** Man pages are read whole up to this: gcc(1) is about 1.3 MB of roff. */
const MAX_PAGE_CHARS = 4 * 1024 * 1024;
const PART_CHARS = 2000;

/** A man page file's name read: "sshd_config.5.gz" is sshd_config of section 5; null for other files. */
export function manPageName(file: string): { name: string; section: string } | null {
  const match = /^(.+)\.(\d[\w]*|n|l)(?:\.gz)?$/.exec(file);
  return match?.[1] && match[2] ? { name: match[1], section: match[2] } : null;
}

export async function readText(path: string, maxChars = MAX_TEXT_CHARS): Promise<string> {
  const raw = await readFile(path);
  const bytes = path.endsWith('.gz') ? await gunzipAsync(raw) : raw;
  return bytes
    .subarray(0, maxChars * 2)
    .toString('utf8')
    .slice(0, maxChars);
}

/** A man page, or nothing for an alias (.so): the page it points to is indexed under its own name. */
export async function readManPage(path: string, lang: string): Promise<IndexedDocument[]> {
  const file = manPageName(path.slice(path.lastIndexOf('/') + 1));
  if (!file) return [];
  const parsed = parseManPage(await readText(path, MAX_PAGE_CHARS), file.name);
  if (parsed.kind === 'alias' || parsed.passages.length === 0) return [];
  const passages = file.section.startsWith('3') ? nameAndSynopsis(parsed.passages) : parsed.passages;
  return [{ title: `${file.name}(${file.section})`, lang, kind: 'man', passages }];
}

/**
 * Of a library call's page (section 3: C, Perl, OpenSSL…), only its first two sections, NAME and SYNOPSIS:
 * enough to find the call and its signature. A desktop's questions are seldom about the rest, and these
 * pages are numerous and long.
 */
function nameAndSynopsis(passages: readonly Passage[]): Passage[] {
  const headings = [...new Set(passages.map((passage) => passage.heading))].slice(0, 2);
  return passages.filter((passage) => headings.includes(passage.heading));
}

// A Markdown heading, or a line underlined with = or - (reStructuredText, Setext).
const HEADING = /^(#{1,4})\s+(.+?)\s*#*$/;
const UNDERLINE = /^(?:={3,}|-{3,})\s*$/;

/** A README or NEWS in parts: at its headings, and long stretches at paragraphs. */
export async function readTextDocument(path: string, title: string): Promise<IndexedDocument[]> {
  const lines = (await readText(path)).replace(/\r/g, '').split('\n');
  const passages: IndexedDocument['passages'] = [];
  let heading = title.slice(title.lastIndexOf('/') + 1);
  let entry: string | null = null;
  let body: string[] = [];
  const flush = () => {
    const text = body
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    body = [];
    passages.push(...inParts({ heading, entry, text }));
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const next = lines[index + 1] ?? '';
    const markdown = HEADING.exec(line);
    const underlined = line.trim() !== '' && UNDERLINE.test(next) && line.trim().length <= 100;
    if (markdown?.[2] || underlined) {
      flush();
      const text = (markdown?.[2] ?? line).trim();
      // The top headings name sections; the lower ones name entries inside them.
      if ((markdown?.[1]?.length ?? (next.startsWith('=') ? 1 : 2)) <= 1 || passages.length === 0) {
        heading = text;
        entry = null;
      } else entry = text;
      if (underlined) index++;
      continue;
    }
    body.push(line);
  }
  flush();
  return passages.length > 0 ? [{ title, lang: '', kind: 'doc', passages }] : [];
}

/** A GNU info manual's main file read: "coreutils.info.gz" is coreutils; null for its parts and other files. */
export function infoManualName(file: string): string | null {
  return /^(.+)\.info(?:\.gz)?$/.exec(file)?.[1] ?? null;
}

/**
 * An info manual, its parts read after its main file, one passage per node (long nodes in parts), cited as
 * "coreutils (info)#ls invocation".
 */
export async function readInfoManual(path: string): Promise<IndexedDocument[]> {
  const name = infoManualName(path.slice(path.lastIndexOf('/') + 1));
  if (!name) return [];
  const main = await readText(path, MAX_PAGE_CHARS);
  const folder = dirname(path);
  const present = new Set(await readdir(folder));
  const parts = await Promise.all(
    indirectParts(main).map((part) => {
      const file = present.has(`${part}.gz`) ? `${part}.gz` : part;
      return present.has(file) ? readText(join(folder, file), MAX_PAGE_CHARS) : Promise.resolve('');
    }),
  );
  const passages = infoNodes([main, ...parts].join('')).flatMap(({ name, text }) =>
    inParts({ heading: name, entry: null, text }),
  );
  return passages.length > 0 ? [{ title: `${name} (info)`, lang: '', kind: 'info', passages }] : [];
}

/**
 * A Mallard help page (/usr/share/help/C/gnome-help/display-night-light.page), cited by the address Yelp opens
 * it by: "help:gnome-help/display-night-light". Its title and what it says it is about lead it, as a man page's
 * NAME line leads a man page.
 */
export async function readHelpPage(path: string, document: string, lang: string): Promise<IndexedDocument[]> {
  const page = parseHelpPage(await readText(path));
  if (!page) return [];
  const id = page.id || path.slice(path.lastIndexOf('/') + 1).replace(/\.page$/, '');
  return [{ title: `help:${document}/${id}`, lang, kind: 'help', passages: page.passages.flatMap(inParts) }];
}

/** A passage whose text is long in parts, the second on named after it: "ls invocation (part 2)". */
function inParts({ heading, entry, text }: Passage): Passage[] {
  return partsOf(text).map((part, index) => ({
    heading,
    entry: index === 0 ? entry : `${entry ?? heading} (part ${index + 1})`,
    text: part,
  }));
}

/** A text in parts of about PART_CHARS, cut at paragraphs where it can be. */
function partsOf(text: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = start + PART_CHARS >= text.length ? text.length : paragraphEnd(text, start);
    const part = text.slice(start, end).trim();
    if (part) parts.push(part);
    start = end;
  }
  return parts;
}

/** Where a part of about PART_CHARS ends: at a paragraph if there is one near, else at a line. */
function paragraphEnd(text: string, start: number): number {
  const limit = start + PART_CHARS;
  const paragraph = text.lastIndexOf('\n\n', limit);
  if (paragraph > start + PART_CHARS / 2) return paragraph;
  const line = text.lastIndexOf('\n', limit);
  return line > start + PART_CHARS / 2 ? line : limit;
}

interface NixosOption {
  description?: string | { text?: string };
  type?: string;
  default?: unknown;
  example?: unknown;
  readOnly?: boolean;
}

/** nixpkgs writes literal values as { _type: "literalExpression", text: "…" }. */
function literal(value: unknown): string {
  if (value && typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return JSON.stringify(value);
}

/** NixOS's options.json (the manual's option list): each option one entry, with its type and default. */
export async function readNixosOptions(path: string): Promise<IndexedDocument[]> {
  const options = JSON.parse(await readFile(path, 'utf8')) as Record<string, NixosOption>;
  const passages = Object.entries(options).map(([name, option]) => {
    const description = typeof option.description === 'string' ? option.description : (option.description?.text ?? '');
    const lines = [
      name,
      option.type ? `Type: ${option.type}` : '',
      option.default !== undefined ? `Default: ${literal(option.default)}` : '',
      option.example !== undefined ? `Example: ${literal(option.example)}` : '',
      option.readOnly ? 'Read-only.' : '',
      '',
      description.trim(),
    ];
    return {
      heading: 'OPTIONS',
      entry: name,
      text: lines.filter((line, index) => line !== '' || index === 5).join('\n'),
    };
  });
  return [{ title: 'NixOS options', lang: '', kind: 'nixos', passages }];
}
