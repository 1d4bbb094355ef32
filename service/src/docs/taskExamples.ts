// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Examples of what people do at a terminal, in their words, with the command line that does it: tldr-pages'
// English pages (CC BY 4.0), bundled in service/data/task-examples.json.gz (build/task-examples.mjs writes it).
// A man page says what a command is ("change file mode bits"); an example says what it is for ("give the
// user who owns a file the right to execute it"). The search finds the examples that match a question and
// lifts the man pages and the options they name, on this machine's pages.
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import { z } from 'zod';

const FILE = z.object({
  commit: z.string(),
  pages: z.array(z.tuple([z.string(), z.string(), z.array(z.tuple([z.string(), z.string()]))])),
});

export interface TaskExample {
  /** The page's command: "chmod", "flatpak", "systemd-analyze". */
  command: string;
  /** What the command is, as the page's summary says it. */
  summary: string;
  /** What the example does, in a user's words. */
  task: string;
  /** The command line, with tldr's {{placeholders}}. */
  code: string;
}

export interface TaskExamples {
  /** Which snapshot of the pages: the index reloads them when it changes. */
  version: string;
  examples: TaskExample[];
}

/** Raised when the index stores the examples otherwise: an index with the same snapshot reads them again. */
const STORED_FORM = 2;

/** The examples in a bundled file. */
export async function readTaskExamples(path: string): Promise<TaskExamples> {
  const text = (await promisify(gunzip)(await readFile(path))).toString('utf8');
  const { commit, pages } = FILE.parse(JSON.parse(text));
  return {
    version: `${commit} ${STORED_FORM}`,
    examples: pages.flatMap(([command, summary, examples]) =>
      examples.map(([task, code]) => ({ command, summary, task, code })),
    ),
  };
}

/**
 * The command line without its placeholders, whose words ("path/to/file") say nothing of the command; an
 * option written both ways (`{{[-n|--lines]}}`, tldr's way since 2025) is kept as its two spellings.
 */
export function withoutPlaceholders(code: string): string {
  return code
    .replace(/\{\{\[([^\]]*)\]\}\}/g, (_whole, spellings: string) => ` ${spellings.replaceAll('|', ' ')} `)
    .replace(/\{\{.*?\}\}/g, ' ');
}

/**
 * The man page names an example's command line may be documented under, most specific first: a subcommand's
 * own page ("flatpak info" is flatpak-info(1), "git commit" git-commit(1)), then the command's.
 */
export function pageNames(command: string, code: string): string[] {
  const [first, second] = withoutPlaceholders(code).trim().split(/\s+/);
  const names = first === command && second && /^[a-z][a-z0-9-]*$/.test(second) ? [`${command}-${second}`] : [];
  return [...names, command];
}

/**
 * The options and subcommands an example's command line uses, as manRanking's entryNames writes an entry's
 * names (lower case, letters and digits only): "journalctl --vacuum-size=2G" names "vacuumsize".
 */
export function namedOptions(code: string): string[] {
  const words = withoutPlaceholders(code).trim().split(/\s+/).slice(1);
  const names = words.flatMap((word) => {
    const option = /^--?([A-Za-z0-9][\w-]*)/.exec(word);
    if (option) return [option[1] ?? ''];
    return /^[a-z][a-z0-9-]+$/.test(word) ? [word] : [];
  });
  return [...new Set(names.map((name) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')))].filter(Boolean);
}
