#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Writes service/data/task-examples.json.gz from a checkout of tldr-pages (https://github.com/tldr-pages/tldr,
// CC BY 4.0): each English page of pages/common and pages/linux as its command, its summary and its examples
// (what to do, in a user's words, and the command line that does it). The documentation search reads them to
// learn which command and option a question's words mean (service/src/docs/taskExamples.ts).
//   node build/task-examples.mjs PATH-TO-TLDR-CHECKOUT
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const checkout = process.argv[2];
if (!checkout) throw new Error('usage: node build/task-examples.mjs PATH-TO-TLDR-CHECKOUT');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const commit = execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

// tldr marks the letter an option stands for: "e[x]ecute", "[r]ecursive".
const unmarked = (text) => text.replace(/\[(\w+)\]/g, '$1');

const pages = [];
for (const platform of ['common', 'linux']) {
  const folder = join(checkout, 'pages', platform);
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(folder, file), 'utf8');
    const summary = [...text.matchAll(/^> (.*)$/gm)]
      .map((match) => match[1])
      .filter((line) => !/^(More information|See also|This command is an alias|View documentation)/.test(line))
      .join(' ');
    const examples = [...text.matchAll(/^- (.*):\n\n`(.*)`$/gm)].map((match) => [unmarked(match[1]), match[2]]);
    if (examples.length > 0) pages.push([file.slice(0, -'.md'.length), unmarked(summary), examples]);
  }
}
const data = {
  source: 'https://github.com/tldr-pages/tldr',
  commit,
  license: 'CC-BY-4.0, © the tldr-pages team and contributors',
  pages,
};
const out = join(root, 'service', 'data', 'task-examples.json.gz');
writeFileSync(out, gzipSync(JSON.stringify(data), { level: 9 }));
console.log(`${pages.length} pages, ${pages.reduce((sum, page) => sum + page[2].length, 0)} examples → ${out}`);
